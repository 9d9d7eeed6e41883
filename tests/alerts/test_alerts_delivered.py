"""Each alert opens once and resolves once, and people and receivers hear of it: a
real Celery worker on the notify and webhooks queues mails (to files) and delivers
signed webhooks to a real local receiver. Also: a receiver failing three times gets
the event on the fourth try; one that redirects or hangs is logged, never followed;
and the time from a sync failing to the mail and the webhook, measured."""

import pytest
from django.db import transaction
from django.utils import timezone

from syncapp.alerts.evaluate import evaluate_sync
from syncapp.alerts.models import Alert, PersonLanguage
from syncapp.syncs.models import Run, RunStatus
from syncapp.webhooks import services as webhooks
from syncapp.webhooks.events import emit
from syncapp.webhooks.models import AttemptOutcome, Delivery, DeliveryStatus
from tests.kits.alerts import BREAK, MEND, WORKER_ENV, Outbox, only_rule, write_latency
from tests.kits.health import quiet_sync
from tests.kits.metrics import TOKEN, samples, scrape
from tests.kits.receiver import receiving
from tests.kits.stack import wait_until
from tests.kits.worker import own_queue, worker_on

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]
ALERT_EVENTS = ["alert.opened", "alert.resolved", "run.failed", "run.finished"]


@pytest.fixture
def stack(tmp_path, settings):
    """The worker, the receiver and the outbox of one test."""
    settings.OUTBOUND_ALLOW_PRIVATE = True
    outbox = Outbox(tmp_path / "mail")
    log = tmp_path / "worker.log"
    with receiving() as receiver, own_queue() as queue, worker_on(
            queue, settings.SITE_URL, log, EMAIL_FILE_PATH=str(outbox.folder), **WORKER_ENV):
        yield receiver, outbox, log


def subscribe(portal, receiver, events=ALERT_EVENTS):
    subscription, secret = webhooks.create(portal, receiver.url, events, by=None)
    receiver.secrets.append(secret)
    return subscription


@pytest.mark.parametrize("kind", list(BREAK))
def test_each_alert_opens_once_and_resolves_once_by_mail_and_webhook(
        stack, portal, admin, ops, kind):
    receiver, outbox, log = stack
    PersonLanguage.objects.create(user=ops.user, language="pt-br")
    sync = quiet_sync(portal)
    only_rule(sync, kind)
    subscribe(portal, receiver)

    BREAK[kind](sync)
    assert evaluate_sync(sync.pk)["opened"] == [kind]
    assert evaluate_sync(sync.pk)["opened"] == []  # still open: no repeat
    assert wait_until(lambda: receiver.accepted("alert.opened"), timeout=60), log.read_text()
    [opened_mail] = outbox.wait_for(1)

    MEND[kind](sync)
    assert evaluate_sync(sync.pk)["resolved"] == [kind]
    assert evaluate_sync(sync.pk) == {"opened": [], "resolved": []}
    assert wait_until(lambda: receiver.accepted("alert.resolved"), timeout=60), log.read_text()
    mails = outbox.wait_for(2)

    # Only ops hears (the default role), in Portuguese, with a link to the health view.
    assert [m.to for m in mails] == ["ops@acme.test", "ops@acme.test"]
    assert opened_mail.subject.startswith("Alerta:")
    assert mails[1].subject.startswith("Resolvido:")
    assert "/integrations/hubspot/" in opened_mail.body and "http" in opened_mail.body
    [alert] = Alert.objects.filter(object_sync=sync)
    assert alert.kind == kind and alert.resolved_at is not None
    assert [(n["email"], n["event"]) for n in alert.notified] == [
        ("ops@acme.test", "opened"), ("ops@acme.test", "resolved")]
    opened, resolved = receiver.accepted("alert.opened"), receiver.accepted("alert.resolved")
    assert len(opened) == 1 and len(resolved) == 1
    assert opened[0].data["rule"] == kind and opened[0].data["sync_id"] == sync.pk
    assert all(r.signature_valid for r in receiver.received)


def test_a_receiver_failing_three_times_gets_the_event_on_the_fourth_try(stack, portal,
                                                                         settings):
    receiver, _outbox, log = stack
    settings.METRICS_TOKEN = TOKEN
    subscribe(portal, receiver)
    receiver.fail_next = 3
    with transaction.atomic():
        emit(portal.pk, "run.failed", {"sync_id": 1, "error_category": "auth_expired"})
    assert wait_until(lambda: receiver.accepted("run.failed"), timeout=60), log.read_text()
    tries = [r for r in receiver.received if r.event == "run.failed"]
    assert [r.answered for r in tries] == [500, 500, 500, 200]
    assert all(r.signature_valid for r in tries)
    assert len({r.message_id for r in tries}) == 1  # the same message each time
    # The receiver has its 200 a moment before the worker writes down the outcome.
    assert wait_until(lambda: Delivery.objects.get().status == DeliveryStatus.SUCCEEDED,
                      timeout=30)
    delivery = Delivery.objects.get()
    assert delivery.attempts == 4
    assert list(delivery.tries.order_by("id").values_list("outcome", "status_code")) == [
        *[(AttemptOutcome.HTTP_ERROR, 500)] * 3, (AttemptOutcome.SUCCEEDED, 200)]
    assert samples(scrape(), "syncapp_webhook_deliveries_total") == {
        (("outcome", "http_error"),): 3.0, (("outcome", "succeeded"),): 1.0}


