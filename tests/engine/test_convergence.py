"""Convergence: whatever people do on both sides, the runs bring a contact sync in step.

A hypothesis state machine interleaves creates, updates, clears, deletes and
restores in the hub and in a HubSpot sandbox account, with engine runs in
between, for a random direction and conflict winner. After a final run:

* every in-sync pair agrees on each mapped field the direction writes both ways
  (on a one-way field, the written side agrees unless a person changed it there),
  and its last-synced values are what both sides hold;
* no record exists twice, and every live record on either side has a link whose
  status says where it stands (in sync, excluded, failed, deleted) — nothing is
  silently missing, nothing is left "being created";
* one more run writes nothing: no change-log entry, no history, no app write.
"""

import contextlib
import os
import uuid

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    rule,
    run_state_machine_as_test,
)

from connectors.hubspot import HubSpotConnector
from connectors.hubspot.sandbox import HubSpotSandbox
from connectors.hubspot.sandbox.store import Portal as SandboxAccount
from syncapp.accounts.services import create_portal
from syncapp.crm.identifiers import normalize_email
from syncapp.crm.models import ChangeLogEntry, Record
from syncapp.crm.services import (
    RecordInvalid,
    archive_record,
    create_record,
    restore_record,
    update_record,
)
from syncapp.engine.restore import recreate_in_app, restore_in_hub
from syncapp.engine.rules import pack
from syncapp.integrations.catalog import connector_class
from syncapp.syncs.configure import build_config
from syncapp.syncs.models import HistoryEntry, Link, LinkStatus
from tests.engine.kit import make_sync, open_app, run, settle

pytestmark = pytest.mark.django_db(transaction=True)

# Few emails (one in other letter case) and few values, so that records collide,
# match, conflict and come back equal by chance.
emails = st.sampled_from(["ann@conv.example", "ANN@conv.example", "bob@conv.example",
                          "cy@conv.example", "dee@conv.example", None])
names = st.sampled_from(["Ann", "Bo", "Cy"]) | st.none()
# "call me" is a phone number the app takes and the hub refuses: a failed record.
phones = st.sampled_from(["+1 555 010 0001", "+1 555 010 0002", "call me"]) | st.none()
FIELDS = {"firstname": names, "lastname": names, "phone": phones, "email": emails}
edits = st.sampled_from(list(FIELDS)).flatmap(lambda f: st.tuples(st.just(f), FIELDS[f]))
picks = st.integers(min_value=0, max_value=1_000)
# App write calls: everything but reads (GET, search, batch read).
READS = ("/search", "/batch/read")


def app_writes(sandbox) -> int:
    return sum(1 for _t, method, path in list(sandbox.calls)
               if method != "GET" and not path.endswith(READS))


def blank(value):
    return value if value not in ("", None) else None


