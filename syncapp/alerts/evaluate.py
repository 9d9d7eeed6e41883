"""Opening and resolving alerts: compare what fires now with what is open.

Runs right after each run ends (receivers.py) and from beat every ALERTS_EVALUATE_S
(for what no run reports: time passing, a connection marked for reconnecting). Two
evaluations at once are safe: an alert opens through the unique open alert per
(sync, rule), and resolves through a conditional update, so each happens once and is
announced once.
"""

import logging

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from syncapp.alerts import conditions
from syncapp.alerts.models import Alert
from syncapp.alerts.notify import OPENED, RESOLVED, announce
from syncapp.alerts.services import rules_for, silenced_kinds
from syncapp.syncs.models import ObjectSync, SyncState

log = logging.getLogger(__name__)


def evaluate_sync(sync_id: int) -> dict[str, list[str]]:
    """Open the alerts that fire and are not open, resolve those open that no longer
    fire; returns {"opened": [...], "resolved": [...]} rule kinds."""
    sync = ObjectSync.objects.select_related("connection", "portal").filter(pk=sync_id).first()
    if sync is None:
        return {OPENED: [], RESOLVED: []}
    now_firing = conditions.firing(conditions.facts_of(sync), rules_for(sync))
    still_open = set(Alert.objects.filter(object_sync=sync, resolved_at__isnull=True)
                     .values_list("kind", flat=True))
    silenced = silenced_kinds(sync.portal_id)
    opened = [kind for kind in now_firing if kind not in still_open | silenced
              and _open(sync, kind, now_firing[kind])]
    resolved = [kind for kind in still_open - set(now_firing) if _resolve(sync, kind)]
    if opened or resolved:
        log.info("alerts changed", extra={"object_sync_id": sync.pk, "opened": opened,
                                          "resolved": resolved})
    return {OPENED: opened, RESOLVED: resolved}


def _open(sync: ObjectSync, kind: str, detail: str) -> bool:
    try:
        with transaction.atomic():
            alert = Alert.objects.create(portal_id=sync.portal_id, object_sync=sync, kind=kind,
                                         summary=detail)
            announce(alert.pk, OPENED)
    except IntegrityError:  # another evaluation opened it a moment ago
        return False
    return True


def _resolve(sync: ObjectSync, kind: str) -> bool:
    with transaction.atomic():
        alert = (Alert.objects.select_for_update(skip_locked=True)
                 .filter(object_sync=sync, kind=kind, resolved_at__isnull=True).first())
        if alert is None:
            return False
        alert.resolved_at = timezone.now()
        alert.save(update_fields=["resolved_at"])
        announce(alert.pk, RESOLVED)
    return True


def syncs_to_watch() -> list[int]:
    """Syncs that are on, and any sync with an open alert (to resolve it)."""
    return list(ObjectSync.objects.filter(
        Q(state=SyncState.ON) | Q(alerts__resolved_at__isnull=True, alerts__isnull=False))
        .distinct().values_list("pk", flat=True))