def test_a_redirect_is_logged_and_never_followed_and_a_hang_is_a_timeout(stack, portal):
    receiver, _outbox, log = stack
    with receiving() as elsewhere:
        receiver.redirect_to = elsewhere.url
        subscribe(portal, receiver)
        with transaction.atomic():
            emit(portal.pk, "run.failed", {"sync_id": 1})
        assert wait_until(lambda: len(receiver.received) >= 2, timeout=60), log.read_text()
        assert elsewhere.received == []
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING  # tried again later, never followed
    assert set(delivery.tries.values_list("outcome", "status_code")) == {
        (AttemptOutcome.REDIRECT, 302)}

    receiver.redirect_to, receiver.delay_s = "", 4.0  # longer than WEBHOOK_TIMEOUT_S (2)
    count = delivery.tries.count()
    assert wait_until(lambda: delivery.tries.filter(outcome=AttemptOutcome.NO_ANSWER).exists(),
                      timeout=60), log.read_text()
    late = delivery.tries.filter(outcome=AttemptOutcome.NO_ANSWER).first()
    assert late.status_code is None and "timed out" in late.error.lower()
    assert delivery.tries.count() > count


def test_redeliver_sends_the_same_message_again(stack, portal, admin_client):
    receiver, _outbox, log = stack
    subscribe(portal, receiver)
    with transaction.atomic():
        emit(portal.pk, "run.finished", {"sync_id": 1, "counts": {"failed": 2}})
    assert wait_until(lambda: receiver.accepted("run.finished"), timeout=60), log.read_text()
    assert wait_until(lambda: Delivery.objects.get().status == DeliveryStatus.SUCCEEDED,
                      timeout=30)  # written down a moment after the receiver's 200
    delivery = Delivery.objects.get()
    page = admin_client.get("/settings/webhooks/").content.decode()
    assert "HTTP 200" in page and " ms" in page
    assert admin_client.post(f"/settings/webhooks/deliveries/{delivery.pk}/redeliver/"
                             ).status_code == 302
    assert wait_until(lambda: len(receiver.accepted("run.finished")) == 2, timeout=60)
    first, again = receiver.accepted("run.finished")
    assert first.message_id == again.message_id and again.signature_valid


def test_time_from_a_sync_failing_to_the_mail_and_the_webhook(stack, portal, ops, hubspot):
    """A real run fails (the app revoked every token): the engine's hook has the worker
    open the alerts and send them within seconds; the times go to
    test-artifacts/alert-latency.json."""
    from tests.kits.engine import make_sync, run

    receiver, outbox, log = stack
    sync = make_sync(hubspot, "contacts")
    run(hubspot, sync)
    subscribe(portal, receiver)
    with hubspot.sandbox.lock:
        hubspot.sandbox.access_tokens.clear()
        hubspot.sandbox.revoke_refresh_tokens()
    sync.refresh_from_db()
    from syncapp.syncs.run.runner import SyncRunner

    SyncRunner(sync, connector=hubspot.connector()).run_for(60)
    failed = Run.objects.filter(object_sync=sync).order_by("-id").first()
    assert failed.status == RunStatus.FAILED
    failed_at = failed.finished_at.timestamp()

    assert wait_until(lambda: receiver.accepted("alert.opened"), timeout=60), log.read_text()
    mails = outbox.wait_for(2)  # the failing sync, and its connection to reconnect
    assert {m.subject.split(":")[0] for m in mails} == {"Alert"}
    assert set(Alert.objects.filter(object_sync=sync).values_list("kind", flat=True)) == {
        "failing", "needs_reconnect"}
    assert receiver.accepted("run.failed")[0].data["error_category"] == "auth_expired"
    to_mail = min(m.seen_at for m in mails) - failed_at
    to_webhook = min(r.at for r in receiver.accepted("alert.opened")) - failed_at
    to_run_failed = receiver.accepted("run.failed")[0].at - failed_at
    write_latency("sync_failing_to_alert", {
        "to_first_mail_s": round(to_mail, 3), "to_alert_webhook_s": round(to_webhook, 3),
        "to_run_failed_webhook_s": round(to_run_failed, 3),
        "measured_at": timezone.now().isoformat(), "path": "run ends -> evaluate task "
        "(notify queue) -> send_notification (notify) + deliver (webhooks)"})
