"""The Sync overview: where a connection stands, what each object sync last did, and
records synced and failed per hour — all read from facts the engine recorded."""

import datetime as dt
from dataclasses import dataclass

from django.db import connection as db
from django.utils import timezone
from django.utils.translation import gettext as _

from connectors.sdk.errors import ErrorCategory
from syncapp.crm.schema import ObjectType
from syncapp.integrations.catalog import connector_class
from syncapp.integrations.models import Connection, ConnectionStatus
from syncapp.integrations.texts import object_label
from syncapp.syncs.models import ObjectSync, Run, RunStatus, SyncState

CHART_HOURS = 7 * 24
SYNCED_KEYS = ("created_hub", "created_app", "updated_hub", "updated_app", "matched",
               "restored", "retried")


@dataclass(frozen=True)
class State:
    code: str  # connected, syncing, idle, paused, needs_reconnect, app_unavailable
    label: str
    tone: str  # success, info, warning, danger: the badge and banner colour
    todo: str  # what to do about it, in a sentence


@dataclass(frozen=True)
class SyncRow:
    sync: ObjectSync
    label: str  # "Contacts ↔ contacts"
    hub_label: str
    app_label: str


def sync_rows(connection: Connection) -> list[SyncRow]:
    """The connection's object syncs with the names people know them by."""
    try:
        spec = connector_class(connection.app_key).spec
    except LookupError:
        spec = None
    rows = []
    syncs = ObjectSync.objects.for_portal(connection.portal_id).filter(
        connection=connection).order_by("id")
    for sync in syncs:
        hub = str(ObjectType(sync.hub_object).label) if sync.hub_object in ObjectType.values \
            else sync.hub_object
        app = object_label(spec, sync.app_object) if spec is not None else sync.app_object
        rows.append(SyncRow(sync, f"{hub} ↔ {app}", hub, app))
    return rows


def connection_state(connection: Connection, syncs: list[ObjectSync], app: str) -> State:
    """One state for the whole connection, the most urgent first."""
    live = [s for s in syncs if s.state == SyncState.ON]
    trouble = _trouble(connection, syncs, live, app)
    if trouble is not None:
        return trouble
    if live and Run.objects.filter(object_sync__in=live, status=RunStatus.RUNNING).exists():
        return State("syncing", _("Syncing"), "info", _(
            "A run is in progress. Counts and the chart update as it goes."))
    if live:
        return State("idle", _("Idle"), "success", _(
            "Everything is up to date. Changes on either side sync within each object "
            "sync's poll interval; nothing to do."))
    return State("connected", _("Connected"), "success", _(
        "The account is connected but nothing syncs yet. Set up a sync to choose an "
        "object to sync."))


def _trouble(connection, syncs, live, app: str) -> State | None:
    reasons = {s.pause_reason for s in live if s.pause_reason}
    if connection.status == ConnectionStatus.NEEDS_RECONNECT or (
            ErrorCategory.AUTH_EXPIRED in reasons):
        return State("needs_reconnect", _("Needs reconnect"), "danger", _(
            "%(app)s no longer accepts this account's sign-in, so nothing syncs. Open "
            "Actions → Manage accounts and click Reconnect.") % {"app": app})
    if ErrorCategory.APP_UNAVAILABLE in reasons:
        return State("app_unavailable", _("App unavailable"), "warning", _(
            "%(app)s is not answering. Syncs resume by themselves when it is back; nothing "
            "is lost meanwhile. If it lasts, check %(app)s's status page.") % {"app": app})
    if syncs and not live:
        return State("paused", _("Paused"), "warning", _(
            "Every sync of this account is turned off. Turn one on in its sync settings; "
            "it catches up from where it stopped."))
    if reasons:
        paused = next(s for s in live if s.pause_reason)
        return State("paused", _("Paused"), "warning", _(
            "A sync is paused: %(message)s It resumes by itself when the cause is "
            "transient; otherwise fix the cause in %(app)s and it resumes on the next "
            "run.") % {"message": paused.pause_message or paused.pause_reason, "app": app})
    return None


@dataclass(frozen=True)
class Bar:
    x: int
    synced: int
    failed: int
    synced_h: float
    failed_h: float
    start: dt.datetime
    synced_y: float
    failed_y: float
    title: str


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    peak: int
    total_synced: int
    total_failed: int
    days: list[tuple[int, dt.datetime]]  # (x, midnight) day marks
    width: int
    height: int
    bar_width: int


_HOURLY = """
SELECT date_trunc('hour', started_at) AS hour,
       sum({synced}) AS synced,
       sum(coalesce((counts->>'failed')::bigint, 0)) AS failed
FROM syncs_run
WHERE object_sync_id = ANY(%s) AND started_at >= %s
GROUP BY 1
"""


def hourly_activity(sync_ids: list[int], now: dt.datetime | None = None) -> Chart:
    """Records synced and failed per hour over the last 7 days, from the runs' counts."""
    now = now or timezone.now()
    end = now.replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)
    start = end - dt.timedelta(hours=CHART_HOURS)
    found: dict[dt.datetime, tuple[int, int]] = {}
    if sync_ids:
        synced = " + ".join(f"coalesce((counts->>'{key}')::bigint, 0)" for key in SYNCED_KEYS)
        with db.cursor() as cursor:
            cursor.execute(_HOURLY.format(synced=synced), [list(sync_ids), start])
            found = {hour: (int(s or 0), int(f or 0)) for hour, s, f in cursor.fetchall()}
    return _chart(found, start)


def _chart(found: dict, start: dt.datetime, bar_width: int = 5, height: int = 160) -> Chart:
    hours = [start + dt.timedelta(hours=i) for i in range(CHART_HOURS)]
    values = [found.get(hour, (0, 0)) for hour in hours]
    peak = max((s + f for s, f in values), default=0)
    scale = (height - 10) / peak if peak else 0
    bars = []
    words = _("%(synced)s synced, %(failed)s failed")  # one lookup, not one per bar
    for i, (hour, (s, f)) in enumerate(zip(hours, values, strict=True)):
        synced_h = max(round(s * scale, 1), 1.0 if s else 0)
        failed_h = max(round(f * scale, 1), 1.0 if f else 0)
        title = f"{hour:%a %d %b, %H:%M} UTC — " + words % {"synced": f"{s:,}",
                                                            "failed": f"{f:,}"}
        bars.append(Bar(i * bar_width, s, f, synced_h, failed_h, hour,
                        round(height - synced_h, 1), round(height - synced_h - failed_h, 1),
                        title))
    days = [(i * bar_width, hour) for i, hour in enumerate(hours) if hour.hour == 0]
    return Chart(bars, peak, sum(s for s, _ in values), sum(f for _, f in values), days,
                 CHART_HOURS * bar_width, height, bar_width)
