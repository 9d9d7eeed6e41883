"""Salesforce through the shared conformance suite, against its sandbox over real HTTP.

Salesforce publishes no OpenAPI description, so `prism_specs` stays empty;
test_contract.py holds the contract in its place: simple-salesforce driving the
sandbox and its answers compared with the shapes Salesforce documents.
"""

import uuid

import pytest

from connectors.salesforce import SalesforceConnector
from connectors.sdk import ConnectorError, ErrorCategory
from tests.connectors.conformance_kit import ConnectorConformance

LOGIN = "admin@globex.example"


def _tag() -> str:
    return uuid.uuid4().hex[:8]


# object -> (new values for record n, changed values, values Salesforce refuses)
VALUES = {
    "Contact": (lambda n: {"Email": f"new{n}.{_tag()}@example.com", "FirstName": f"New{n}",
                           "LastName": "Person", "Birthdate": "1990-05-17"},
                {"Phone": "+1 555 0199", "Title": "Director"},
                {"LastName": "Bad", "Email": "not-an-email"}),
    "Lead": (lambda n: {"Email": f"lead{n}.{_tag()}@example.com", "LastName": f"Lead{n}",
                        "Company": "Leads Inc"},
             {"Status": "Working - Contacted", "Title": "Buyer"},
             {"LastName": "No company"}),
    "Account": (lambda n: {"Name": f"New Co {n} {_tag()}", "NumberOfEmployees": "42",
                           "AnnualRevenue": "1000000.5"},
                {"BillingCity": "Lisbon", "NumberOfEmployees": "43"},
                {"Name": "Bad Co", "NumberOfEmployees": "many"}),
    "Opportunity": (lambda n: {"Name": f"Deal {n} {_tag()}", "CloseDate": "2027-01-15",
                               "Amount": "1500.5"},
                    {"Amount": "2000", "StageName": "Closed Won"},
                    {"Name": "Negative", "CloseDate": "2027-01-15", "Amount": "-5"}),
    "Product2": (lambda n: {"Name": f"Product {n} {_tag()}", "ProductCode": f"P-{_tag()}"},
                 {"Description": "Now cheaper", "IsActive": "true"},
                 {"ProductCode": "NO-NAME"}),
    "Case": (lambda n: {"Subject": f"Case {n} {_tag()}", "Origin": "Web"},
             {"Status": "Escalated", "Priority": "Low"},
             {"Subject": "Odd", "Status": "Nowhere"}),
    "Task": (lambda n: {"Subject": f"Task {n}", "ActivityDate": "2026-12-20"},
             {"Status": "Completed", "Priority": "Low"},
             {"Subject": "Due whenever", "ActivityDate": "next tuesday"}),
    "Event": (lambda n: {"Subject": f"Meeting {n}", "StartDateTime": "2026-12-03T15:00:00Z",
                         "EndDateTime": "2026-12-03T16:00:00Z"},
              {"Location": "Room 4"},
              {"Subject": "Never ends", "StartDateTime": "2026-12-03T15:00:00Z"}),
}


class TestSalesforceConformance(ConnectorConformance):
    connector_cls = SalesforceConnector
    login = LOGIN
    objects_under_test = tuple(VALUES)
    values = VALUES

    def test_retry_after_is_honoured(self, connector, sandbox, object_name):
        """Salesforce has no short-window limit answered with Retry-After: its limit is
        the org's rolling 24-hour total, refused with 403 REQUEST_LIMIT_EXCEEDED, which
        pauses the run for an hour instead of sleeping a worker."""
        waits = []
        connector.http.sleep = waits.append
        connector.read_changes(object_name, None, limit=1)
        sandbox.rate = (1, 86_400.0)
        try:
            connector.read_changes(object_name, None, limit=1)
            with pytest.raises(ConnectorError) as raised:
                connector.read_changes(object_name, None, limit=1)
        finally:
            sandbox.rate = None
        assert raised.value.category is ErrorCategory.RATE_LIMITED
        assert "REQUEST_LIMIT_EXCEEDED" in raised.value.vendor_message
        assert raised.value.retry_after >= 3600
        assert waits == []
