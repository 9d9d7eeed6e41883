"""Our own writes, read back by the next incremental run, are dropped before planning.

After an initial sync the app's change feed returns every record the sync wrote to
it. Each write's reply carried the record's stamp (its modification time, or row
version); a record read back with the stamp our write got is that write's echo and
is counted, not planned. A person's edit after our write, or one that our write's
reply carried back, still reaches the hub.
"""

import pytest

from connectors.dynamics import DynamicsConnector
from syncapp.crm.models import Record
from syncapp.crm.services import create_record, update_record
from syncapp.syncs.models import Link, LinkStatus
from tests.engine.test_apply_race import while_app_writes
from tests.kits.engine import make_sync, open_app, run, settle
from tests.kits.observe import app_writes, fresh, link_of_hub

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def dynamics(portal):
    app, server = open_app(DynamicsConnector, portal, "admin@contoso.example")
    yield app
    server.__exit__(None, None, None)


# Per app: the object, and how a person there writes an email and a first name.
APPS = {
    "hubspot": ("contacts", lambda email, first: {"email": email, "firstname": first}),
    "pipedrive": ("persons", lambda email, first: {"email": email, "first_name": first}),
    "dynamics": ("contacts", lambda email, first: {"emailaddress1": email, "firstname": first}),
}


def _initial_sync(portal, app, app_name: str):
    """Ann and Bob only in the hub (created in the app), Cy on both sides with another
    first name (updated in the app: the hub wins). Returns the sync and the hub records."""
    object_name, values = APPS[app_name]
    fresh(app, object_name)
    app.create(object_name, **values("cy@echo.example", "Cyrus"))
    people = {name: create_record(portal, "contact", {"email": f"{name}@echo.example",
                                                      "firstname": name.title()})
              for name in ("ann", "bob", "cy")}
    sync = make_sync(app, object_name, winner="hub")
    settle(portal)
    run(app, sync)
    assert set(_statuses(sync)) == {LinkStatus.IN_SYNC}
    return sync, people


def _statuses(sync) -> dict[str, int]:
    found: dict[str, int] = {}
    for status in Link.objects.filter(object_sync=sync).values_list("status", flat=True):
        found[status] = found.get(status, 0) + 1
    return found


def _last_run_counts(sync) -> dict:
    return sync.runs.order_by("-id").first().counts


@pytest.mark.parametrize("app_name", ["hubspot", "pipedrive", "dynamics"])
def test_the_first_incremental_run_skips_what_the_initial_sync_wrote(portal, request,
                                                                      app_name):
    app = request.getfixturevalue(app_name)
    sync, people = _initial_sync(portal, app, app_name)
    links = {name: link_of_hub(sync, record) for name, record in people.items()}
    assert all(link.app_seen for link in links.values())  # each write's reply stamped
    writes = len(app_writes(app))

    run(app, sync)

    counts = _last_run_counts(sync)
    assert counts["echoes_skipped"] == 3  # Ann and Bob created, Cy updated, by us
    assert len(app_writes(app)) == writes
    assert counts.get("updated_hub", 0) == counts.get("updated_app", 0) == 0


@pytest.mark.parametrize("app_name", ["hubspot", "pipedrive", "dynamics"])
def test_a_record_edited_in_the_app_after_our_write_reaches_the_hub(portal, request,
                                                                    app_name):
    app = request.getfixturevalue(app_name)
    object_name, values = APPS[app_name]
    sync, people = _initial_sync(portal, app, app_name)
    bob = link_of_hub(sync, people["bob"])
    first_name = next(iter(values("x", "Robert").keys() - {"email", "emailaddress1"}))

    app.update(object_name, bob.app_id, **{first_name: "Robert"})  # someone, after us
    run(app, sync)

    counts = _last_run_counts(sync)
    assert counts["echoes_skipped"] == 2  # Ann and Cy; Bob's edit is not ours
    assert Record.objects.get(pk=people["bob"].pk).properties["firstname"] == "Robert"
    bob.refresh_from_db()
    assert bob.status == LinkStatus.IN_SYNC


def _edit_in_hubspot(sandbox, app_id: str, properties: dict) -> None:
    """Someone saving the contact in HubSpot while our write is in flight (the sandbox
    is busy with our call, so its store is changed directly, as HubSpot would)."""
    with sandbox.lock:
        for account in sandbox.accounts.values():
            record = account.table("contacts").get(app_id)
            if record is not None:
                account.apply("contacts", record, properties)


def test_an_edit_our_own_write_carried_back_is_not_taken_for_an_echo(portal, hubspot):
    """HubSpot writes without a version check: a person's edit landing while we write
    comes back in our write's reply, stamp and all. The record read back has the stamp
    we kept, but not the values we synced: it is planned, and the edit reaches the hub."""
    sync, people = _initial_sync(portal, hubspot, "hubspot")
    run(hubspot, sync)  # the initial sync's echoes, skipped
    ann = link_of_hub(sync, people["ann"])
    update_record(people["ann"], {"firstname": "Annie"})  # to be written to HubSpot
    settle(portal)

    with while_app_writes(hubspot.sandbox, "contacts/batch/update",
                          lambda: _edit_in_hubspot(hubspot.sandbox, ann.app_id,
                                                   {"phone": "555-0101"})) as fired:
        run(hubspot, sync)
    assert fired
    ann.refresh_from_db()
    assert hubspot.get("contacts", ann.app_id)["phone"] == "555-0101"
    stamped = ann.app_seen

    run(hubspot, sync)

    ann.refresh_from_db()
    record = Record.objects.get(pk=people["ann"].pk)
    assert (record.properties["firstname"], record.properties["phone"]) == ("Annie",
                                                                             "555-0101")
    assert ann.app_seen == stamped  # the same state of the record: its stamp is ours
    assert ann.status == LinkStatus.IN_SYNC
