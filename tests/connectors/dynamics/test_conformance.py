"""Microsoft Dynamics 365 through the shared conformance suite.

Microsoft publishes no OpenAPI or CSDL that Prism could load (each environment
serves its own $metadata), so instead of Prism every request and response of
these tests is checked against the Dataverse shapes written down in
connectors/dynamics/contract.py; a violation fails the test.
"""

import uuid

import pytest

from connectors.dynamics import DynamicsConnector
from connectors.dynamics.contract import ContractLog
from connectors.dynamics.spec import ENTITIES
from connectors.sdk import HttpClient, OAuth2Auth
from tests.connectors.conformance_kit import ConnectorConformance
from tests.kits.sandbox import oauth_client

WHEN = "2026-12-01T10:00:00Z"
LATER = "2026-12-01T11:00:00Z"


def _new(object_name: str, n: int) -> dict:
    tag = uuid.uuid4().hex[:8]
    return {
        "contacts": {"emailaddress1": f"new.{tag}.{n}@conformance.example", "firstname": "New",
                     "lastname": f"Person {n}", "birthdate": "1990-01-02",
                     "donotemail": "false", "new_loyaltytier": "100000001"},
        "accounts": {"name": f"Conformance Co {tag} {n}", "websiteurl": "https://c.example",
                     "numberofemployees": "12", "revenue": "1000.5", "industrycode": "7"},
        "leads": {"subject": f"Lead {n}", "lastname": f"Lead {n}",
                  "emailaddress1": f"lead.{tag}.{n}@conformance.example",
                  "companyname": "Conformance Ltd", "new_leadscore": "40"},
        "opportunities": {"name": f"Deal {tag} {n}", "estimatedvalue": "1500.25",
                          "estimatedclosedate": "2027-01-31", "salesstage": "1"},
        "products": {"name": f"Product {tag} {n}", "productnumber": f"CONF-{tag}-{n}",
                     "price": "9.99", "new_warrantymonths": "24"},
        "invoices": {"name": f"INV-CONF-{tag}-{n}", "duedate": "2027-02-01"},
        "incidents": {"title": f"Case {tag} {n}", "prioritycode": "2"},
        "phonecalls": {"subject": f"Call {n}", "scheduledend": WHEN, "directioncode": "true",
                       "actualdurationminutes": "15"},
        "emails": {"subject": f"Email {n}", "description": "Hello", "actualend": WHEN},
        "tasks": {"subject": f"Task {n}", "scheduledend": WHEN, "prioritycode": "2",
                  "new_effortestimate": "2.5"},
        "appointments": {"subject": f"Meeting {n}", "scheduledstart": WHEN,
                         "scheduledend": LATER, "location": "Room 1"},
        "annotations": {"subject": "Note", "notetext": f"Note {tag} {n}"},
    }[object_name]


CHANGED = {
    "contacts": {"firstname": "Changed", "telephone1": "+1 555 0199"},
    "accounts": {"name": "Renamed Co", "revenue": "2500000"},
    "leads": {"companyname": "Renamed Ltd"},
    "opportunities": {"estimatedvalue": "999.5", "estimatedclosedate": "2027-03-01"},
    "products": {"price": "10.5", "description": "Changed"},
    "invoices": {"duedate": "2027-03-15"},
    "incidents": {"title": "Changed case", "prioritycode": "1"},
    "phonecalls": {"subject": "Changed call", "directioncode": "false"},
    "emails": {"subject": "Changed email"},
    "tasks": {"scheduledend": LATER},
    "appointments": {"location": "Room 2"},
    "annotations": {"notetext": "Changed note"},
}

# What Dataverse refuses: a choice outside its options, a word for a whole
# number, and otherwise text longer than the column allows.
INVALID = {
    "contacts": {"lastname": "Bad", "new_loyaltytier": "7"},
    "accounts": {"name": "Bad", "numberofemployees": "many"},
    "leads": {"subject": "x" * 301},
    "opportunities": {"name": "x" * 301},
    "products": {"name": "x" * 101},
    "invoices": {"name": "x" * 301},
    "incidents": {"title": "x" * 201},
    "phonecalls": {"subject": "x" * 201},
    "emails": {"subject": "x" * 201},
    "tasks": {"subject": "x" * 201},
    "appointments": {"subject": "x" * 201},
    "annotations": {"subject": "x" * 501},
}


class TestDynamicsConformance(ConnectorConformance):
    connector_cls = DynamicsConnector
    login = "admin@contoso.example"
    objects_under_test = tuple(ENTITIES)
    prism_specs = {}  # no published spec: contract.py stands in (see the module docstring)

    def new_values(self, object_name: str, n: int) -> dict:
        return _new(object_name, n)

    def changed_values(self, object_name: str) -> dict:
        return CHANGED[object_name]

    def invalid_values(self, object_name: str) -> dict:
        return INVALID[object_name]

    @pytest.fixture
    def contract(self):
        log = ContractLog()
        yield log
        log.assert_clean()

    @pytest.fixture
    def connector(self, store, sandbox_root, api_bases, contract, request):
        """A connector made the way the product makes one: the account is identified
        when the connection is made (its instance URL kept), and the table's
        columns are read when the object sync is set up."""
        auth = OAuth2Auth(oauth_client(self.connector_cls, sandbox_root), store)
        http = HttpClient(auth=auth, session=contract.session(), sleep=lambda s: None)
        first = self.connector_cls(http, api_bases=api_bases, account=store.token.extra)
        account = first.account_info().extra
        connector = self.connector_cls(http, api_bases=api_bases, account=account)
        callspec = getattr(request.node, "callspec", None)
        if callspec and "object_name" in callspec.params:
            connector.fields(callspec.params["object_name"])
        return connector

    def test_custom_fields_are_discovered(self, connector, object_name):
        if ENTITIES[object_name].customizable:
            super().test_custom_fields_are_discovered(connector, object_name)
        else:
            # Notes take no custom columns (CanCreateAttributes is false): none asked for.
            assert connector.discover_fields(object_name) == ()
