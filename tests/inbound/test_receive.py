"""The receiving endpoint: verified, recorded once, a debounced run; bad input refused,
counted on the connection, and starting no run."""

import datetime as dt
import logging

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from syncapp.inbound.counts import tallies
from syncapp.inbound.debounce import schedule
from syncapp.inbound.endpoints import endpoint_for
from syncapp.inbound.models import Event, Refusal, RefusalCount
from syncapp.inbound.receive import MAX_BODY_BYTES
from syncapp.inbound.tasks import prune_events
from syncapp.integrations.models import ConnectionStatus
from tests.kits.inbound import (
    basic,
    deliver,
    forget_debounce,
    make_connection,
    make_sync,
    pipedrive_event,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def vendor():
    """Pipedrive's delivery service: a client without a session, held to CSRF checks."""
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def persons(portal):
    sync = make_sync(make_connection(portal), "persons")
    forget_debounce(sync)
    return sync


@pytest.fixture
def endpoint(persons):
    return endpoint_for(persons.connection)


def test_a_verified_event_is_recorded_and_starts_a_run_of_its_objects_sync(
        vendor, persons, endpoint, broker):
    deals = make_sync(persons.connection, "deals")
    forget_debounce(deals)
    response = deliver(vendor, endpoint, pipedrive_event("person", 7, event_id="ev-1"))
    assert response.status_code == 200
    event = Event.objects.get(endpoint=endpoint)
    assert (event.event_id, event.app_object, event.action, event.record_id) == (
        "ev-1", "persons", "change", "7")
    assert broker() == [(persons.pk, False)]  # at once, and only the persons sync
    endpoint.refresh_from_db()
    assert endpoint.last_event_at is not None


def test_a_duplicate_event_is_counted_and_starts_nothing(vendor, persons, endpoint, broker):
    body = pipedrive_event("person", 7, event_id="ev-dup")
    assert deliver(vendor, endpoint, body).status_code == 200
    forget_debounce(persons)  # so only de-duplication can hold the second one back
    assert deliver(vendor, endpoint, body).status_code == 200
    assert Event.objects.filter(endpoint=endpoint).count() == 1
    assert tallies(endpoint) == {Refusal.DUPLICATE: 1}
    assert broker() == [(persons.pk, False)]


def test_a_burst_starts_one_run_now_and_one_after_the_window(vendor, persons, endpoint,
                                                             broker):
    for record_id in range(5):
        assert deliver(vendor, endpoint, pipedrive_event("person", record_id)).status_code == 200
    # The first run may have read past the later changes: one more at the window's end.
    assert broker() == [(persons.pk, False), (persons.pk, True)]
    assert Event.objects.filter(endpoint=endpoint).count() == 5


def test_debounce_schedules_at_most_one_waiting_run(persons):
    assert schedule(persons.pk) == 0
    later = schedule(persons.pk)
    assert later is not None and 0 < later <= 2
    assert schedule(persons.pk) is None  # the waiting run will read this change too


def test_an_event_of_an_object_without_a_sync_is_recorded_but_runs_nothing(
        vendor, persons, endpoint, broker):
    assert deliver(vendor, endpoint, pipedrive_event("deal", 3)).status_code == 200
    assert broker() == []


def test_a_sync_that_is_off_gets_no_run(vendor, persons, endpoint, broker):
    persons.state = "off"
    persons.save()
    assert deliver(vendor, endpoint, pipedrive_event("person", 1)).status_code == 200
    assert broker() == []


def test_a_sync_still_in_its_initial_sync_gets_no_run(vendor, persons, endpoint, broker):
    persons.initial_done = False  # its initial run reads everything anyway
    persons.save()
    assert deliver(vendor, endpoint, pipedrive_event("person", 1)).status_code == 200
    assert broker() == []


def _stale():
    return pipedrive_event(at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=6))


