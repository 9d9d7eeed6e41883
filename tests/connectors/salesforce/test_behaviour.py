"""The Salesforce quirks the connector handles, against the sandbox (BEHAVIOR.md)."""

import pytest

from connectors.salesforce.client import item_error, limit_info, read_error
from connectors.sdk import AssociationRecord, ErrorCategory
from connectors.sdk.usage import ApiUsage
from tests.connectors.salesforce.kit import make_connector


@pytest.fixture
def org(sandbox):
    return sandbox.accounts["00DRO0000001"]


def _drain(connector, object_name, cursor=None, limit=200):
    records = []
    while True:
        page = connector.read_changes(object_name, cursor, limit)
        records.extend(page.records)
        cursor = page.cursor
        if page.done:
            return records, cursor


@pytest.mark.parametrize(("code", "category"), [
    ("DUPLICATE_VALUE", ErrorCategory.DUPLICATE),
    ("REQUIRED_FIELD_MISSING", ErrorCategory.REQUIRED_MISSING),
    ("FIELD_CUSTOM_VALIDATION_EXCEPTION", ErrorCategory.REJECTED),
    ("INVALID_FIELD", ErrorCategory.INVALID_VALUE),
    ("INVALID_EMAIL_ADDRESS", ErrorCategory.INVALID_VALUE),
    ("INVALID_FIELD_FOR_INSERT_UPDATE", ErrorCategory.READ_ONLY),
    ("ENTITY_IS_DELETED", ErrorCategory.NOT_FOUND),
    ("SOMETHING_NEW", ErrorCategory.UNKNOWN),
])
def test_per_record_status_codes_map_to_the_products_categories(code, category):
    error = item_error({"success": False, "errors": [
        {"statusCode": code, "message": "it said no", "fields": ["Email"]}]})
    assert error.category is category
    assert error.vendor_message == f"{code}: it said no (fields: Email)"
    assert error.field == "Email"


def test_request_errors_keep_salesforces_code_and_message():
    category, message = read_error(403, [{"message": "TotalRequests Limit exceeded.",
                                          "errorCode": "REQUEST_LIMIT_EXCEEDED"}])
    assert category is ErrorCategory.RATE_LIMITED
    assert message == "REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded."
    assert read_error(401, [{"message": "Session expired or invalid",
                             "errorCode": "INVALID_SESSION_ID"}])[0] is ErrorCategory.AUTH_EXPIRED


def test_limit_info_is_read_with_or_without_a_per_app_part():
    assert limit_info({"Sforce-Limit-Info": "api-usage=18/5000"}) == ApiUsage(18, 5000)
    assert limit_info({"sforce-limit-info": "api-usage=25/5000; per-app-api-usage=17/250("
                       "appName=sample-connected-app)"}) == ApiUsage(25, 5000)
    assert limit_info({"Content-Type": "application/json"}) is None


def test_a_batch_of_mixed_records_fails_only_the_bad_ones_with_their_categories(root, org):
    connector, _store = make_connector(root)
    outcomes = connector.create("Contact", [
        ("ok", {"LastName": "Fine", "Email": "fine@example.com"}),
        ("dup", {"LastName": "Twin", "External_Id__c": "EXT-0"}),
        ("missing", {"Email": "nolastname@example.com"}),
        ("email", {"LastName": "Bad", "Email": "bad"}),
    ])
    assert [o.ref for o in outcomes] == ["ok", "dup", "missing", "email"]
    assert outcomes[0].ok and outcomes[0].record.values["Email"] == "fine@example.com"
    assert outcomes[0].record.modified_at is not None  # read back for its SystemModstamp
    assert [o.error.category for o in outcomes[1:]] == [
        ErrorCategory.DUPLICATE, ErrorCategory.REQUIRED_MISSING, ErrorCategory.INVALID_VALUE]
    rejected = connector.create("Opportunity", [("neg", {"Name": "N", "CloseDate": "2027-01-01",
                                                         "Amount": "-1"})])
    assert rejected[0].error.category is ErrorCategory.REJECTED
    assert "Amount cannot be negative." in rejected[0].error.vendor_message


def test_records_sharing_one_systemmodstamp_are_never_lost_between_pages(root, org, sandbox):
    connector, _store = make_connector(root)
    _records, cursor = _drain(connector, "Contact")
    for n in range(450):  # one stamp for all: the Id breaks the tie
        org.create("Contact", {"LastName": f"Tie{n}"})
    stamp = "2026-12-06T12:00:00.000+0000"
    for record in org.data["Contact"].values():
        record["SystemModstamp"] = stamp if record["LastName"].startswith("Tie") else \
            record["SystemModstamp"]
    page = connector.read_changes("Contact", None, 200)
    assert not page.done and len(page.records) == 200
    sandbox.locators.clear()  # the locator expired: the pass resumes after the last record
    rest, _ = _drain(connector, "Contact", page.cursor)
    ids = [r.id for r in page.records + rest]
    assert len(ids) == len(set(ids)) == len(org.data["Contact"])
    assert cursor


def test_the_allowed_share_of_the_daily_budget_stops_calls_with_a_clear_message(root, org):
    connector, _store = make_connector(root)
    connector.read_changes("Contact", None)
    assert connector.http.usage.limit == org.api_limit
    org.api_limit = len(org.calls) + 2
    connector.http.budget_share = 0.5
    with pytest.raises(Exception) as stopped:  # noqa: PT011 - checked below
        connector.read_changes("Account", None)
    assert stopped.value.category is ErrorCategory.RATE_LIMITED
    assert stopped.value.retry_after == 3600
    assert "API calls used in the last 24 h" in stopped.value.vendor_message


def test_a_spent_daily_total_pauses_with_request_limit_exceeded(root, org):
    connector, _store = make_connector(root)
    org.api_limit = len(org.calls)
    with pytest.raises(Exception) as refused:  # noqa: PT011 - checked below
        connector.read_changes("Contact", None)
    assert refused.value.category is ErrorCategory.RATE_LIMITED
    assert refused.value.retry_after == 3600


def test_associations_are_lookup_fields_read_and_written_on_the_record(root, org):
    connector, _store = make_connector(root)
    account = next(iter(org.data["Account"]))
    contact = connector.create("Contact", [("c", {"LastName": "Linked"})])[0].record.id
    written = connector.write_associations("Contact", "Account", [
        AssociationRecord(contact, account)])
    assert written[0].ok, written[0].error
    assert connector.read_associations("Contact", [contact], "Account") == [
        AssociationRecord(contact, account, primary=True)]
    (refused,) = connector.write_associations("Contact", "Account", [
        AssociationRecord(contact, "001RO0000000999AAA")])
    assert refused.error.category is ErrorCategory.ASSOCIATION_FAILED
    assert "INVALID_CROSS_REFERENCE_KEY" in refused.error.vendor_message
