"""The dry run: what the initial sync will do, from both sides' real data, writing nothing.

Checked against the real initial sync that follows, on the same data: matched,
created on each side, updated, excluded and failed must agree.
"""

import pytest

from syncapp.crm.models import ChangeLogEntry, Record
from syncapp.crm.properties import create_custom_property
from syncapp.crm.services import create_record
from syncapp.engine.limits import FILTERS, NO_EMAIL
from syncapp.syncs.configure import build_config, create_object_sync
from syncapp.syncs.models import Link, LinkStatus, Run, SyncState
from syncapp.syncs.run.dryrun import dry_run
from syncapp.syncs.wizard import state
from syncapp.syncs.wizard.state import FilterChoice, MappingChoice
from tests.kits.engine import make_sync, run
from tests.kits.observe import fresh

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def both_sides(portal, pipedrive):
    """Pipedrive's seeded people plus tricky ones, and a CRM that overlaps them."""
    pipedrive.create("persons", name="Phil Phone", email="phil@acme.example",
                     phone="ask at the front desk")  # Syncapp refuses this phone
    pipedrive.create("persons", name="Tina Twin", email="twin@acme.example")
    pipedrive.create("persons", name="Tom Twin", email="TWIN@acme.example")  # same email
    pipedrive.create("persons", name="Ian Intern", email="ian@acme.example", job_title="Intern")
    pipedrive.create("persons", name="Olga Outside", email="olga@acme.example",
                     job_title="Intern")
    for values in (
        {"email": "veronica.hayes@whitelane.com", "firstname": "Veronica", "lastname": "Hayes",
         "phone": "+1 710 555 0100"},
        {"email": "guy.lane@rivera.co", "firstname": "Guy", "lastname": "Lane",
         "lifecyclestage": "customer"},
        {"email": "ian@acme.example", "firstname": "Ian", "lastname": "Intern"},
        {"email": "hub.only@acme.example", "firstname": "Hub", "lastname": "Only"},
        {"email": "other@acme.example", "firstname": "Otto", "lifecyclestage": "other"},
        {"firstname": "No", "lastname": "Email"},
    ):
        create_record(portal, "contact", values)
    create_custom_property(portal, "contact", label="Lead source", kind="enumeration",
                           options_text="Inbound\nOutbound\nReferral\nEvent")
    return pipedrive


def configure(app):
    """A two-way contacts sync as the wizard leaves it: a custom dropdown mapping with its
    value map, email-only, a filter in each direction and a default lifecycle stage."""
    sync = create_object_sync(app.connection, "persons", app.cls,
                              default_lifecycle_stage="lead")
    fields = app.connector().fields("persons")
    source = next(f for f in fields if f.label == "Lead source")
    settings = state.load(sync)
    settings.mappings.append(MappingChoice(
        source.name, "lead_source", "two_way", is_default=False,
        value_map={o.value: o.label for o in source.options}))
    settings.filters = [FilterChoice("app", "job_title", "is_not", "Intern"),
                        FilterChoice("hub", "lifecyclestage", "is_not", "other")]
    state.apply_rows(sync, settings)
    sync.state = SyncState.ON
    sync.save()
    return sync


def snapshot(portal, app):
    return (Record.objects.filter(portal=portal).count(), ChangeLogEntry.objects.count(),
            Link.objects.count(), app.all("persons"))


def test_the_dry_run_writes_nothing_anywhere(portal, both_sides):
    sync = configure(both_sides)
    before = snapshot(portal, both_sides)
    both_sides.sandbox.calls.clear()

    dry_run(build_config(sync, both_sides.cls), both_sides.connector())

    assert snapshot(portal, both_sides) == before
    methods = {method for _at, method, _path in both_sides.sandbox.calls}
    assert methods == {"GET"}, both_sides.sandbox.calls


