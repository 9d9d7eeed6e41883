"""Convergence: whatever people do on both sides, the runs bring a contact sync in step.

A hypothesis state machine starts each example with five to seven people in the
hub, the app or both, and an initial sync; then it interleaves creates, updates,
clears, deletes and restores (by hand on either side, and by support from the
failed panel) with engine runs, for a random direction and conflict winner.
After a final run:

* every in-sync pair agrees on each mapped field the direction writes both ways
  (on a one-way field, the written side agrees unless a person changed it there),
  and its last-synced values are what both sides hold;
* nothing is lost: the engine deletes nothing people keep, on either side;
* no record exists twice, and every live record on either side has a link whose
  status says where it stands (in sync, excluded, failed, deleted) — nothing is
  silently missing, nothing is left "being created"; a link deleted on a side
  names a record gone from that side;
* one more run writes nothing: no change-log entry, no history, no app record.

`--hypothesis-show-statistics` reports what the examples built (links, deletes and
restores on each side) and how often a known gap, kept as an xfail in
test_convergence_cases, was met. SOAK=1 runs many more and longer examples.
"""

import os
import uuid

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    precondition,
    rule,
    run_state_machine_as_test,
)

from connectors.hubspot import HubSpotConnector
from connectors.hubspot.client import SearchPacer
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

EMAILS = ["ann@conv.example", "bob@conv.example", "cy@conv.example", "dee@conv.example",
          "eve@conv.example", "fay@conv.example", "gus@conv.example"]
# Few emails (one in other letter case) and few values, so that records collide,
# match, conflict and come back equal by chance.
emails = st.sampled_from([*EMAILS, "ANN@conv.example", None])
names = st.sampled_from(["Ann", "Bo", "Cy"]) | st.none()
# "call me" is a phone number the app takes and the hub refuses: a failed record.
phones = st.sampled_from(["+1 555 010 0001", "+1 555 010 0002", "call me"]) | st.none()
FIELDS = {"firstname": names, "lastname": names, "phone": phones, "email": emails}
edits = st.sampled_from(list(FIELDS)).flatmap(lambda f: st.tuples(st.just(f), FIELDS[f]))
picks = st.integers(min_value=0, max_value=1_000)
# The people already there when the sync starts: five or more, each with an email of
# their own, in the hub, in the app, or in both (spelled in other letter case there),
# so that every example has pairs to edit, delete and restore from its first step.
people = st.lists(st.tuples(st.sampled_from(["hub", "app", "both"]), names, phones),
                  min_size=5, max_size=len(EMAILS))
# Sides where a person deletes a record right after the initial sync, so that most
# examples have deleted links to resync and restore, whichever rules they draw.
first_deletes = st.sampled_from([("hub", "app"), ("hub",), ("app",), ()])
# App write calls: everything but reads (GET, search, batch read).
READS = ("/search", "/batch/read")


def app_writes(sandbox) -> int:
    return sum(1 for _t, method, path in list(sandbox.calls)
               if method != "GET" and not path.endswith(READS))


def blank(value):
    return value if value not in ("", None) else None


def bucket(count: int) -> str:
    return "0" if count == 0 else "1-4" if count < 5 else "5+"


