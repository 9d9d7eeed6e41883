"""Cases the convergence machine found, kept as plain tests so they stay found."""

import pytest

from syncapp.crm.services import create_record
from syncapp.syncs.models import Link, LinkStatus
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
