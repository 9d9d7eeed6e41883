"""A race to close: a person's edit that lands while a batch is being applied.

A batch reads both sides, calls the app, then writes the hub. An edit made in the
hub in between (here: by another thread, on its own database connection, while the
app's write call is in flight) must not be overwritten by the stale plan: the hub
write is conditional on the row still holding what the plan read, the record is left
alone, and the next run plans it again from the change log, by the sync's rules.
Dataverse offers the same on the app side (If-Match with the row's ETag).
"""

import threading
from contextlib import contextmanager

import pytest
from django.db import connection as db_connection

from connectors.dynamics import DynamicsConnector
from connectors.dynamics.sandbox.schema import TABLES
from connectors.dynamics.sandbox.store import now_text
from syncapp.crm.models import Record
from syncapp.crm.services import create_record, update_record
from tests.kits.engine import make_sync, open_app, run, settle
from tests.kits.observe import fresh, link_of_hub

pytestmark = pytest.mark.django_db(transaction=True)


# --- the race ------------------------------------------------------------------------


def _edit_in_another_thread(record_id: int, values: dict) -> None:
    """A person saving the record in the hub: another thread, its own connection."""
    failures = []

    def edit():
        try:
            update_record(Record.objects.get(pk=record_id), values)
        except Exception as exc:  # reported to the test below
            failures.append(exc)
        finally:
            db_connection.close()

    thread = threading.Thread(target=edit)
    thread.start()
    thread.join()
    assert not failures, failures


def _is_write(request, marker: str) -> bool:
    return request.method in {"POST", "PATCH"} and marker in request.path


@contextmanager
def while_app_writes(sandbox, marker: str, action):
    """Run `action` once, during the first write call to the app whose path holds
    `marker`, before the app answers it: the call is in flight meanwhile."""
    handle, fired = sandbox.handle, []

    def slowed(request):
        if not fired and _is_write(request, marker):
            fired.append(request.path)
            action()
        return handle(request)

    sandbox.handle = slowed
    try:
        yield fired
    finally:
        sandbox.handle = handle


# --- HubSpot: the hub side's check ---------------------------------------------------


def _in_sync(portal, hubspot, winner: str, **people):
    """Contacts on both sides, linked and in sync: name -> (hub record, app id)."""
    fresh(hubspot, "contacts")
    pairs = {}
    for name, values in people.items():
        email = f"{name}@race.example"
        app_id = hubspot.create("contacts", email=email, **values)
        pairs[name] = (create_record(portal, "contact", {"email": email, **values}), app_id)
    sync = make_sync(hubspot, "contacts", winner=winner)
    run(hubspot, sync)
    settle(portal)
    return sync, pairs


@pytest.mark.parametrize(("winner", "final"), [("hub", "Annie"), ("app", "Anna")])
def test_a_hub_edit_made_while_the_app_is_called_is_never_overwritten(
        portal, hubspot, winner, final):
    sync, pairs = _in_sync(portal, hubspot, winner,
                           ann={"firstname": "Ann", "phone": "111"},
                           bob={"firstname": "Bob", "phone": "111"})
    (ann, ann_id), (bob, _bob_id) = pairs["ann"], pairs["bob"]
    before = link_of_hub(sync, ann)
    hubspot.update("contacts", ann_id, firstname="Anna")  # to be written to the hub
    update_record(bob, {"phone": "222"})  # to be written to the app: the call in flight

    with while_app_writes(hubspot.sandbox, "/contacts/batch/update",
                          lambda: _edit_in_another_thread(ann.pk, {"firstname": "Annie"})
                          ) as fired:
        run(hubspot, sync)
    assert fired, "the app was never written: no race happened"

    # The person's edit stands; the pair is left alone, link and last-synced values
    # untouched, and Bob's write went through.
    ann.refresh_from_db()
    assert ann.properties["firstname"] == "Annie"
    assert hubspot.get("contacts", ann_id)["firstname"] == "Anna"
    after = link_of_hub(sync, ann)
    assert (after.last_synced, after.status, after.updated_at) == (
        before.last_synced, before.status, before.updated_at)
    assert hubspot.get("contacts", pairs["bob"][1])["phone"] == "222"

    # The edit is in the change log: the next run sees a change on both sides since
    # last sync, and the sync's winner decides, as for any conflict.
    settle(portal)
    run(hubspot, sync)
    ann.refresh_from_db()
    assert ann.properties["firstname"] == hubspot.get("contacts", ann_id)["firstname"] == final
    assert link_of_hub(sync, ann).last_synced["firstname"] == final