def test_the_dry_run_counts_are_what_the_initial_sync_then_does(portal, both_sides):
    sync = configure(both_sides)
    predicted = dry_run(build_config(sync, both_sides.cls), both_sides.connector())

    run(both_sides, sync)

    counts = Run.objects.get(object_sync=sync).counts
    real = {key: counts.get(key, 0) for key in (
        "matched", "created_hub", "created_app", "updated_hub", "updated_app", "failed")}
    guessed = predicted.counts()
    assert {k: guessed[k] for k in real} == real
    # Excluded is a final outcome: Ian, left aside by the filter and then matched by his
    # hub record, ends in sync (the run's own counter also counted his exclusion).
    links = Link.objects.filter(object_sync=sync)
    assert guessed["excluded"] == links.filter(status=LinkStatus.EXCLUDED).count()
    assert guessed["failed"] == links.filter(status=LinkStatus.FAILED).count()
    assert predicted.matched.count == 3  # Veronica and Guy, and Ian through his hub record


def test_the_dry_run_says_why_records_are_left_out_and_shows_samples(portal, both_sides):
    sync = configure(both_sides)
    result = dry_run(build_config(sync, both_sides.cls), both_sides.connector())

    excluded = {key: [s.name for s in bucket.samples] for key, bucket in result.excluded.items()
                if bucket.count}
    assert excluded[f"app:{NO_EMAIL}"] == ["Brian Webb", "Tracey Harris"]
    assert excluded[f"app:{FILTERS}"] == ["Olga Outside"]  # Ian is matched by his hub record
    assert excluded[f"hub:{FILTERS}"] == ["Otto"]
    assert excluded[f"hub:{NO_EMAIL}"] == ["No Email"]
    failing = {key: [s.name for s in bucket.samples] for key, bucket in result.failing.items()}
    assert failing == {"invalid_value": ["Phil Phone"], "duplicate": ["Tom Twin"]}
    assert "phone" in result.failing["invalid_value"].samples[0].note


def test_a_matched_pair_shows_the_field_changes_it_will_get(portal, both_sides):
    sync = configure(both_sides)
    result = dry_run(build_config(sync, both_sides.cls), both_sides.connector())

    veronica = next(s for s in result.matched.samples if s.name == "Veronica Hayes")
    assert veronica.note == "matched by email “veronica.hayes@whitelane.com”"
    # Syncapp wins conflicts: its phone and lower-case email go to Pipedrive…
    assert veronica.changes_app["phone"] == ["+1 710 555 0199", "+1 710 555 0100"]
    assert veronica.changes_app["email"][1] == "veronica.hayes@whitelane.com"
    # …and Pipedrive fills what Syncapp lacks, through the value map, plus the default stage.
    assert veronica.changes_hub["lead_source"] == [None, "Inbound"]
    assert veronica.changes_hub["lifecyclestage"] == [None, "lead"]
    guy = next(s for s in result.matched.samples if s.name == "Guy Lane")
    assert "lifecyclestage" not in guy.changes_hub  # a stage already set is never changed


def test_the_dry_run_predicts_ambiguous_matches_as_the_initial_sync_fails_them(
        portal, hubspot):
    """An app company whose name finds two hub companies: one failure on the app side
    and one per hub record it names, in the dry run as in the run (nothing created)."""
    fresh(hubspot, "companies")
    hubspot.create("companies", name="Acme")
    hubspot.create("companies", name="Globex")
    create_record(portal, "company", {"name": "Acme", "city": "Lisbon"})
    create_record(portal, "company", {"name": "ACME", "city": "Porto"})
    sync = make_sync(hubspot, "companies")
    predicted = dry_run(build_config(sync, hubspot.cls), hubspot.connector())

    run(hubspot, sync)

    counts = Run.objects.get(object_sync=sync).counts
    real = {key: counts.get(key, 0) for key in (
        "matched", "created_hub", "created_app", "failed")}
    assert {k: predicted.counts()[k] for k in real} == real == {
        "matched": 0, "created_hub": 1, "created_app": 0, "failed": 3}
    assert [s.name for s in predicted.failing["duplicate"].samples] == ["Acme", "Acme", "ACME"]
