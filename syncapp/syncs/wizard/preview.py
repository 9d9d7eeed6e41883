"""The Review step's dry run: the engine's dry run on the working copy, for people.

It reads every record of both sides, which can take minutes on a big account, so a
worker computes it (tasks.dry_run, wizard/preview_worker.py) and caches it per
settings token; the page polls, and this module words the result.
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from connectors.sdk import ErrorCategory
from syncapp.core.queue import UNREACHABLE, QueueUnreachable, cache_get, enqueue
from syncapp.engine.limits import DIRECTION, FILTERS, NO_EMAIL, NO_IDENTIFIER
from syncapp.integrations.texts import shown
from syncapp.syncs.match_words import in_words, read_back
from syncapp.syncs.models import ObjectSync
from syncapp.syncs.run.dryrun import NOT_AN_OPTION, READ_ONLY, DryRun
from syncapp.syncs.tasks import dry_run as dry_run_task
from syncapp.syncs.wizard import state
from syncapp.syncs.wizard.preview_worker import Failed, cache_key
from syncapp.syncs.wizard.summary import Labels

ASK_S = 900  # as long as the task may run: a lost message is asked again after it

REASONS = {
    FILTERS: gettext_lazy("Don't match the filters"),
    NO_EMAIL: gettext_lazy("No email address"),
    NO_IDENTIFIER: gettext_lazy("No identifier value"),
    DIRECTION: gettext_lazy("The direction doesn't create records on that side"),
}
FAILURES = {
    ErrorCategory.INVALID_VALUE: gettext_lazy("A value the other side refuses"),
    ErrorCategory.DUPLICATE: gettext_lazy("Email already used by another record"),
    ErrorCategory.REQUIRED_MISSING: gettext_lazy("A required field is empty"),
    ErrorCategory.READ_ONLY: gettext_lazy("Writes a read-only field"),
}


def requested(sync: ObjectSync, *, fresh: bool = False) -> DryRun | Failed | None:
    """The cached dry run of the current settings, or None while a worker computes it.

    Views only enqueue: the first call asks a worker (once); a worker running tasks
    eagerly (tests, CELERY_TASK_ALWAYS_EAGER) answers at once. With Redis down (cache
    and queue alike) the page says so instead of failing.
    """
    try:
        return _requested(sync, fresh)
    except (QueueUnreachable, *UNREACHABLE):
        return Failed(str(QueueUnreachable.message))


def _requested(sync: ObjectSync, fresh: bool) -> DryRun | Failed | None:
    key = cache_key(sync)
    if fresh:
        cache.delete_many([key, key + ":asked"])
    found = cache.get(key)
    if found is not None:
        return found
    if cache.add(key + ":asked", True, ASK_S):
        try:
            enqueue(dry_run_task, sync.pk, state.token(sync))
        except QueueUnreachable:
            cache.delete(key + ":asked")
            raise
    return cache.get(key)


def predicted_failures(sync: ObjectSync) -> int:
    """How many records the dry run of the current settings says are likely to fail.

    0 while it is unknown (not computed yet, or it could not read the app): the dry
    run informs a save, it never holds one back for a result nobody has seen (nor
    while Redis is down: Save and sync then says the queue is unreachable)."""
    found = cache_get(cache_key(sync))
    return found.failing_total if isinstance(found, DryRun) else 0


@dataclass(frozen=True)
class Change:
    label: str
    old: object
    new: object
    rule: str = ""  # why: the conflict rule that decided (a matched pair's fields)


@dataclass(frozen=True)
class Row:
    """One sample record as the page shows it."""

    name: str
    app_id: str | None
    hub_id: int | None
    note: str
    hub_changes: list[Change]
    app_changes: list[Change]
    problem: str = ""  # why one side's write is likely to fail (its changes are left out)


def _rule(sample, side: str, name: str) -> str:
    # getattr: a dry run cached by the previous release has no rules.
    return getattr(sample, side, {}).get(name, "")


def note_words(note: str, *, field_labels: bool = False) -> str:
    """A sample's note in the reader's language: how it was matched (syncs/match_words.py),
    why its app write is likely to fail (run/dryrun.py's wording), or with `field_labels`
    the app's required fields it leaves empty."""
    if field_labels:
        return ", ".join(shown(label) for label in note.split(", ")) if note else note
    if found := read_back(READ_ONLY, note):
        return _("%(field)s is read-only") % {"field": shown(found["label"])}
    if found := read_back(NOT_AN_OPTION, note):
        return _("%(field)s: “%(value)s” is not an option") % {
            "field": shown(found["label"]), "value": found["value"]}
    return in_words(note)


def rows(samples, labels: Labels, *, field_labels: bool = False) -> list[Row]:
    return [
        Row(s.name, s.app_id, s.hub_id, note_words(s.note, field_labels=field_labels),
            [Change(labels.hub(k), labels.hub_value(k, old), labels.hub_value(k, new),
                    _rule(s, "rules_hub", k))
             for k, (old, new) in sorted(s.changes_hub.items())],
            [Change(labels.app(k), labels.app_value(k, old), labels.app_value(k, new),
                    _rule(s, "rules_app", k))
             for k, (old, new) in sorted(s.changes_app.items())],
            note_words(s.problem))
        for s in samples
    ]


@dataclass(frozen=True)
class Group:
    label: str
    side: str  # "hub" / "app" / ""
    count: int
    rows: list[Row]


def excluded_groups(result: DryRun, labels: Labels) -> list[Group]:
    groups = []
    for key, bucket in sorted(result.excluded.items()):
        if bucket.count:
            side, reason = key.split(":", 1)
            groups.append(Group(str(REASONS.get(reason, reason)), side, bucket.count,
                                rows(bucket.samples, labels)))
    return groups


@dataclass(frozen=True)
class Shared:
    """An identifier value several records of one side share."""

    side: str
    label: str  # the field holding it
    value: str
    count: int
    names: list[str]


def shared_values(result: DryRun, labels: Labels) -> list[Shared]:
    return [Shared(s.side, labels.hub(s.field) if s.side == "hub" else labels.app(s.field),
                   s.value, s.count, s.names)
            for s in getattr(result, "shared", ())]  # a result cached before the list


def failing_groups(result: DryRun, labels: Labels) -> list[Group]:
    return [Group(str(FAILURES.get(key, key)), "", bucket.count,
                  rows(bucket.samples, labels,
                       field_labels=key == ErrorCategory.REQUIRED_MISSING))
            for key, bucket in sorted(result.failing.items()) if bucket.count]
