"""A write the app refuses for a person to act on (a duplicate, say) is not sent again
on every re-read of the record; a change on either side, or Retry, sends it again."""

import pytest

from syncapp.crm.services import create_record, update_record
from syncapp.health import repair, repair_start
from syncapp.syncs.models import Link, LinkStatus
from tests.engine.convergence_kit import app_writes
from tests.kits.engine import make_sync, run, settle

pytestmark = pytest.mark.django_db(transaction=True)


def _refused_duplicate(portal, hubspot):
    """Ann's email is changed in Syncapp to one another app contact already has."""
    hubspot.clear("contacts")
    hubspot.create("contacts", email="bob@conv.example")  # app-only: a one-way sync skips it
    hub = create_record(portal, "contact", {"email": "ann@conv.example", "firstname": "Ann"})
    sync = make_sync(hubspot, "contacts", direction="to_app")
    settle(portal)
    run(hubspot, sync)
    update_record(hub, {"email": "bob@conv.example"})
    settle(portal)
    run(hubspot, sync)
    link = Link.objects.get(object_sync=sync, hub_record=hub)
    assert (link.status, link.error_category) == (LinkStatus.FAILED, "duplicate")
    return sync, hub, link


def test_a_refused_update_is_sent_again_once_the_hub_record_changes(portal, hubspot):
    sync, hub, link = _refused_duplicate(portal, hubspot)

    update_record(hub, {"email": "ann2@conv.example"})  # the person fixes it
    settle(portal)
    run(hubspot, sync)

    link.refresh_from_db()
    assert link.status == LinkStatus.IN_SYNC
    assert hubspot.get("contacts", link.app_id)["email"] == "ann2@conv.example"


def test_retry_sends_a_refused_update_again_though_nothing_changed(portal, hubspot, support):
    sync, _hub, link = _refused_duplicate(portal, hubspot)
    sent = app_writes(hubspot.sandbox)

    job = repair_start.start_retry(sync, "duplicate", [link.pk], support.user)
    while repair.run_job(job.pk, connector=hubspot.connector()) != repair.DONE:
        pass

    assert app_writes(hubspot.sandbox) > sent
    link.refresh_from_db()
    assert (link.status, link.error_category) == (LinkStatus.FAILED, "duplicate")
