"""A dry run of an object sync's initial sync, computed before anything is written.

It walks the runner's path (step.BatchRun): every app record first — excluded,
matched to a hub record, or created in the hub — then the hub records nobody
matched — excluded, matched to an app record left aside, or created in the app.
It uses the runner's own pure functions (limits, matching, the planner) and only
read-only queries and connector reads. Where the runner would write, it counts
and keeps a few samples: it never writes a hub record, an app record or a link.

Counts are of final outcomes: an app record left aside by its filters that a hub
record then matches counts as matched, not excluded. "Likely to fail" is what
can be known beforehand: Syncapp's own validation and unique emails, and the
app's declared required fields and options; an app may still refuse others.

A matched pair's sample lists only the changes of the writes that would go
through, and "updated" on a side counts exactly the pairs whose sample lists a
change there: the page's tile and its list read one computation, and a side the
other refuses shows as a failure, never as a change (as the runner records it).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from connectors.sdk import AppRecord, ErrorCategory
from syncapp.accounts.models import Portal
from syncapp.crm.models import Record
from syncapp.crm.services import _diff, derived_columns, property_shapes
from syncapp.crm.validation import clean_values
from syncapp.engine.config import SyncConfig
from syncapp.engine.limits import DIRECTION, exclusion_reason
from syncapp.engine.matching import NORMALIZERS, choose, match_keys
from syncapp.engine.planner import app_values_from_hub, plan_pair
from syncapp.syncs.models import Link, LinkStatus
from syncapp.syncs.run import hubside, store
from syncapp.syncs.run.hubside import HubRecord

PAGE = 200  # as the runner's batches: duplicates within and across them behave alike
HUB_PAGE = 1000
MAX_APP_RECORDS = 50_000
SAMPLES = 5


@dataclass
class Sample:
    """One record behind a number: its name, ids, and what would change."""

    name: str
    app_id: str | None = None
    hub_id: int | None = None
    note: str = ""
    changes_hub: dict = field(default_factory=dict)  # hub property -> [old, new]
    changes_app: dict = field(default_factory=dict)  # app field -> [old, new]
    problem: str = ""  # a matched pair: why one side's write is likely to fail


@dataclass
class Bucket:
    count: int = 0
    samples: list[Sample] = field(default_factory=list)

    def add(self, sample: Sample) -> Sample:
        self.count += 1
        if len(self.samples) < SAMPLES:
            self.samples.append(sample)
        return sample

    def take_back(self, sample: Sample) -> None:
        self.count -= 1
        self.samples = [s for s in self.samples if s is not sample]


@dataclass
class DryRun:
    app_read: int = 0
    hub_read: int = 0
    complete: bool = True  # False: stopped reading the app at the record limit
    already_linked: int = 0
    matched: Bucket = field(default_factory=Bucket)
    created_hub: Bucket = field(default_factory=Bucket)
    created_app: Bucket = field(default_factory=Bucket)
    updated_hub: Bucket = field(default_factory=Bucket)
    updated_app: Bucket = field(default_factory=Bucket)
    # "app:<reason>" (app records) and "hub:<reason>" (hub records) -> bucket
    excluded: dict[str, Bucket] = field(default_factory=dict)
    failing: dict[str, Bucket] = field(default_factory=dict)  # error category -> bucket

    def excluded_bucket(self, side: str, reason: str) -> Bucket:
        return self.excluded.setdefault(f"{side}:{reason}", Bucket())

    def failing_bucket(self, category: str) -> Bucket:
        return self.failing.setdefault(str(category), Bucket())

    @property
    def excluded_total(self) -> int:
        return sum(b.count for b in self.excluded.values())

    @property
    def failing_total(self) -> int:
        return sum(b.count for b in self.failing.values())

    def counts(self) -> dict[str, int]:
        """In the shape of a Run's counts, for comparing with the real initial sync."""
        return {
            "matched": self.matched.count, "created_hub": self.created_hub.count,
            "created_app": self.created_app.count, "updated_hub": self.updated_hub.count,
            "updated_app": self.updated_app.count,
            "excluded": self.excluded_total, "failed": self.failing_total,
        }


@dataclass
class _AppOnly:
    """An app record left without a hub record, which a hub record may still match."""

    record: AppRecord
    key: str
    bucket: Bucket
    sample: Sample


def dry_run(config: SyncConfig, connector, app_fields: Iterable | None = None,
            max_app_records: int = MAX_APP_RECORDS) -> DryRun:
    """What the initial sync of `config` would do now, from both sides' data."""
    simulation = _Simulation(config, connector, app_fields)
    simulation.app_phase(max_app_records)
    simulation.hub_phase()
    return simulation.result


