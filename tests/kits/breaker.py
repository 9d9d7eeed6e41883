"""A sync the mass-change breaker holds: twelve HubSpot contacts linked to hub contacts
(through the runner, against the HubSpot sandbox over HTTP), with thresholds lowered
so a handful of records trips them (min. 4 records, 20%, 3 creates)."""

from syncapp.engine.breaker import Thresholds
from syncapp.syncs import review
from syncapp.syncs.models import FieldMapping, LinkStatus
from syncapp.syncs.wizard import services, state
from tests.kits.engine import make_sync, run
from tests.kits.observe import fresh, statuses

PEOPLE = 12
LOW = Thresholds(changed_percent=20, changed_max=1000, min_records=4, creates_max=3,
                 deleted_percent=20)


def make_people(hubspot, **values) -> list[str]:
    outcomes = hubspot.connector().create("contacts", [
        (str(i), {"email": f"person{i}@example.com", "firstname": f"Person{i}", **values})
        for i in range(PEOPLE)])
    assert all(o.ok for o in outcomes)
    return [o.record.id for o in outcomes]


def linked_sync(hubspot, *, job_mapped: bool = True, jobtitle: str = "Engineer"):
    """Twelve app contacts synced into the hub, then a quiet incremental run."""
    fresh(hubspot, "contacts")
    ids = make_people(hubspot, jobtitle=jobtitle)
    sync = make_sync(hubspot, "contacts")
    if not job_mapped:
        FieldMapping.objects.filter(object_sync=sync, hub_property="jobtitle").update(
            enabled=False)
    run(hubspot, sync)
    run(hubspot, sync)
    review.save_thresholds(sync, LOW)
    assert statuses(sync) == {LinkStatus.IN_SYNC: PEOPLE}
    return sync, ids


def turn_on_job_title(app, sync) -> None:
    """As a person does on the sync's mapping page, then Save: a saved mapping change
    makes the next run read every app record again (wizard/services.save). The fields
    are read from `app`'s sandbox (the settings' site has no server here)."""
    sync.refresh_from_db()
    catalogs = services.catalogs_for(sync, app.connector())

    def enable(settings):
        for mapping in settings.mappings:
            if mapping.hub_property == "jobtitle":
                mapping.enabled = True
        return settings

    services.commit(sync, state.token(sync), enable, catalogs, mappings=True)
    sync.refresh_from_db()
    assert services.save(sync, state.token(sync), catalogs) == "saved"


def held_by_a_new_mapping(hubspot, *, jobtitle: str = "Engineer"):
    """The job title mapping turned on for twelve records the hub has none of: held."""
    sync, ids = linked_sync(hubspot, job_mapped=False, jobtitle=jobtitle)
    turn_on_job_title(hubspot, sync)
    run(hubspot, sync)
    sync.refresh_from_db()
    return sync, ids
