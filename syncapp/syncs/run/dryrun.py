"""A dry run of an object sync's initial sync, computed before anything is written.

It is the runner's own planning without applying: the app's records page by page,
then the hub records nobody matched, each page planned by step.BatchRun.decide
over an overlay of the links the earlier pages would have made (so an app record
left aside can still be matched by a hub record later, as in the run). Where the
runner would write, it predicts what the write would meet, counts and keeps a few
samples: it never writes a hub record, an app record or a link.

Counts are of final outcomes: an app record left aside by its filters that a hub
record then matches counts as matched, not excluded. "Likely to fail" is what
can be known beforehand: Syncapp's own validation and unique emails, and the
app's declared required fields and options; an app may still refuse others.

A matched pair's sample lists only the changes of the writes that would go
through, and "updated" on a side counts exactly the pairs whose sample lists a
change there: the page's tile and its list read one computation, and a side the
other refuses shows as a failure, never as a change (as the runner records it).
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from connectors.sdk import ErrorCategory
from syncapp.accounts.models import Portal
from syncapp.crm.models import Record
from syncapp.crm.services import _diff, derived_columns, property_shapes
from syncapp.crm.validation import clean_values
from syncapp.engine.config import SyncConfig
from syncapp.engine.plan import AppCreate, BatchPlan, HubCreate, PairUpdate
from syncapp.syncs.models import LinkStatus
from syncapp.syncs.run import store
from syncapp.syncs.run.hubside import HubRecord
from syncapp.syncs.run.overlay import LinkOverlay
from syncapp.syncs.run.shared_keys import AppKeys, SharedValue, hub_shared
from syncapp.syncs.run.step import BatchRun, app_name

# Why an app write is likely to fail, in English (a worker computes the dry run); the
# Review step words them again for its reader (wizard/preview.py).
READ_ONLY = "{label} is read-only"
NOT_AN_OPTION = "{label}: “{value}” is not an option"

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
    # A matched pair: the conflict rule that decided each changed field, as the
    # history words it (hub property / app field -> why).
    rules_hub: dict = field(default_factory=dict)
    rules_app: dict = field(default_factory=dict)


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
    # Identifier values several records share, on either side (run/shared_keys.py).
    shared: list[SharedValue] = field(default_factory=list)

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


def dry_run(config: SyncConfig, connector, app_fields: Iterable | None = None,
            max_app_records: int = MAX_APP_RECORDS) -> DryRun:
    """What the initial sync of `config` would do now, from both sides' data."""
    simulation = _Simulation(config, connector, app_fields)
    simulation.app_phase(max_app_records)
    simulation.hub_phase()
    simulation.result.shared = hub_shared(config) + simulation.app_keys.shared()
    return simulation.result


