"""Cases the convergence machine found, kept as plain tests so they stay found."""

import pytest

from syncapp.crm.services import create_record
from syncapp.syncs.models import HistoryEntry, Link, LinkStatus
from tests.engine.kit import make_sync, run, settle

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("direction", ["two_way", "to_hub", "to_app"])
def test_records_created_on_both_sides_between_runs_pair_once(portal, hubspot, direction):
    hubspot.clear("contacts")
    sync = make_sync(hubspot, "contacts", direction=direction)
    run(hubspot, sync)
    # Between two runs, the same person is added on both sides: the run reads the app
    # record and the hub record in one batch, and must link them, not also consider
    # the hub record on its own (which made a second link and failed the batch).
    app_id = hubspot.create("contacts", email="dee@conv.example", firstname="Dee")
    hub = create_record(portal, "contact", {"email": "Dee@conv.example", "lastname": "Lo"})
    settle(portal)

    run(hubspot, sync)

    link = Link.objects.get(object_sync=sync)
    assert (link.hub_record_id, link.app_id, link.status) == (hub.pk, app_id, LinkStatus.IN_SYNC)


def test_a_record_refused_again_unchanged_adds_no_history(portal, hubspot):
    hubspot.clear("contacts")
    hubspot.create("contacts", email="ann@conv.example", phone="call me")  # hub refuses
    sync = make_sync(hubspot, "contacts")
    run(hubspot, sync)
    link = Link.objects.get(object_sync=sync)
    assert (link.status, link.error_category) == (LinkStatus.FAILED, "invalid_value")

    # The app's change feed re-reads recent records (an overlap window): the same
    # refusal again is not a new event of the record's history.
    run(hubspot, sync)
    run(hubspot, sync)

    assert list(HistoryEntry.objects.filter(link=link).values_list("action", flat=True)) == [
        "failed"]
