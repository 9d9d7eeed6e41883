"""Pipedrive against its sandbox, through Prism with Pipedrive's published v2 and v1 specs."""

import pytest

from connectors.pipedrive import PipedriveConnector
from tests.connectors.conformance import ConnectorConformance
from tests.connectors.harness import SPECS, ViolationLog

NEW = {
    "persons": lambda n: {"first_name": f"Test{n}", "last_name": "Person",
                          "email": f"test{n}.person@example.com", "phone": "+1 555 0100"},
    "organizations": lambda n: {"name": f"Test Org {n}", "website": "https://test.example",
                                "employee_count": "12"},
    "deals": lambda n: {"title": f"Test deal {n}", "value": "1200.5",
                        "expected_close_date": "2027-01-31", "org_id": "1"},
    "products": lambda n: {"name": f"Test product {n}", "code": f"TEST-{n}", "price": "19.99",
                           "cost": "5"},
    "activities": lambda n: {"subject": f"Test task {n}", "type": "task",
                             "due_at": "2027-01-15T09:30:00Z", "note": "Bring coffee"},
    "notes": lambda n: {"content": f"<p>Test note {n}</p>", "person_id": "1"},
}
CHANGED = {
    "persons": {"last_name": "Renamed", "phone": "+1 555 0199"},
    "organizations": {"name": "Renamed Org", "address_locality": "Lisbon"},
    "deals": {"value": "999", "status": "won"},
    "products": {"price": "25", "description": "Changed"},
    "activities": {"done": "true", "due_at": "2027-02-01T10:00:00Z"},
    "notes": {"content": "<p>Changed</p>"},
}
# What Pipedrive refuses although the published spec allows it (so Prism lets it by).
INVALID = {
    "persons": {"email": "nameless@example.com"},  # a person needs a name
    "organizations": {"name": "   "},
    "deals": {"title": "Bad deal", "status": "pending"},
    "products": {"name": " "},
    "activities": {"subject": "Bad", "type": "no_such_type"},
    "notes": {"content": "<p>Attached to nothing</p>"},  # a note must hang off a record
}


# Pipedrive answers null for a value that is not set (a person without an
# organization, a deal not yet won, …) and takes null to clear one, but the
# published specs declare these properties non-nullable. Field -> the type the
# spec gives it. Only a null-shaped message is forgiven: the sandbox itself
# refuses a wrongly typed value the way v2 does, so such bugs still fail.
NULL_IN_PRACTICE = {
    **dict.fromkeys(("org_id", "person_id", "deal_id", "project_id", "picture_id", "priority",
                     "industry"), "integer"),
    **dict.fromkeys(("last_name", "job_title", "birthday", "notes", "note", "code", "unit",
                     "description", "expected_close_date", "won_time", "lost_time", "due_date",
                     "due_time", "duration", "marked_as_done_time", "public_description",
                     "lead_id"), "string"),
    **dict.fromkeys(("postal_address", "address", "location", "deal", "organization",
                     "person", "project"), "object"),
}


class NullTolerantViolations(ViolationLog):
    def _known(self, violation: dict) -> bool:
        location = [str(part) for part in violation.get("location", [])]
        kind = NULL_IN_PRACTICE.get(location[-1]) if location else None
        if kind and violation.get("message", "").endswith(f"must be {kind}"):
            return True
        return super()._known(violation)


class TestPipedriveConformance(ConnectorConformance):
    connector_cls = PipedriveConnector
    login = "admin@northwind.example"
    objects_under_test = ("persons", "organizations", "deals", "products", "activities", "notes")
    prism_specs = {
        "v2": SPECS / "pipedrive" / "pipedrive-api-v2.yaml",
        "v1": SPECS / "pipedrive" / "pipedrive-api-v1.yaml",
    }
    known_defects = {
        ("additional_data.next_cursor", "must be string"):
            "v2 lists answer next_cursor: null on the last page (the spec's own description "
            "says so) but declare it a non-nullable string",
    }

    @pytest.fixture(scope="class")
    def violations(self):
        return NullTolerantViolations(known_defects=dict(self.known_defects))

    def new_values(self, object_name: str, n: int) -> dict:
        return NEW[object_name](n)

    def changed_values(self, object_name: str) -> dict:
        return dict(CHANGED[object_name])

    def invalid_values(self, object_name: str) -> dict:
        return dict(INVALID[object_name])

    def test_custom_fields_are_discovered(self, connector, object_name):
        if object_name not in {"activities", "notes"}:
            super().test_custom_fields_are_discovered(connector, object_name)
            return
        # Pipedrive has custom fields on deals, organizations, persons and products only
        # (pipedrive.readme.io/docs/core-api-concepts-custom-fields): none to discover,
        # and no fields call is spent on asking.
        assert not any(field.custom for field in connector.fields(object_name))
        assert connector.read_changes(object_name, None, limit=1).records