@pytest.mark.parametrize(("body", "auth", "status", "reason"), [
    (pipedrive_event, "", 401, Refusal.BAD_CREDENTIALS),
    (pipedrive_event, basic("syncapp-x", "guessed"), 401, Refusal.BAD_CREDENTIALS),
    (pipedrive_event, "Bearer something", 401, Refusal.BAD_CREDENTIALS),
    (_stale, None, 401, Refusal.STALE),
    (lambda: b"{not json", None, 400, Refusal.MALFORMED),
    (lambda: b"\xff\xfe", None, 400, Refusal.MALFORMED),
    (lambda: {"data": {"id": 1}}, None, 400, Refusal.MALFORMED),
    (lambda: {"meta": {"id": "e", "action": "merged", "entity": "person", "entity_id": "1",
                       "timestamp": "2026-01-01T00:00:00Z"}}, None, 400, Refusal.MALFORMED),
    (lambda: {"meta": {"id": "e", "action": "change", "entity": "person", "entity_id": "1",
                       "timestamp": "yesterday"}}, None, 400, Refusal.MALFORMED),
    (lambda: b" " * (MAX_BODY_BYTES + 1), None, 413, Refusal.TOO_LARGE),
])
def test_bad_input_is_refused_counted_and_starts_no_run(
        vendor, persons, endpoint, broker, body, auth, status, reason):
    response = deliver(vendor, endpoint, body(), auth=auth)
    assert response.status_code == status
    assert response.json()["message"]
    assert tallies(endpoint) == {reason: 1}
    assert not Event.objects.exists()
    assert broker() == []


def test_bad_credentials_are_logged_and_ask_for_basic_auth(vendor, endpoint, caplog):
    with caplog.at_level(logging.WARNING, logger="syncapp.inbound.receive"):
        response = deliver(vendor, endpoint, pipedrive_event(), auth="")
    assert response["WWW-Authenticate"].startswith("Basic")
    assert any(r.connection_id == endpoint.connection_id for r in caplog.records
               if "credentials" in r.getMessage())


def test_an_unknown_or_disconnected_connection_is_404(vendor, persons, endpoint, broker):
    endpoint.route = "nobody-has-this"
    assert deliver(vendor, endpoint, pipedrive_event()).status_code == 404
    endpoint.refresh_from_db()
    connection = endpoint.connection
    connection.status = ConnectionStatus.DISCONNECTED
    connection.save()
    assert deliver(vendor, endpoint, pipedrive_event()).status_code == 404
    unknown = RefusalCount.objects.get(endpoint=None, reason=Refusal.UNKNOWN_ENDPOINT)
    assert unknown.count == 2
    assert broker() == []


def test_the_endpoint_takes_only_posts(vendor, endpoint):
    url = f"/inbound/pipedrive/{endpoint.route}/"
    assert vendor.get(url).status_code == 405


def test_csrf_is_waived_only_for_the_receiving_endpoints(vendor, persons, endpoint, admin):
    assert deliver(vendor, endpoint, pipedrive_event()).status_code == 200
    vendor.force_login(admin.user)
    assert vendor.post(reverse("syncs:turn_off", args=["pipedrive", persons.pk])).status_code == 403
    persons.refresh_from_db()
    assert persons.is_on


def test_a_flood_drops_the_excess_counts_it_and_still_starts_a_run(
        vendor, persons, endpoint, broker, settings):
    settings.INBOUND_EVENTS_PER_10S = 3
    answers = [deliver(vendor, endpoint, pipedrive_event("person", n)).status_code
               for n in range(7)]
    assert answers == [200] * 7
    assert Event.objects.filter(endpoint=endpoint).count() == 3
    assert tallies(endpoint) == {Refusal.FLOOD: 4}
    assert broker() == [(persons.pk, False), (persons.pk, True)]


def test_events_past_a_day_are_pruned_hourly(vendor, endpoint):
    for event_id in ("old", "new"):
        assert deliver(vendor, endpoint, pipedrive_event(event_id=event_id)).status_code == 200
    Event.objects.filter(event_id="old").update(
        received_at=timezone.now() - dt.timedelta(days=1, minutes=1))
    assert prune_events() == 1
    assert list(Event.objects.values_list("event_id", flat=True)) == ["new"]
