"""Convergence: whatever people do on both sides, the runs bring a contact sync in step.

A hypothesis state machine starts each example with five to seven people in the
hub, the app or both, and an initial sync; then it interleaves creates, updates,
clears, deletes and restores (by hand on either side, and by support from the
failed panel) with engine runs, for a random direction and conflict winner, and a
random field-level conflict rule on each of the name and phone mappings (any rule
the wizard accepts for that direction). After a final run:

* every in-sync pair agrees on each mapped field the direction writes both ways
  (on a one-way field, the written side agrees unless a person changed it there;
  a field that "only fills empty values" may keep two values), and its last-synced
  values are what both sides hold;
* a field that "only fills empty values" was never overwritten: every value the
  sync wrote there went to a side that was empty;
* nothing is lost: the engine deletes nothing people keep, on either side;
* no record exists twice, and every live record on either side has a link whose
  status says where it stands (in sync, excluded, failed, deleted) — nothing is
  silently missing, nothing is left "being created"; a link deleted on a side
  names a record gone from that side;
* one more run writes nothing: no change-log entry, no history, no app record;
* support may undo the last run that changed something: no hub record is deleted for
  good, and after one more run every in-sync pair agrees or is exactly as the undo left
  it, until a person edits it (a record whose link the undo removed may stay unlinked).

`--hypothesis-show-statistics` reports what the examples built (links, deletes and
restores on each side) and how often a known gap (convergence_kit) was met; the
cases it found and that are now fixed stay as tests in test_convergence_cases.
`make soak` (SOAK=1) draws 200 new examples of 40 steps, one-record batches included;
`make test` runs the same 30 of 20 every time.
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
from syncapp.crm.models import Record
from syncapp.crm.services import (
    RecordInvalid,
    archive_record,
    create_record,
    restore_record,
    update_record,
)
from syncapp.engine.config import CONFLICT_RULES
from syncapp.integrations.catalog import connector_class
from syncapp.syncs import tasks, undo_start
from syncapp.syncs.configure import build_config
from syncapp.syncs.models import HistoryEntry, Link, LinkStatus, Run
from syncapp.syncs.run import undo
from syncapp.syncs.run.restore import recreate_in_app, restore_in_hub
from syncapp.syncs.wizard.compat import effective_direction
from syncapp.syncs.wizard.field_rules import pointless
from tests.engine.convergence_kit import FinalChecks, blank
from tests.kits.engine import make_sync, open_app, run, settle
from tests.kits.soak import by_run

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.grows_in_soak]

# Records per step: small ones split pairs across batches. A run re-reads every record
# changed in the app's last 30 s (its lag window), so one-record batches cost a step per
# record of the example: those run in the soak.
BATCHES = by_run(smoke=[50, 2], soak=[50, 2, 1])

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
# ("call me" comes later: the hub refuses to create such a person at all.)
people = st.lists(st.tuples(st.sampled_from(["hub", "app", "both"]), names,
                            st.sampled_from(["+1 555 010 0001", "+1 555 010 0002"]) | st.none()),
                  min_size=5, max_size=len(EMAILS))
# Field-level conflict rules on the mappings people edit ("" is the sync's winner): three
# different ones in each example, so that every rule is met in a few examples.
RULED = ("firstname", "lastname", "phone")
field_rules = st.permutations(CONFLICT_RULES).map(lambda rules: dict(zip(RULED, rules,
                                                                        strict=False)))


class Convergence(FinalChecks, RuleBasedStateMachine):
    """One portal, one sandbox account, one contact sync per example."""

    @initialize(direction=st.sampled_from(["two_way", "to_hub", "to_app"]),
                winner=st.sampled_from(["hub", "app"]), email_only=st.booleans(),
                batch=st.sampled_from(BATCHES), start=people, pick=picks,
                undo_at_once=st.booleans(), rules=field_rules)
    def open(self, direction, winner, email_only, batch, start, pick, undo_at_once, rules):
        self.server = None
        self.batch = batch
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
        for mapping in self.sync.mappings.filter(hub_property__in=RULED):
            rule = rules[mapping.hub_property]
            if pointless(rule, effective_direction(mapping.direction, direction)):
                rule = ""  # the wizard refuses it: the sync's winner decides
            mapping.conflict_rule = rule
            mapping.save(update_fields=["conflict_rule"])
            event(f"{mapping.hub_property} rule: {rule or 'default'}")
        self.config = build_config(self.sync, connector_class("hubspot"))
        # Fields a person set on a record of the side a one-way sync writes: there
        # the two sides may differ, by the rules.
        self.touched: set[tuple[str, object, str]] = set()
        # (link, property) -> (hub, app) as an undo left a pair it put back apart.
        self.undone_apart: dict[tuple[int, str], tuple] = {}
        # Records people made or brought back and did not delete since: never lost.
        self.kept: dict[str, set] = {"hub": set(), "app": set()}
        self.gone_from_app: set[str] = set()  # deleted there by a person: never back
        self.done: set[tuple[str, str]] = set()  # (side, "delete" or "restore")
        # Records an undo left without a link (it removed the one the run created).
        self.left_unlinked: dict[str, set] = {"hub": set(), "app": set()}
        for (side, first, phone), email in zip(start, EMAILS, strict=False):
            if side in ("hub", "both"):
                self.hub_create(email, first, phone)
            if side in ("app", "both"):
                self.app_create(email.capitalize(), first, phone)
        settle(self.portal)
        self.engine_runs()  # the initial sync
        # A person deletes a record on each side at once, so that every example has
        # deleted records and links to bring back, whichever rules it draws.
        if self._hub_records():
            self.hub_delete(pick)
        if self._app_ids():
            self.app_delete(pick)
        settle(self.portal)
        self.engine_runs()
        # Half the examples also undo those deletes by hand at once, on both sides: the
        # rules switched on at random would leave a restore on each side to chance.
        if undo_at_once:
            if self._hub_records(live=False):
                self.hub_undo_delete(pick)
            if self._app_ids(live=False):
                self.app_undo_delete(pick)
            settle(self.portal)
            self.engine_runs()

    def left_partnerless(self, links) -> None:
        """A record whose partner a person deleted holds its values as its own: matched
        later to another record, the two are a newly linked pair, merged by the winner
        (DESIGN.md), so a one-way sync may leave them different where the winner is the
        side it does not write."""
        for link in links:
            for mapping in self.config.mappings:
                self.touched |= {("hub", link.hub_record_id, mapping.hub_property),
                                 ("app", link.app_id, mapping.app_field)}

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
        self.left_partnerless(Link.objects.filter(object_sync=self.sync, hub_record=record))
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
        self.left_partnerless(Link.objects.filter(object_sync=self.sync, app_id=app_id))
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

    @precondition(lambda self: self._hub_records(live=False) and self._app_ids(live=False))
    @rule(pick=picks)
    def people_undo_deletes_on_both_sides(self, pick):
        """A cleanup undone: a record comes back on each side, by hand (one rule, so
        that hypothesis's swarm of disabled rules rarely leaves out restores on both)."""
        self.hub_undo_delete(pick)
        self.app_undo_delete(pick)

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
        links = self._links(LinkStatus.DELETED_IN_HUB)
        counts = restore_in_hub(self.config, self.connector, links)
        if counts["restored"]:
            self.did("hub", "restore", "support restores")

    # --- support: undo the last run that changed something --------------------------------

    @rule()
    def support_undoes_the_last_run(self):
        """The latest run that wrote something is undone, then a run: each pair agrees or
        is as the undo left it, and no hub record was deleted for good (an undo only
        archives)."""
        runs = Run.objects.filter(object_sync=self.sync).order_by("-id")[:5]
        target = next((r for r in runs if not undo_start.refusal(r)), None)
        if target is None:
            return
        hub_before = set(Record.objects.filter(portal=self.portal).values_list("pk", flat=True))
        linked = self._linked()
        live = {"hub": {r.pk for r in self._hub_records()}, "app": set(self._app_ids())}
        undone = undo_start.start(target, None)
        while undo.work(undone.pk, connector=self.connector) != undo.DONE:
            pass
        undone.refresh_from_db()
        event(f"support undoes a run: {undone.status}")
        all_hub = set(Record.objects.filter(portal=self.portal).values_list("pk", flat=True))
        assert hub_before <= all_hub, f"an undo deleted hub records: {hub_before - all_hub}"
        self._after_undo(undone, linked, live)
        settle(self.portal)
        self.engine_runs()
        hub = {r.pk: r.properties for r in self._hub_records()}
        app = dict(self.app.all("contacts"))
        for link in self._links(LinkStatus.IN_SYNC):
            if link.hub_record_id in hub and link.app_id in app:
                self.check_pair_agrees(link, hub[link.hub_record_id], app[link.app_id])

    def _linked(self) -> dict[str, set]:
        rows = Link.objects.filter(object_sync=self.sync).values_list("hub_record_id", "app_id")
        return {"hub": {h for h, _a in rows if h}, "app": {a for _h, a in rows if a}}

    def _after_undo(self, undone, linked_before, live_before):
        """What the undo did, as the final checks must know it: fields it put back were
        set by a person (support); records it removed are no longer kept; records it left
        without a link (the other side of a removed one) may stay so."""
        hub_now = {r.pk: r.properties for r in self._hub_records()}
        app_now = dict(self.app.all("contacts"))
        for entry in HistoryEntry.objects.filter(run=undone, actions__contains=["updated"]):
            link = entry.link
            for side, field, *_rest in entry.diffs():
                record = link.hub_record_id if side == "hub" else link.app_id
                self.touched.add((side, record, field))
                mapping = next((m for m in self.config.mappings
                                if field == (m.hub_property if side == "hub" else m.app_field)),
                               None)
                if mapping and link.hub_record_id in hub_now and link.app_id in app_now:
                    self.undone_apart[(link.pk, mapping.hub_property)] = (
                        blank(hub_now[link.hub_record_id].get(mapping.hub_property)),
                        blank(mapping.hub_value(app_now[link.app_id].get(mapping.app_field))))
        live = {"hub": {r.pk for r in self._hub_records()}, "app": set(self._app_ids())}
        linked = self._linked()
        for side in ("hub", "app"):
            self.kept[side] -= live_before[side] - live[side]
            self.left_unlinked[side] |= (linked_before[side] - linked[side]) & live[side]

    # --- the engine ----------------------------------------------------------------------

    @rule()
    def engine_runs(self):
        run(self.app, self.sync, batch=self.batch)


def test_random_edits_on_both_sides_converge():
    with pytest.MonkeyPatch.context() as patch:
        # The sandbox enforces no search limit here (search_rate=None), so the
        # connector's pacing of searches would only make runs of small batches sleep.
        patch.setattr(SearchPacer, "wait", lambda pacer: None)
        patch.setattr(tasks.run_undo, "delay", lambda undo_id: None)  # the rule works it off
        run_state_machine_as_test(Convergence, settings=settings(
            max_examples=int(os.environ.get("CONVERGENCE_EXAMPLES") or by_run(30, soak=200)),
            stateful_step_count=by_run(smoke=20, soak=40), deadline=None, database=None,
            # make test runs the same examples every time, so it cannot fail by chance;
            # make soak draws new ones on each run, to find what they have not.
            derandomize=by_run(smoke=True, soak=False),
            suppress_health_check=list(HealthCheck),
        ))


# Marked as a hypothesis test, so --hypothesis-show-statistics reports its events.
test_random_edits_on_both_sides_converge.is_hypothesis_test = True
