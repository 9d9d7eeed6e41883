"""One real Celery worker on the notify and webhooks queues (and the others) for a
module's tests, mailing to files, sending to a local receiver; and how a test breaks
and mends a sync for each alert rule."""

import email
import email.header
import json
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from syncapp.alerts import rules as rulebook
from syncapp.alerts.services import set_alert_overrides
from syncapp.integrations.models import ConnectionStatus
from syncapp.syncs.models import Link, LinkStatus, ObjectSync, Run, RunKind, RunStatus
from tests.kits.health import many_links
from tests.kits.stack import wait_until

ROOT = Path(__file__).resolve().parents[2]
LATENCY_FILE = ROOT / "test-artifacts" / "alert-latency.json"
WORKER_ENV = {
    "TEST_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
    "OUTBOUND_ALLOW_PRIVATE": "true", "WEBHOOK_RETRY_BASE_S": "1",
    "WEBHOOK_RETRY_MAX_DELAY_S": "2", "WEBHOOK_TIMEOUT_S": "2",
}


@dataclass
class Mail:
    to: str
    subject: str
    body: str
    seen_at: float


@dataclass
class Outbox:
    """The worker's mails, as files in a folder (Django's file e-mail backend)."""

    folder: Path
    seen: dict[str, Mail] = field(default_factory=dict)

    def mails(self) -> list[Mail]:
        for path in sorted(self.folder.glob("*.log")) if self.folder.exists() else []:
            if path.name in self.seen:
                continue
            raw = path.read_bytes().rstrip()
            if not raw.endswith(b"-" * 79):
                continue  # still being written
            message = email.message_from_bytes(raw.removesuffix(b"-" * 79))
            subject = str(email.header.make_header(email.header.decode_header(
                message["Subject"])))
            body = message.get_payload(decode=True).decode(
                message.get_content_charset() or "utf-8")
            self.seen[path.name] = Mail(message["To"], subject, body, time.time())
        return sorted(self.seen.values(), key=lambda m: m.seen_at)

    def wait_for(self, count: int, timeout: float = 60) -> list[Mail]:
        assert wait_until(lambda: len(self.mails()) >= count, timeout=timeout, every=0.05), \
            [m.subject for m in self.mails()]
        return self.mails()


def only_rule(sync: ObjectSync, kind: str) -> None:
    """The sync watches `kind` alone (its overrides), so one break opens one alert."""
    set_alert_overrides(sync, {key: {"enabled": key == kind} for key in rulebook.KINDS})


def _run(sync, status, category="", ago=timedelta()):
    return Run.objects.create(portal_id=sync.portal_id, object_sync=sync,
                              kind=RunKind.INCREMENTAL, status=status, error_category=category,
                              finished_at=timezone.now() - ago)


def _paused(sync, reason: str, ago: timedelta, status=RunStatus.PAUSED) -> None:
    _run(sync, status, reason, ago)
    ObjectSync.objects.filter(pk=sync.pk).update(pause_reason=reason)


def _mended(sync) -> None:
    _run(sync, RunStatus.SUCCEEDED)
    ObjectSync.objects.filter(pk=sync.pk).update(pause_reason="", paused_until=None,
                                                 last_success_at=timezone.now())


BREAK = {
    "failing": lambda s: _paused(s, "permission_denied", timedelta(), RunStatus.FAILED),
    "failed_records": lambda s: (many_links(s, 10), Link.objects.bulk_create(
        [Link(portal_id=s.portal_id, object_sync=s, app_id=f"bad-{i}", status=LinkStatus.FAILED,
              error_category="invalid_value") for i in range(5)])),
    "stale": lambda s: ObjectSync.objects.filter(pk=s.pk).update(
        last_success_at=timezone.now() - timedelta(seconds=s.poll_interval_s * 10)),
    "needs_reconnect": lambda s: type(s.connection).objects.filter(
        pk=s.connection_id).update(status=ConnectionStatus.NEEDS_RECONNECT),
    "rate_limited": lambda s: _paused(s, "rate_limited", timedelta(hours=2)),
    "mass_change": lambda s: _paused(s, "mass_change", timedelta()),
}
MEND = {
    "failing": _mended,
    "failed_records": lambda s: Link.objects.filter(object_sync=s).update(
        status=LinkStatus.IN_SYNC, error_category=""),
    "stale": _mended,
    "needs_reconnect": lambda s: type(s.connection).objects.filter(
        pk=s.connection_id).update(status=ConnectionStatus.CONNECTED),
    "rate_limited": _mended,
    "mass_change": _mended,
}


def write_latency(name: str, values: dict) -> None:
    LATENCY_FILE.parent.mkdir(parents=True, exist_ok=True)
    found = json.loads(LATENCY_FILE.read_text()) if LATENCY_FILE.exists() else {}
    found[name] = values
    LATENCY_FILE.write_text(json.dumps(found, indent=2, sort_keys=True) + "\n")