class Convergence(RuleBasedStateMachine):
    """One portal, one sandbox account, one contact sync per example."""

    @initialize(direction=st.sampled_from(["two_way", "to_hub", "to_app"]),
                winner=st.sampled_from(["hub", "app"]), email_only=st.booleans(),
                batch=st.sampled_from([1, 2, 50]), start=people, deletes=first_deletes,
                pick=picks)
    def open(self, direction, winner, email_only, batch, start, deletes, pick):
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
        # Records people made or brought back and did not delete since: never lost.
        self.kept: dict[str, set] = {"hub": set(), "app": set()}
        self.gone_from_app: set[str] = set()  # deleted there by a person: never back
        self.undeleted_in_hub: set[int] = set()  # restored by a person in Syncapp's CRM
        self.done: set[tuple[str, str]] = set()  # (side, "delete" or "restore")
        for (side, first, phone), email in zip(start, EMAILS, strict=False):
            if side in ("hub", "both"):
                self.hub_create(email, first, phone)
            if side in ("app", "both"):
                self.app_create(email.capitalize(), first, phone)
        settle(self.portal)
        self.engine_runs()  # the initial sync
        if "hub" in deletes and self._hub_records():
            self.hub_delete(pick)
        if "app" in deletes and self._app_ids():
            self.app_delete(pick)
        if deletes:
            settle(self.portal)
            self.engine_runs()  # the links turn deleted: support has work from step one

    def did(self, side: str, kind: str, how: str) -> None:
        event(f"{side}: {how}")
        self.done.add((side, kind))

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
        self.kept["hub"].add(record.pk)
        self.touched |= {("hub", record.pk, k) for k, v in given.items() if v is not None}

    @precondition(lambda self: self._hub_records())
    @rule(pick=picks, change=edits)
    def hub_update(self, pick, change):
        records = self._hub_records()
        record = records[pick % len(records)]
        field, new = change
        try:
            update_record(record, {field: new})
        except RecordInvalid:
            return
        self.touched.add(("hub", record.pk, field))

    @precondition(lambda self: self._hub_records())
    @rule(pick=picks)
    def hub_delete(self, pick):
        records = self._hub_records()
        record = records[pick % len(records)]
        archive_record(record)
        self.kept["hub"].discard(record.pk)
        self.did("hub", "delete", "a person deletes")

    @precondition(lambda self: self._hub_records(live=False))
    @rule(pick=picks)
    def hub_undo_delete(self, pick):
        records = self._hub_records(live=False)
        record = records[pick % len(records)]
        try:
            restore_record(record)
        except RecordInvalid:
            return  # its email is taken by now
        self.kept["hub"].add(record.pk)
        self.undeleted_in_hub.add(record.pk)
        self.did("hub", "restore", "a person restores")

    # --- the app: what people do in HubSpot ----------------------------------------------

    def _app_ids(self, live: bool = True) -> list[str]:
        with self.app.sandbox.lock:
            return [r["id"] for r in self.account.records("contacts", archived=not live)]

    @rule(email=emails, first=names, phone=phones)
    def app_create(self, email, first, phone):
        given = {"email": email, "firstname": first, "phone": phone}
        (outcome,) = self.connector.create("contacts", [("t", given)])
        if outcome.ok:  # else a live contact has that email (409)
            self.kept["app"].add(outcome.record.id)
            self.touched |= {("app", outcome.record.id, k) for k, v in given.items()
                             if v is not None}

    @precondition(lambda self: self._app_ids())
    @rule(pick=picks, change=edits)
    def app_update(self, pick, change):
        ids = self._app_ids()
        app_id = ids[pick % len(ids)]
        field, new = change
        (outcome,) = self.connector.update("contacts", [(app_id, {field: new})])
        if outcome.ok:
            self.touched.add(("app", app_id, field))

    @precondition(lambda self: self._app_ids())
    @rule(pick=picks)
    def app_delete(self, pick):
        ids = self._app_ids()
        app_id = ids[pick % len(ids)]
        self.connector.delete("contacts", [app_id])
        self.kept["app"].discard(app_id)
        self.gone_from_app.add(app_id)
        self.did("app", "delete", "a person deletes")

    @precondition(lambda self: self._app_ids(live=False))
    @rule(pick=picks)
    def app_undo_delete(self, pick):
        ids = self._app_ids(live=False)
        app_id = ids[pick % len(ids)]
        if self.app.undelete("contacts", app_id):  # else a live contact has its email
            self.kept["app"].add(app_id)
            self.gone_from_app.discard(app_id)
            self.did("app", "restore", "a person restores")

    # --- support: resync and restore from the failed panel ------------------------------

    def _links(self, status: str) -> list[Link]:
        return list(Link.objects.filter(object_sync=self.sync, status=status))

    @precondition(lambda self: self._links(LinkStatus.DELETED_IN_APP))
    @rule()
    def support_recreates_in_app(self):
        counts = recreate_in_app(self.config, self.connector,
                                 self._links(LinkStatus.DELETED_IN_APP))
        if counts["restored"]:
            self.did("app", "restore", "support recreates")

    @precondition(lambda self: self._links(LinkStatus.DELETED_IN_HUB))
    @rule()
    def support_restores_in_hub(self):
        counts = restore_in_hub(self.config, self.connector,
                                self._links(LinkStatus.DELETED_IN_HUB))
        if counts["restored"]:
            self.did("hub", "restore", "support restores")

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
        self.note_population(links)
        self.check_nothing_lost(hub, app)
        self.check_nothing_twice(hub, app)
        self.check_nothing_missing(hub, app, links)
        self.check_link_states(hub, app, links)
        for link in links:
            if link.status == LinkStatus.IN_SYNC:
                self.check_pair_agrees(link, hub[link.hub_record_id], app[link.app_id])
        self.check_quiet_run()

    def note_population(self, links):
        """What the example built, for --hypothesis-show-statistics."""
        event(f"links: {bucket(len(links))}")
        for kind in ("delete", "restore"):
            sides = [side for side in ("hub", "app") if (side, kind) in self.done]
            event(f"{kind}s on: {' and '.join(sides) or 'neither side'}")
        event(f"links in sync: {bucket(sum(lk.status == LinkStatus.IN_SYNC for lk in links))}")
        for status in {lk.status for lk in links}:
            event(f"a link ends {status}")

    def check_nothing_lost(self, hub, app):
        """The engine never deletes: what people keep stays, and an app record a person
        deleted is not brought back under its old id (a resync makes a new one)."""
        assert self.kept["hub"] <= set(hub), f"hub records lost: {self.kept['hub'] - set(hub)}"
        assert self.kept["app"] <= set(app), f"app records lost: {self.kept['app'] - set(app)}"
        back = self.gone_from_app & set(app)
        assert not back, f"deleted app records back under their old ids: {back}"

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

    def check_link_states(self, hub, app, links):
        """A link's status says where its records stand: in sync means both are there;
        deleted on a side means that side's record is gone and the other side's was
        linked to it."""
        states = [(lk.pk, lk.status, lk.hub_record_id, lk.app_id) for lk in links]
        for link in links:
            if link.status == LinkStatus.IN_SYNC:
                assert link.hub_record_id in hub and link.app_id in app, (
                    f"in sync, but a side is gone: {link} {states}")
            if link.status == LinkStatus.DELETED_IN_APP:
                assert link.hub_record_id, f"deleted in app, never linked: {link} {states}"
                if link.app_id in app:  # KNOWN GAP: see the xfail in test_convergence_cases
                    assert link.hub_record_id not in hub, (
                        f"deleted in app, yet there: {link} {states}")
                    event("known gap: deleted on both sides, back in the app, "
                          "still deleted in app")
            if link.status == LinkStatus.DELETED_IN_HUB:
                assert link.app_id, f"deleted in hub, never linked: {link} {states}"
                if link.hub_record_id in hub:  # KNOWN GAP: see the xfail in ..._cases
                    assert link.hub_record_id in self.undeleted_in_hub, (
                        f"deleted in hub, yet there: {link} {states}")
                    event("known gap: restored by hand in the hub, still deleted in hub")
            if link.status == LinkStatus.FAILED and (
                    (link.hub_record_id and link.hub_record_id not in hub)
                    or (link.app_id and link.app_id not in app)):
                # Issue 1/8 has failed links whose record is deleted leave the failed list
                # as deleted: the 'faults' slice changes that; then assert it here.
                event("a failed link's record is deleted")

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
        """One more run changes nothing: no hub change, no history, no app record
        written. It may send again an app write the app refused, within the change
        feed's re-read window (KNOWN GAP: see the xfail in test_convergence_cases)."""
        settle(self.portal)
        before, calls = self.footprint(), app_writes(self.app.sandbox)
        run(self.app, self.sync, batch=self.batch)
        after = self.footprint()
        assert after == before, f"a run on unchanged data wrote (hub log, history, app): " \
                                f"{before} -> {after}"
        if app_writes(self.app.sandbox) != calls:
            refused = Link.objects.filter(object_sync=self.sync, status=LinkStatus.FAILED,
                                          app_id__isnull=False)
            assert refused.exists(), "a run on unchanged data sent app writes"
            event("known gap: a quiet run sends a refused app write again")

    def footprint(self):
        return (ChangeLogEntry.objects.filter(portal=self.portal).count(),
                HistoryEntry.objects.filter(link__object_sync=self.sync).count(),
                self.app.all("contacts"))


def test_random_edits_on_both_sides_converge():
    soak = os.environ.get("SOAK") == "1"
    with pytest.MonkeyPatch.context() as patch:
        # The sandbox enforces no search limit here (search_rate=None), so the
        # connector's pacing of searches would only make runs of small batches sleep.
        patch.setattr(SearchPacer, "wait", lambda pacer: None)
        run_state_machine_as_test(Convergence, settings=settings(
            max_examples=int(os.environ.get("CONVERGENCE_EXAMPLES", "400" if soak else "50")),
            stateful_step_count=40 if soak else 20, deadline=None, database=None,
            suppress_health_check=list(HealthCheck),
        ))


# Marked as a hypothesis test, so --hypothesis-show-statistics reports its events.
test_random_edits_on_both_sides_converge.is_hypothesis_test = True