class _Simulation:
    def __init__(self, config: SyncConfig, connector, app_fields):
        self.config = config
        self.connector = connector
        fields = app_fields if app_fields is not None else connector.fields(config.app_object)
        self.app_fields = {f.name: f for f in fields}
        self.shapes = property_shapes(Portal(pk=config.portal_id), config.hub_object)
        self.result = DryRun()
        self.claimed: set[int] = set()  # hub records this run would link
        self.new_emails: set[str] = set()  # email keys of hub records it would create
        self.app_only: list[_AppOnly] = []
        self.seen: set[str] = set()
        self.links_by_app, self.links_by_hub = _existing_links(config.object_sync_id)

    # --- phase A: the app's records -------------------------------------------------------

    def app_phase(self, limit: int) -> None:
        cursor = None
        while True:
            page = self.connector.read_changes(self.config.app_object, cursor, limit=PAGE)
            self._app_page(page.records)
            cursor = page.cursor or cursor
            if page.done:
                return
            if self.result.app_read >= limit:
                self.result.complete = False
                return

    def _app_page(self, records: list[AppRecord]) -> None:
        config, waiting = self.config, []
        for record in records:
            if record.id in self.seen:
                continue  # read twice (it changed meanwhile): the runner pairs it, no-op
            self.seen.add(record.id)
            self.result.app_read += 1
            link = self.links_by_app.get(record.id)
            if link is not None and link[1] and link[2] != LinkStatus.EXCLUDED:
                self.result.already_linked += 1
                continue
            keys = match_keys(config.match_rules, record.values)
            reason = exclusion_reason(record.values, config.app_filters,
                                      email_field=config.app_email_field,
                                      identifier_field=config.app_identifier_field)
            if reason:
                self._leave_aside(record, keys, self.result.excluded_bucket("app", reason))
                continue
            waiting.append((record, keys))
        self._match_apps(waiting)

    def _match_apps(self, waiting) -> None:
        config = self.config
        wanted = {(rule.column, key) for _, keys in waiting for rule, key in keys}
        candidates = hubside.candidates(config, wanted) if wanted else {}
        found = {i for ids in candidates.values() for i in ids}
        claimed = store.claimed(config.object_sync_id, found) | self.claimed
        matched, creates = [], []
        for record, keys in waiting:
            match = choose(keys, candidates, claimed)
            if match is not None:
                claimed.add(match.hub_id)
                self.claimed.add(match.hub_id)
                matched.append((record, match))
            elif config.writes_hub:
                creates.append((record, keys))
            else:
                self._leave_aside(record, keys, self.result.excluded_bucket("app", DIRECTION))
        hubs = hubside.load(config.portal_id, config.hub_object,
                            [m.hub_id for _, m in matched])
        for record, match in matched:
            self._pair(hubs[match.hub_id], record, match.note)
        self._create_in_hub(creates)

    def _create_in_hub(self, creates) -> None:
        rows = [(record, keys, plan_pair(self.config, {}, record.values, None).hub_writes)
                for record, keys in creates]
        taken = self._taken_emails(values for _, _, values in rows)
        for record, keys, values in rows:
            sample = Sample(self._app_name(record), app_id=record.id,
                            changes_hub={k: [None, v] for k, v in values.items()})
            cleaned, errors = clean_values(self.shapes, values)
            email = derived_columns(self.config.hub_object, cleaned).get("email_key")
            if errors:
                sample.note = "; ".join(f"{k}: {v}" for k, v in sorted(errors.items()))
                self._leave_aside(record, keys, self.result.failing_bucket(
                    ErrorCategory.INVALID_VALUE), sample)
            elif email and email in taken:
                sample.note = email
                self._leave_aside(record, keys, self.result.failing_bucket(
                    ErrorCategory.DUPLICATE), sample)
            else:
                if email:
                    taken.add(email)
                    self.new_emails.add(email)
                self.result.created_hub.add(sample)

    def _leave_aside(self, record: AppRecord, keys, bucket: Bucket,
                     sample: Sample | None = None) -> None:
        """Excluded or failed: counted, and kept by its first key for phase B."""
        sample = bucket.add(sample or Sample(self._app_name(record), app_id=record.id))
        if keys:
            self.app_only.append(_AppOnly(record, keys[0][1], bucket, sample))

    # --- phase B: the hub records nobody matched -----------------------------------------

    def hub_phase(self) -> None:
        after = 0
        while True:
            rows = list(Record.objects.filter(
                portal_id=self.config.portal_id, object_type=self.config.hub_object,
                archived_at__isnull=True, pk__gt=after,
            ).order_by("pk").only("id", "properties", "display_name")[:HUB_PAGE])
            for row in rows:
                self._hub_record(HubRecord(row.pk, row.properties, row.display_name, False))
            if len(rows) < HUB_PAGE:
                return
            after = rows[-1].pk

    def _hub_record(self, hub: HubRecord) -> None:
        config = self.config
        self.result.hub_read += 1
        if hub.id in self.claimed:
            return
        link = self.links_by_hub.get(hub.id)
        if link is not None and (link[0] or link[2] == LinkStatus.PENDING):
            self.result.already_linked += 1
            return
        reason = exclusion_reason(hub.values, config.hub_filters,
                                  email_field=config.hub_email_field,
                                  identifier_field=config.hub_identifier_field)
        if reason:
            self.result.excluded_bucket("hub", reason).add(Sample(hub.name, hub_id=hub.id))
            return
        keys = [k for rule in config.match_rules
                if (k := NORMALIZERS[rule.normalizer](hub.values.get(rule.hub_property)))]
        waiting = next((a for key in keys for a in self.app_only if a.key == key), None)
        if waiting is not None:
            self.app_only.remove(waiting)
            waiting.bucket.take_back(waiting.sample)
            self.claimed.add(hub.id)
            self._pair(hub, waiting.record, f"matched by identifier “{waiting.key}”")
        elif config.writes_app:
            self._create_in_app(hub)
        else:
            self.result.excluded_bucket("hub", DIRECTION).add(Sample(hub.name, hub_id=hub.id))

    def _create_in_app(self, hub: HubRecord) -> None:
        values = app_values_from_hub(self.config, hub.values)
        sample = Sample(hub.name, hub_id=hub.id,
                        changes_app={k: [None, v] for k, v in values.items()})
        problem = self._app_problem(values, creating=True)
        if problem:
            sample.note = problem[1]
            self.result.failing_bucket(problem[0]).add(sample)
        else:
            self.result.created_app.add(sample)

    # --- a matched pair ------------------------------------------------------------------

    def _pair(self, hub: HubRecord, record: AppRecord, note: str) -> None:
        """A matched pair: as the runner applies it, each side's write on its own."""
        plan = plan_pair(self.config, hub.values, record.values, None)
        app_problem = self._app_problem(plan.app_writes, creating=False)
        hub_problem, hub_changes = self._hub_update(hub, plan.hub_writes)
        sample = self.result.matched.add(Sample(
            hub.name or self._app_name(record), app_id=record.id, hub_id=hub.id, note=note,
            changes_hub=hub_changes, changes_app={} if app_problem else plan.changes_app))
        if sample.changes_app:
            self.result.updated_app.add(sample)
        if sample.changes_hub:
            self.result.updated_hub.add(sample)
        problem = app_problem or hub_problem
        if problem:
            sample.problem = problem[1]
            failed = Sample(sample.name, record.id, hub.id, problem[1])
            self.result.failing_bucket(problem[0]).add(failed)

    def _hub_update(self, hub: HubRecord, writes: dict):
        """(problem or None, the changes the hub record would get: property -> [old, new]).

        The changes are of the values as the hub stores them (cleaned), so a write that
        cleans to what is there already changes nothing, as in the runner."""
        if not writes:
            return None, {}
        cleaned, errors = clean_values(self.shapes, writes)
        if errors:
            message = "; ".join(f"{k}: {v}" for k, v in sorted(errors.items()))
            return (ErrorCategory.INVALID_VALUE, message), {}
        new = {k: v for k, v in {**hub.values, **cleaned}.items() if v is not None}
        email = derived_columns(self.config.hub_object, new).get("email_key")
        old_email = derived_columns(self.config.hub_object, hub.values).get("email_key")
        if email and email != old_email and email in self._taken_emails([new]):
            return (ErrorCategory.DUPLICATE, email), {}
        return None, _diff(hub.values, new)

    def _app_problem(self, values: dict, *, creating: bool):
        """What the app's declared fields say of these values: (category, message) or None."""
        for name, value in values.items():
            spec = self.app_fields.get(name)
            if spec is None:
                continue
            if spec.read_only:
                return ErrorCategory.READ_ONLY, f"{spec.label} is read-only"
            options = {o.value for o in spec.options}
            if options and value is not None and value not in options and (
                    str(spec.type) == "enumeration"):
                return ErrorCategory.INVALID_VALUE, f"{spec.label}: “{value}” is not an option"
        if creating:
            missing = [f.label for f in self.app_fields.values()
                       if f.required and not f.read_only and not values.get(f.name)]
            if missing:
                return ErrorCategory.REQUIRED_MISSING, ", ".join(missing)
        return None

    # --- helpers --------------------------------------------------------------------------

    def _taken_emails(self, rows) -> set[str]:
        emails = {e for values in rows
                  if (e := derived_columns(self.config.hub_object, values).get("email_key"))}
        if not emails:
            return set(self.new_emails)
        live = Record.objects.filter(portal_id=self.config.portal_id,
                                     object_type=self.config.hub_object,
                                     archived_at__isnull=True, email_key__in=emails)
        return set(live.values_list("email_key", flat=True)) | self.new_emails

    def _app_name(self, record: AppRecord) -> str:
        parts = [record.values.get(f) or "" for f in self.config.app_name_fields]
        return " ".join(p for p in parts if p)[:300] or record.id


def _existing_links(sync_id: int):
    """(by app id, by hub id) -> (app id, hub id, status), for a sync edited after its start."""
    by_app, by_hub = {}, {}
    rows = Link.objects.filter(object_sync_id=sync_id).values_list(
        "app_id", "hub_record_id", "status")
    for row in rows.iterator(chunk_size=5000):
        if row[0]:
            by_app[row[0]] = row
        if row[1]:
            by_hub[row[1]] = row
    return by_app, by_hub
