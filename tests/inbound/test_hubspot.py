"""HubSpot's one app-level endpoint: batches signed with the app's client secret
(X-HubSpot-Signature-v3), refused when over 5 minutes old, routed by portalId to every
connection of that HubSpot account."""

import base64
import hashlib
import hmac
import json
import time

import pytest
from django.conf import settings
from django.test import Client

from connectors.hubspot import HubSpotConnector
from connectors.sdk.sandbox.oauth import SANDBOX_CLIENT_SECRET
from syncapp.inbound.counts import tallies
from syncapp.inbound.models import Endpoint, Event, Refusal, RefusalCount
from syncapp.integrations.models import Connection
from syncapp.syncs.configure import create_object_sync
from syncapp.syncs.models import SyncState
from tests.kits.inbound import forget_debounce

pytestmark = pytest.mark.django_db
PATH = "/inbound/hubspot/"


def hubspot_batch(portal_id=42, *events) -> list[dict]:
    now_ms = int(time.time() * 1000)
    return [{"eventId": event_id, "subscriptionId": 7, "portalId": portal_id, "appId": 1,
             "occurredAt": now_ms, "subscriptionType": kind, "attemptNumber": 0,
             "objectId": object_id, "changeSource": "CRM", "propertyName": "email",
             "propertyValue": "never@written.example"}
            for event_id, kind, object_id in events or [(1, "contact.propertyChange", 501)]]


def post_signed(client, body, *, secret=SANDBOX_CLIENT_SECRET, age_s=0.0, signature=None):
    """POST as HubSpot does: v3 = base64(HMAC-SHA256(secret, method + URI + body + ts))."""
    raw = json.dumps(body).encode()
    timestamp = str(int((time.time() - age_s) * 1000))
    source = b"POST" + (settings.SITE_URL + PATH).encode() + raw + timestamp.encode()
    if signature is None:
        signature = base64.b64encode(
            hmac.new(secret.encode(), source, hashlib.sha256).digest()).decode()
    return client.post(PATH, raw, content_type="application/json",
                       HTTP_X_HUBSPOT_SIGNATURE_V3=signature,
                       HTTP_X_HUBSPOT_REQUEST_TIMESTAMP=timestamp)


def hubspot_sync(portal, app_object="contacts", account_id="42"):
    connection = Connection.objects.get_or_create(
        portal=portal, app_key="hubspot", account_id=account_id,
        defaults={"account_name": f"Portal {account_id}"})[0]
    sync = create_object_sync(connection, app_object, HubSpotConnector, state=SyncState.ON,
                              initial_done=True)
    forget_debounce(sync)
    return sync


@pytest.fixture
def vendor():
    return Client(enforce_csrf_checks=True)


def test_a_signed_batch_is_recorded_per_object_and_runs_its_syncs(portal, vendor, broker):
    contacts, deals = hubspot_sync(portal), hubspot_sync(portal, "deals")
    body = hubspot_batch(42, (1, "contact.propertyChange", 501), (2, "deal.creation", 9),
                         (3, "contact.deletion", 502))
    assert post_signed(vendor, body).status_code == 200
    events = Event.objects.order_by("event_id").values_list("app_object", "action",
                                                            "record_id")
    assert list(events) == [("contacts", "change", "501"), ("deals", "create", "9"),
                            ("contacts", "delete", "502")]
    assert sorted(broker()) == sorted([(contacts.pk, False), (deals.pk, False)])


def test_an_account_connected_in_two_portals_reaches_both(portal, other_portal, vendor,
                                                         broker):
    ours, theirs = hubspot_sync(portal), hubspot_sync(other_portal)
    assert post_signed(vendor, hubspot_batch()).status_code == 200
    assert Event.objects.filter(endpoint__connection__portal=portal).count() == 1
    assert Event.objects.filter(endpoint__connection__portal=other_portal).count() == 1
    assert sorted(broker()) == sorted([(ours.pk, False), (theirs.pk, False)])


def installation_tally(reason) -> int:
    row = RefusalCount.objects.filter(endpoint=None, reason=reason).first()
    return row.count if row else 0


@pytest.mark.parametrize(("kwargs", "reason"), [
    ({"secret": "another-apps-secret"}, Refusal.BAD_CREDENTIALS),
    ({"signature": ""}, Refusal.BAD_CREDENTIALS),
    ({"age_s": 301}, Refusal.STALE),
])
def test_a_bad_or_old_signature_is_refused_and_counted(portal, vendor, broker, kwargs,
                                                       reason):
    hubspot_sync(portal)
    response = post_signed(vendor, hubspot_batch(), **kwargs)
    assert response.status_code == 401
    assert installation_tally(reason) == 1
    assert not Event.objects.exists()
    assert broker() == []


def test_a_body_that_is_not_a_batch_is_400(portal, vendor, broker):
    hubspot_sync(portal)
    assert post_signed(vendor, {"portalId": 42}).status_code == 400
    assert installation_tally(Refusal.MALFORMED) == 1
    assert broker() == []


def test_an_unknown_portal_is_404(portal, vendor, broker):
    hubspot_sync(portal)
    assert post_signed(vendor, hubspot_batch(999)).status_code == 404
    assert installation_tally(Refusal.UNKNOWN_ENDPOINT) == 1
    assert broker() == []


def test_a_duplicate_batch_is_counted_on_the_connection(portal, vendor, broker):
    sync = hubspot_sync(portal)
    assert post_signed(vendor, hubspot_batch()).status_code == 200
    assert post_signed(vendor, hubspot_batch()).status_code == 200
    endpoint = Endpoint.objects.get(connection=sync.connection)
    assert tallies(endpoint) == {Refusal.DUPLICATE: 1}
    assert Event.objects.count() == 1


def test_apps_with_per_account_credentials_have_no_app_endpoint(vendor):
    assert vendor.post("/inbound/pipedrive/", b"[]",
                       content_type="application/json").status_code == 404