class Convergence(RuleBasedStateMachine):
    """One portal, one sandbox account, one contact sync per example."""

    @initialize(direction=st.sampled_from(["two_way", "to_hub", "to_app"]),
                winner=st.sampled_from(["hub", "app"]), email_only=st.booleans(),
                batch=st.sampled_from([1, 2, 50]))
    def open(self, direction, winner, email_only, batch):
        self.server = None
        self.batch = batch  # records per step: small ones split pairs across batches
        tag = uuid.uuid4().hex[:10]
        self.portal = create_portal(f"Convergence {tag}")
        login = f"conv-{tag}@example.test"
        sandbox = HubSpotSandbox(seed=False, search_rate=None)
        self.account = sandbox.add_account(SandboxAccount(
            tag, "Convergence", login, "sandbox", hub_id=990001, hub_domain="conv.example",
            user_id=99000001))
        self.app, self.server = open_app(HubSpotConnector, self.portal, login, sandbox)
        self.connector = self.app.connector()
        self.sync = make_sync(self.app, "contacts", direction=direction, winner=winner,
                              email_only=email_only)
        self.config = build_config(self.sync, connector_class("hubspot"))
        # Fields a person set on a record of the side a one-way sync writes: there
        # the two sides may differ, by the rules.
        self.touched: set[tuple[str, object, str]] = set()

    def teardown(self):
        if getattr(self, "server", None) is None:
            return
        try:
            self.final_checks()
        finally:
            self.server.__exit__(None, None, None)

    # --- the hub: what people do in Syncapp's CRM ----------------------------------------

    def _hub_records(self, live: bool = True) -> list[Record]:
        rows = Record.objects.filter(portal=self.portal, object_type="contact")
        return list(rows.filter(archived_at__isnull=live).order_by("pk"))

    @rule(email=emails, first=names, phone=phones)
    def hub_create(self, email, first, phone):
        given = {"email": email, "firstname": first, "phone": phone}
        try:
            record = create_record(self.portal, "contact", given)
        except RecordInvalid:
            return  # another live contact has that email
        self.touched |= {("hub", record.pk, k) for k, v in given.items() if v is not None}

    @rule(pick=picks, change=edits)
    def hub_update(self, pick, change):
        records = self._hub_records()
        if not records:
            return
        record = records[pick % len(records)]
        field, new = change
        try:
            update_record(record, {field: new})
        except RecordInvalid:
            return
        self.touched.add(("hub", record.pk, field))

    @rule(pick=picks)
    def hub_delete(self, pick):
        records = self._hub_records()
        if records:
            archive_record(records[pick % len(records)])

    @rule(pick=picks)
    def hub_undo_delete(self, pick):
        records = self._hub_records(live=False)
        if records:
            with contextlib.suppress(RecordInvalid):  # its email may be taken by now
                restore_record(records[pick % len(records)])

    # --- the app: what people do in HubSpot ----------------------------------------------

    def _app_ids(self) -> list[str]:
        with self.app.sandbox.lock:
            return [r["id"] for r in self.account.records("contacts")]

    @rule(email=emails, first=names, phone=phones)
    def app_create(self, email, first, phone):
        given = {"email": email, "firstname": first, "phone": phone}
        (outcome,) = self.connector.create("contacts", [("t", given)])
        if outcome.ok:  # else a live contact has that email (409)
            self.touched |= {("app", outcome.record.id, k) for k, v in given.items()
                             if v is not None}

    @rule(pick=picks, change=edits)
    def app_update(self, pick, change):
        ids = self._app_ids()
        if not ids:
            return
        app_id = ids[pick % len(ids)]
        field, new = change
        (outcome,) = self.connector.update("contacts", [(app_id, {field: new})])
        if outcome.ok:
            self.touched.add(("app", app_id, field))

    @rule(pick=picks)
    def app_delete(self, pick):
        ids = self._app_ids()
        if ids:
            self.connector.delete("contacts", [ids[pick % len(ids)]])

    # --- support: resync and restore from the failed panel ------------------------------

    def _links(self, status: str) -> list[Link]:
        return list(Link.objects.filter(object_sync=self.sync, status=status))

    @rule()
    def support_recreates_in_app(self):
        links = self._links(LinkStatus.DELETED_IN_APP)
        if links:
            recreate_in_app(self.config, self.connector, links)

    @rule()
    def support_restores_in_hub(self):
        links = self._links(LinkStatus.DELETED_IN_HUB)
        if links:
            restore_in_hub(self.config, self.connector, links)

    # --- the engine ----------------------------------------------------------------------

    @rule()
    def engine_runs(self):
        run(self.app, self.sync, batch=self.batch)

    # --- after the last step ---------------------------------------------------------------

    def final_checks(self):
        settle(self.portal)
        run(self.app, self.sync, batch=self.batch)
        hub = {r.pk: r.properties for r in self._hub_records()}
        app = dict(self.app.all("contacts"))
        links = list(Link.objects.filter(object_sync=self.sync))
        for status in {lk.status for lk in links}:
            event(f"a link ends {status}")
        self.check_nothing_twice(hub, app)
        self.check_nothing_missing(hub, app, links)
        for link in links:
            if link.status == LinkStatus.IN_SYNC:
                self.check_pair_agrees(link, hub[link.hub_record_id], app[link.app_id])
        self.check_quiet_run()

    def check_nothing_twice(self, hub, app):
        for side, records in (("hub", hub), ("app", app)):
            keys = [normalize_email(v.get("email")) for v in records.values()]
            keys = [k for k in keys if k]
            assert len(keys) == len(set(keys)), f"an email twice in the {side}: {sorted(keys)}"

    def check_nothing_missing(self, hub, app, links):
        by_hub = {lk.hub_record_id: lk for lk in links if lk.hub_record_id}
        by_app = {lk.app_id: lk for lk in links if lk.app_id}
        states = [(lk.pk, lk.status, lk.hub_record_id, lk.app_id) for lk in links]
        assert not [lk for lk in links if lk.status == LinkStatus.PENDING], states
        for hub_id in hub:
            assert hub_id in by_hub, f"hub contact {hub_id} {hub[hub_id]} has no link: {states}"
        for app_id in app:
            assert app_id in by_app, f"app contact {app_id} {app[app_id]} has no link: {states}"
        for link in links:
            if link.status == LinkStatus.IN_SYNC:
                assert link.hub_record_id in hub and link.app_id in app, (
                    f"in sync, but a side is gone: {link} {states}")
            if link.status == LinkStatus.DELETED_IN_APP:
                assert link.app_id not in app, f"deleted in app, yet there: {link}"

    def check_pair_agrees(self, link, hub_values, app_values):
        config = self.config
        for mapping in config.mappings:
            on_hub = blank(hub_values.get(mapping.hub_property))
            on_app = blank(mapping.hub_value(app_values.get(mapping.app_field)))
            where = f"{mapping.hub_property} of {link} ({config.direction}, {config.winner} wins)"
            assert link.last_synced.get(mapping.hub_property, "missing") == pack(on_hub, on_app), (
                f"last synced {link.last_synced} is not what the sides hold: {where}")
            both = config.can_write_hub(mapping) and config.can_write_app(mapping)
            if both:
                assert on_hub == on_app, f"{on_hub!r} != {on_app!r}: {where}"
            elif config.can_write_hub(mapping):
                touched = ("hub", link.hub_record_id, mapping.hub_property) in self.touched
                assert touched or on_hub == on_app, f"hub {on_hub!r} != app {on_app!r}: {where}"
            elif config.can_write_app(mapping):
                touched = ("app", link.app_id, mapping.app_field) in self.touched
                assert touched or on_hub == on_app, f"app {on_app!r} != hub {on_hub!r}: {where}"

    def check_quiet_run(self):
        settle(self.portal)
        before = (ChangeLogEntry.objects.filter(portal=self.portal).count(),
                  HistoryEntry.objects.filter(link__object_sync=self.sync).count(),
                  app_writes(self.app.sandbox))
        run(self.app, self.sync, batch=self.batch)
        after = (ChangeLogEntry.objects.filter(portal=self.portal).count(),
                 HistoryEntry.objects.filter(link__object_sync=self.sync).count(),
                 app_writes(self.app.sandbox))
        assert after == before, f"a run on unchanged data wrote (hub log, history, app): " \
                                f"{before} -> {after}"


def test_random_edits_on_both_sides_converge():
    run_state_machine_as_test(Convergence, settings=settings(
        max_examples=int(os.environ.get("CONVERGENCE_EXAMPLES", "50")),
        stateful_step_count=20, deadline=None, database=None,
        suppress_health_check=list(HealthCheck),
    ))