class _Simulation:
    def __init__(self, config: SyncConfig, connector, app_fields):
        self.config = config
        self.connector = connector
        fields = app_fields if app_fields is not None else connector.fields(config.app_object)
        self.app_fields = {f.name: f for f in fields}
        self.shapes = property_shapes(Portal(pk=config.portal_id), config.hub_object)
        self.result = DryRun()
        self.overlay = LinkOverlay()
        self.new_emails: set[str] = set()  # email keys of hub records it would create
        self.left_aside: dict[int, tuple[Bucket, Sample]] = {}  # link -> where it counts
        self.seen: set[str] = set()
        self.app_keys = AppKeys(config)

    # --- phase A: the app's records -------------------------------------------------------

    def app_phase(self, limit: int) -> None:
        cursor = None
        while True:
            page = self.connector.read_changes(self.config.app_object, cursor, limit=PAGE)
            records = []
            for record in page.records:
                if record.id not in self.seen:  # read twice (it changed meanwhile): the
                    self.seen.add(record.id)    # runner pairs it again, a no-op
                    records.append(record)
                    self.app_keys.add(record, app_name(self.config, record))
            self.result.app_read += len(records)
            self._plan(app_records=records)
            cursor = page.cursor or cursor
            if page.done:
                return
            if self.result.app_read >= limit:
                self.result.complete = False
                return

    # --- phase B: the hub records nobody matched -----------------------------------------

    def hub_phase(self) -> None:
        after = 0
        while True:
            rows = list(Record.objects.filter(
                portal_id=self.config.portal_id, object_type=self.config.hub_object,
                archived_at__isnull=True, pk__gt=after,
            ).order_by("pk").only("id", "properties", "display_name", "updated_at")[:HUB_PAGE])
            self.result.hub_read += len(rows)
            self._plan(hub_records=self._unlinked(
                {row.pk: HubRecord(row.pk, row.properties, row.display_name, False,
                                   row.updated_at)
                 for row in rows}))
            if len(rows) < HUB_PAGE:
                return
            after = rows[-1].pk

    def _unlinked(self, hubs: dict[int, HubRecord]) -> dict[int, HubRecord]:
        """The hub records phase B plans, as the runner's scan finds them: not those
        this dry run paired, nor those linked before it (counted as already linked)."""
        _by_app, by_hub = self.overlay.links_for(self.config.object_sync_id, (), hubs)
        for hub_id, link in by_hub.items():
            if link.pk in self.overlay.by_pk:
                if link.app_id:
                    hubs.pop(hub_id, None)
            elif link.app_id or link.status == LinkStatus.PENDING:
                self.result.already_linked += 1
                hubs.pop(hub_id, None)
        return hubs

    # --- a page: the run's plan, its writes predicted ------------------------------------

    def _plan(self, **records) -> None:
        batch = BatchRun(self.config, self.connector, None, Counter(), lookup=self.overlay)
        plan = batch.decide(**records)
        links = self._links(batch, plan)
        for ref, side, reason in plan.exclusions:
            self._leave_aside(links[ref], self.result.excluded_bucket(side, reason), side)
        for ref, side in plan.duplicates:
            link = links[ref]
            self._leave_aside(link, self.result.failing_bucket(ErrorCategory.DUPLICATE), side,
                              self._duplicate_sample(link, side))
        for pair in plan.pairs:
            self._pair(links[pair.ref], pair)
        self.result.already_linked += len(plan.held)
        self._create_in_hub(plan.hub_creates, links)
        for create in plan.app_creates:
            self._create_in_app(create, links[create.ref])
        for link in links.values():
            self.overlay.keep(link)

    def _links(self, batch: BatchRun, plan: BatchPlan) -> dict[int, store.LinkColumns]:
        """The plan's links as the run would leave them, in memory only."""
        return self.overlay.take(batch, plan, self.config.object_sync_id, self.config.portal_id)

    def _leave_aside(self, link: store.LinkColumns, bucket: Bucket, side: str,
                     sample: Sample | None = None) -> None:
        """Excluded or failed: counted; an app record's is taken back if a hub record
        matches it later."""
        if sample is None:
            sample = (Sample(link.app_name, app_id=link.app_id) if side == "app"
                      else Sample(link.hub_name, hub_id=link.hub_record_id))
        bucket.add(sample)
        if side == "app":
            self.left_aside[link.pk] = (bucket, sample)

    @staticmethod
    def _duplicate_sample(link: store.LinkColumns, side: str) -> Sample:
        note = link.error_message or ""
        if side == "app":
            return Sample(link.app_name, app_id=link.app_id, note=note)
        return Sample(link.hub_name, hub_id=link.hub_record_id, note=note)

    def _create_in_hub(self, creates: list[HubCreate], links: dict[int, store.LinkColumns]) -> None:
        taken = self._taken_emails(create.values for create in creates)
        for create in creates:
            link = links[create.ref]
            sample = Sample(link.app_name, app_id=create.app_id,
                            changes_hub={k: [None, v] for k, v in create.values.items()})
            cleaned, errors = clean_values(self.shapes, create.values)
            email = derived_columns(self.config.hub_object, cleaned).get("email_key")
            if errors:
                sample.note = "; ".join(f"{k}: {v}" for k, v in sorted(errors.items()))
                self._fail(link, ErrorCategory.INVALID_VALUE, sample)
            elif email and email in taken:
                sample.note = email
                self._fail(link, ErrorCategory.DUPLICATE, sample)
            else:
                if email:
                    taken.add(email)
                    self.new_emails.add(email)
                link.hub_record_id = self.overlay.next_id()  # stands for the one created
                store.mark(link, LinkStatus.IN_SYNC)
                self.result.created_hub.add(sample)

    def _fail(self, link: store.LinkColumns, category: str, sample: Sample) -> None:
        store.mark(link, LinkStatus.FAILED, category=str(category))
        self._leave_aside(link, self.result.failing_bucket(category), "app", sample)

    def _create_in_app(self, create: AppCreate, link: store.LinkColumns) -> None:
        sample = Sample(link.hub_name, hub_id=create.hub_id,
                        changes_app={k: [None, v] for k, v in create.values.items()})
        problem = self._app_problem(create.values, creating=True)
        if problem:
            sample.note = problem[1]
            store.mark(link, LinkStatus.FAILED, category=str(problem[0]))
            self.result.failing_bucket(problem[0]).add(sample)
        else:
            store.mark(link, LinkStatus.IN_SYNC)
            self.result.created_app.add(sample)

    # --- a matched pair ------------------------------------------------------------------

    def _pair(self, link: store.LinkColumns, pair: PairUpdate) -> None:
        """A pair: linked before (already linked), or just matched — as the runner
        applies it, each side's write on its own."""
        if pair.last is not None:
            self.result.already_linked += 1
            return
        left = self.left_aside.pop(link.pk, None)
        if left is not None:  # an app record left aside, matched by a hub record
            left[0].take_back(left[1])
        store.mark(link, LinkStatus.IN_SYNC)
        plan = pair.plan
        app_problem = self._app_problem(plan.app_writes, creating=False)
        hub_problem, hub_changes = self._hub_update(pair.hub_values, plan.hub_writes)
        sample = self.result.matched.add(Sample(
            pair.hub_name or link.app_name, app_id=pair.app_id, hub_id=pair.hub_id,
            note=pair.note, changes_hub=hub_changes,
            changes_app={} if app_problem else plan.changes_app,
            rules_hub={k: plan.reasons[k] for k in hub_changes if k in plan.reasons},
            rules_app=store.app_rules(self.config, plan)))
        if sample.changes_app:
            self.result.updated_app.add(sample)
        if sample.changes_hub:
            self.result.updated_hub.add(sample)
        problem = app_problem or hub_problem
        if problem:
            sample.problem = problem[1]
            failed = Sample(sample.name, pair.app_id, pair.hub_id, problem[1])
            self.result.failing_bucket(problem[0]).add(failed)

    def _hub_update(self, hub: dict, writes: dict):
        """(problem or None, the changes the hub record would get: property -> [old, new]).

        The changes are of the values as the hub stores them (cleaned), so a write that
        cleans to what is there already changes nothing, as in the runner."""
        if not writes:
            return None, {}
        cleaned, errors = clean_values(self.shapes, writes)
        if errors:
            message = "; ".join(f"{k}: {v}" for k, v in sorted(errors.items()))
            return (ErrorCategory.INVALID_VALUE, message), {}
        new = {k: v for k, v in {**hub, **cleaned}.items() if v is not None}
        email = derived_columns(self.config.hub_object, new).get("email_key")
        old_email = derived_columns(self.config.hub_object, hub).get("email_key")
        if email and email != old_email and email in self._taken_emails([new]):
            return (ErrorCategory.DUPLICATE, email), {}
        return None, _diff(hub, new)

    def _app_problem(self, values: dict, *, creating: bool):
        """What the app's declared fields say of these values: (category, message) or None."""
        for name, value in values.items():
            spec = self.app_fields.get(name)
            if spec is None:
                continue
            if spec.read_only:
                return ErrorCategory.READ_ONLY, READ_ONLY.format(label=spec.label)
            options = {o.value for o in spec.options}
            if options and value is not None and value not in options and (
                    str(spec.type) == "enumeration"):
                return ErrorCategory.INVALID_VALUE, NOT_AN_OPTION.format(label=spec.label,
                                                                        value=value)
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