@pytest.mark.parametrize("winner", ["hub", "app"])
def test_a_value_written_to_the_app_from_a_stale_read_never_wins_over_the_edit(
        portal, hubspot, winner):
    """The app side was written this batch (from the hub value read), the hub side
    was not (edited since): last-synced records the app write, so the next run sees
    the app unchanged since and the person's edit wins, whoever wins conflicts."""
    sync, pairs = _in_sync(portal, hubspot, winner, ann={"firstname": "Ann", "phone": "111"})
    ann, ann_id = pairs["ann"]
    update_record(ann, {"firstname": "Bo"})  # to be written to the app
    hubspot.update("contacts", ann_id, phone="222")  # to be written to the hub

    with while_app_writes(hubspot.sandbox, "/contacts/batch/update",
                          lambda: _edit_in_another_thread(ann.pk, {"firstname": "Cy"})
                          ) as fired:
        run(hubspot, sync)
    assert fired

    ann.refresh_from_db()
    assert (ann.properties["firstname"], ann.properties["phone"]) == ("Cy", "111")
    assert hubspot.get("contacts", ann_id)["firstname"] == "Bo"
    last = link_of_hub(sync, ann).last_synced
    assert (last["firstname"], last["phone"]) == ("Bo", "111")

    settle(portal)
    run(hubspot, sync)
    ann.refresh_from_db()
    app = hubspot.get("contacts", ann_id)
    assert ann.properties["firstname"] == app["firstname"] == "Cy"
    assert ann.properties["phone"] == app["phone"] == "222"


# --- Dynamics: the app side's check (If-Match) ----------------------------------------


@pytest.fixture
def dynamics(portal):
    app, server = open_app(DynamicsConnector, portal, "admin@contoso.example")
    yield app
    server.__exit__(None, None, None)


def _edit_in_dynamics(sandbox, contact_id: str, values: dict) -> None:
    """Someone saving the row in Dynamics (the sandbox is busy with our call, so its
    store is changed directly, as Dataverse would apply their save)."""
    table = TABLES["contacts"]
    for env in sandbox.accounts.values():
        row = env.store.rows(table).get(contact_id)
        if row is not None:
            env.store.update(table, row, values, now_text())


@pytest.mark.parametrize(("winner", "final"), [("hub", "Bo"), ("app", "Cy")])
def test_a_dynamics_edit_made_while_we_write_is_refused_by_its_etag_and_planned_again(
        portal, dynamics, winner, final):
    fresh(dynamics, "contacts")
    app_id = dynamics.create("contacts", emailaddress1="ann@race.example", firstname="Ann")
    ann = create_record(portal, "contact", {"email": "ann@race.example", "firstname": "Ann"})
    sync = make_sync(dynamics, "contacts", winner=winner)
    run(dynamics, sync)
    settle(portal)
    before = link_of_hub(sync, ann)
    update_record(ann, {"firstname": "Bo"})  # to be written to Dynamics

    with while_app_writes(dynamics.sandbox, f"contacts({app_id})",
                          lambda: _edit_in_dynamics(dynamics.sandbox, app_id,
                                                    {"firstname": "Cy"})) as fired:
        run(dynamics, sync)
    assert fired

    # Dataverse refused the stale write (412): their edit stands, and nothing about the
    # pair was recorded as synced or failed.
    assert dynamics.get("contacts", app_id)["firstname"] == "Cy"
    after = link_of_hub(sync, ann)
    assert (after.last_synced, after.status) == (before.last_synced, before.status)

    # Their edit comes through the change feed: changed on both sides, the winner wins.
    settle(portal)
    run(dynamics, sync)
    ann.refresh_from_db()
    assert ann.properties["firstname"] == dynamics.get("contacts", app_id)["firstname"] == final
