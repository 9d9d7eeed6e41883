"""The sync page says whether changes come in real time, and why not, in English and
Portuguese, with the deliveries its connection refused."""

import datetime as dt
import html
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from connectors.dynamics.connector import DynamicsConnector
from connectors.hubspot import HubSpotConnector
from syncapp.inbound.counts import count
from syncapp.inbound.endpoints import endpoint_for
from syncapp.inbound.models import Endpoint, Refusal, Subscription
from syncapp.integrations.models import Connection
from syncapp.syncs.configure import create_object_sync
from syncapp.syncs.models import SyncState
from tests.kits.inbound import make_connection, make_sync

pytestmark = pytest.mark.django_db


def realtime_line(client, sync, language: str = "en") -> str:
    page = client.get(reverse("syncs:detail", args=[sync.connection.app_key, sync.pk]),
                      HTTP_ACCEPT_LANGUAGE=language)
    assert page.status_code == 200
    found = re.search(r'<p class="page-subtitle" id="realtime-status">(.*?)</p>',
                      page.content.decode(), re.S)
    return html.unescape(found.group(1)) if found else ""


@pytest.fixture
def persons(portal):
    return make_sync(make_connection(portal), "persons")


def registered(sync, last_event_ago: dt.timedelta | None = None):
    endpoint = endpoint_for(sync.connection)
    Subscription.objects.create(portal=sync.portal, endpoint=endpoint,
                                app_object=sync.app_object, vendor_id="9")
    if last_event_ago is not None:
        Endpoint.objects.filter(pk=endpoint.pk).update(
            last_event_at=timezone.now() - last_event_ago)
    return endpoint


def test_on_with_the_age_of_the_last_event(admin_client, persons):
    registered(persons, dt.timedelta(hours=2, minutes=5))
    assert realtime_line(admin_client, persons) == "Real-time: on · last event 2 h ago"
    assert realtime_line(admin_client, persons, "pt-BR") == (
        "Tempo real: ligado · último evento há 2 h")


def test_on_before_any_event(admin_client, persons):
    registered(persons)
    assert realtime_line(admin_client, persons) == "Real-time: on · no event yet"


def test_off_when_pipedrive_refused_the_webhook(admin_client, persons):
    endpoint = endpoint_for(persons.connection)
    Endpoint.objects.filter(pk=endpoint.pk).update(
        off_reason="Pipedrive refused the webhook (Webhooks limit reached); changes arrive "
                   "by polling.")
    assert realtime_line(admin_client, persons) == (
        "Real-time: off — Pipedrive refused the webhook (Webhooks limit reached); changes "
        "arrive by polling.")


def test_off_while_not_registered_and_when_the_sync_is_off(admin_client, persons):
    assert realtime_line(admin_client, persons) == (
        "Real-time: off — the webhook is not registered yet; changes arrive by polling.")
    registered(persons)
    persons.state = SyncState.OFF
    persons.save()
    assert realtime_line(admin_client, persons) == "Real-time: off — the sync is off."


def test_dynamics_is_off_until_its_webhook_is_registered(admin_client, portal):
    connection = Connection.objects.create(portal=portal, app_key="dynamics", account_id="org1",
                                           account_name="Org 1")
    sync = create_object_sync(connection, "contacts", DynamicsConnector, state=SyncState.ON)
    assert realtime_line(admin_client, sync) == (
        "Real-time: off — the webhook is not registered yet; changes arrive by polling.")
    registered(sync, dt.timedelta(seconds=12))
    assert realtime_line(admin_client, sync) == "Real-time: on · last event 12 s ago"


def test_hubspot_is_on_once_its_app_level_webhooks_arrive(admin_client, portal):
    connection = Connection.objects.create(portal=portal, app_key="hubspot", account_id="42",
                                           account_name="Portal 42")
    sync = create_object_sync(connection, "contacts", HubSpotConnector, state=SyncState.ON)
    assert realtime_line(admin_client, sync) == (
        "Real-time: off — no webhook from HubSpot yet (the app's webhook target is "
        f"{settings.SITE_URL}/inbound/hubspot/); changes arrive by polling.")
    endpoint = endpoint_for(connection)
    Endpoint.objects.filter(pk=endpoint.pk).update(
        last_event_at=timezone.now() - dt.timedelta(minutes=3, seconds=5))
    assert realtime_line(admin_client, sync) == "Real-time: on · last event 3 min ago"


def test_refused_deliveries_are_counted_on_the_page(admin_client, persons):
    endpoint = registered(persons)
    count(endpoint, Refusal.BAD_CREDENTIALS)
    count(endpoint, Refusal.BAD_CREDENTIALS)
    count(endpoint, Refusal.TOO_LARGE)
    count(endpoint, Refusal.DUPLICATE)  # a vendor's normal repeat: not shown
    line = realtime_line(admin_client, persons)
    assert line.endswith("· Deliveries refused: Bad or missing credentials (2), "
                         "Body over 1 MB (1)")


def test_off_when_real_time_is_switched_off_for_the_installation(admin_client, persons,
                                                                  settings):
    registered(persons, dt.timedelta(seconds=5))
    settings.INBOUND_REAL_TIME = False
    assert realtime_line(admin_client, persons) == (
        "Real-time: off — real time is switched off on this installation; changes arrive "
        "by polling.")
    assert realtime_line(admin_client, persons, "pt-BR") == (
        "Tempo real: desligado — o tempo real está desligado nesta instalação; as mudanças "
        "chegam por consulta periódica.")
