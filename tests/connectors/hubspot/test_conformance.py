"""HubSpot through the shared conformance suite, against its sandbox over real HTTP.

HubSpot publishes no spec we may use (shared/specs/README.md), so `prism_specs`
stays empty; test_hubspot_contract.py holds the contract in its place: HubSpot's
official Python client parsing every answer the sandbox gives.
"""

import uuid
from contextlib import contextmanager
from dataclasses import replace

import pytest
import requests

from connectors.hubspot import HubSpotConnector
from connectors.hubspot.sandbox import HubSpotSandbox
from connectors.hubspot.spec import object_spec
from connectors.sdk import HttpClient, OAuth2Auth
from tests.connectors.conformance_kit import ConnectorConformance
from tests.kits.sandbox import MemoryTokenStore, consent, oauth_client, sandbox_server

ACME = "admin@acmecorp.example"


def _tag() -> str:
    return uuid.uuid4().hex[:8]


# object -> (new values for record n, changed values, values HubSpot refuses)
VALUES = {
    "contacts": (
        lambda n: {"email": f"new.person{n}.{_tag()}@example.com", "firstname": f"New{n}",
                   "lastname": "Person", "date_of_birth": "1990-05-17"},
        {"phone": "+1 555 0100", "lifecyclestage": "customer"},
        {"email": "not-an-email"},
    ),
    "companies": (
        lambda n: {"name": f"New Co {n} {_tag()}", "domain": f"newco{n}.example",
                   "annualrevenue": "1000000.5"},
        {"city": "Lisbon", "numberofemployees": "42"},
        {"name": "Bad Co", "numberofemployees": "many"},
    ),
    "deals": (
        lambda n: {"dealname": f"Deal {n} {_tag()}", "dealstage": "qualifiedtobuy",
                   "amount": "1500.5", "closedate": "2027-01-15"},
        {"amount": "2000", "closedate": "2027-02-01"},
        {"dealname": "Nowhere deal", "dealstage": "nowhere"},
    ),
    "products": (
        lambda n: {"name": f"Product {n} {_tag()}", "hs_sku": f"NEW-{n}-{_tag()}",
                   "price": "12.5"},
        {"price": "15", "description": "Now cheaper"},
        {"name": "Bad product", "price": "cheap"},
    ),
    "tickets": (
        lambda n: {"subject": f"Ticket {n} {_tag()}", "hs_pipeline": "0",
                   "hs_pipeline_stage": "1"},
        {"hs_ticket_priority": "HIGH", "hs_pipeline_stage": "3"},
        {"subject": "A ticket without a status"},
    ),
    "calls": (
        lambda n: {"hs_call_title": f"Call {n}", "hs_timestamp": "2026-11-01T10:00:00Z",
                   "hs_call_duration": "60000"},
        {"hs_call_direction": "INBOUND", "hs_timestamp": "2026-11-02T09:30:00Z"},
        {"hs_call_title": "A call that never happened"},
    ),
    "emails": (
        lambda n: {"hs_email_subject": f"Email {n}", "hs_timestamp": "2026-11-01T10:00:00Z"},
        {"hs_email_direction": "INCOMING_EMAIL"},
        {"hs_email_subject": "Undated"},
    ),
    "tasks": (
        lambda n: {"hs_task_subject": f"Task {n}", "hs_timestamp": "2026-12-01T09:00:00Z",
                   "hs_task_status": "NOT_STARTED"},
        {"hs_task_status": "COMPLETED", "hs_task_priority": "LOW"},
        {"hs_task_subject": "Due whenever", "hs_timestamp": "next tuesday"},
    ),
    "notes": (
        lambda n: {"hs_note_body": f"Note {n}", "hs_timestamp": "2026-11-01T10:00:00Z"},
        {"hs_note_body": "Edited note"},
        {"hs_note_body": "No date"},
    ),
    "meetings": (
        # No hs_timestamp, as the hub's meetings: the connector fills it from the start.
        lambda n: {"hs_meeting_title": f"Meeting {n}",
                   "hs_meeting_start_time": "2026-12-03T15:00:00Z",
                   "hs_meeting_end_time": "2026-12-03T16:00:00Z"},
        {"hs_meeting_location": "Room 4", "hs_meeting_outcome": "COMPLETED"},
        {"hs_meeting_title": "Never", "hs_meeting_outcome": "MAYBE"},
    ),
    "line_items": (
        lambda n: {"name": f"Line {n}", "quantity": "2", "price": "10"},
        {"quantity": "3", "discount": "1.5"},
        {"name": "Bad line", "quantity": "lots"},
    ),
}


class HubSpotValues:
    connector_cls = HubSpotConnector
    login = ACME
    values = VALUES


class TestHubSpotConformance(HubSpotValues, ConnectorConformance):
    objects_under_test = ("contacts", "companies", "deals", "products", "tickets", "calls",
                          "emails", "tasks", "notes", "meetings")


class TestHubSpotLineItems(HubSpotValues, ConnectorConformance):
    """Line items: served by the connector, not offered for pairing (no hub type yet)."""

    objects_under_test = ("line_items",)

    def test_default_mappings_name_real_fields_and_hub_properties(self, object_name):
        pytest.skip("the hub has no line-item type: line items carry deal-product links only")

    def test_line_items_are_not_offered_for_pairing(self, object_name):
        spec = self.connector_cls.spec
        assert object_name not in {o.name for o in spec.objects}
        assert not object_spec(object_name).default_mappings


# --- shared by the HubSpot test modules (plain functions: importing them is safe) -----


@contextmanager
def running_sandbox(**options):
    """A fresh HubSpot sandbox on a real port: yields (sandbox, root URL)."""
    sandbox = HubSpotSandbox(**options)
    with sandbox_server(sandbox) as root:
        yield sandbox, root


def make_connector(root: str, login: str = ACME, *, session=None, sleep=None, scopes=None):
    """A connector with a token obtained the real way; returns (connector, token store)."""
    client = oauth_client(HubSpotConnector, root)
    if scopes is not None:
        client.spec = replace(client.spec, scopes=tuple(scopes))
    callback = consent(client, login)
    store = MemoryTokenStore(client.exchange_code(callback["code"], callback["_verifier"]))
    http = HttpClient(auth=OAuth2Auth(client, store), session=session or requests.Session(),
                      sleep=sleep or (lambda seconds: None))
    return HubSpotConnector(http, api_bases=HubSpotConnector.sandbox_bases(root)), store
