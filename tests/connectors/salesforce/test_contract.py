"""The sandbox driven by simple-salesforce, the Python client written against the real
API, and its answers compared with the shapes Salesforce documents (BEHAVIOR.md links)."""

import datetime as dt

import pytest
from simple_salesforce.exceptions import SalesforceMalformedRequest, SalesforceResourceNotFound

from tests.connectors.salesforce.kit import simple_salesforce

SAVE_RESULT = {"id", "success", "errors"}


@pytest.fixture
def sf(root):
    return simple_salesforce(root)


def test_query_answers_the_documented_page_and_query_all_follows_next_records_url(sf, sandbox):
    org = next(iter(sandbox.accounts.values()))
    for n in range(450):
        org.create("Contact", {"LastName": f"Bulk{n}"})
    first = sf.query("SELECT Id, LastName FROM Contact ORDER BY SystemModstamp, Id",
                     headers={"Sforce-Query-Options": "batchSize=200"})
    assert set(first) == {"totalSize", "done", "nextRecordsUrl", "records"}
    assert first["done"] is False and first["totalSize"] == 454
    assert first["nextRecordsUrl"].startswith("/services/data/v59.0/query/")
    row = first["records"][0]
    assert row["attributes"]["type"] == "Contact"
    assert row["attributes"]["url"] == f"/services/data/v59.0/sobjects/Contact/{row['Id']}"
    assert set(row) == {"attributes", "Id", "LastName"}
    everything = sf.query_all("SELECT Id FROM Contact")
    ids = [r["Id"] for r in everything["records"]]
    assert everything["done"] is True and len(ids) == len(set(ids)) == 454


def test_crud_through_the_sobject_resources(sf):
    created = sf.Contact.create({"LastName": "Contract", "Email": "contract@example.com"})
    assert set(created) == SAVE_RESULT and created["success"] is True
    assert len(created["id"]) == 18 and created["id"].startswith("003")
    record = sf.Contact.get(created["id"])
    assert record["Email"] == "contract@example.com"
    assert record["attributes"] == {"type": "Contact",
                                    "url": f"/services/data/v59.0/sobjects/Contact/{created['id']}"}
    assert record["SystemModstamp"].endswith("+0000")
    assert sf.Contact.update(created["id"], {"Title": "Tester"}) == 204
    assert sf.Contact.get(created["id"])["Title"] == "Tester"
    assert sf.Contact.delete(created["id"]) == 204
    with pytest.raises(SalesforceResourceNotFound) as gone:
        sf.Contact.get(created["id"])
    assert gone.value.content[0]["errorCode"] == "NOT_FOUND"


def test_collections_answer_one_save_result_per_record_in_order(sf):
    body = {"allOrNone": False, "records": [
        {"attributes": {"type": "Contact"}, "LastName": "Good", "Email": "good@example.com"},
        {"attributes": {"type": "Contact"}, "Email": "missing.lastname@example.com"},
        {"attributes": {"type": "Contact"}, "LastName": "Bad", "Email": "bad"},
    ]}
    good, missing, bad = sf.restful("composite/sobjects", method="POST", json=body)
    assert set(good) == SAVE_RESULT and good["success"] and good["errors"] == []
    assert missing == {"success": False, "errors": [{
        "statusCode": "REQUIRED_FIELD_MISSING", "message": "Required fields are missing: "
        "[LastName]", "fields": ["LastName"]}]}
    assert bad["errors"][0]["statusCode"] == "INVALID_EMAIL_ADDRESS"
    update = {"records": [{"attributes": {"type": "Contact"}, "id": good["id"],
                           "Title": "Updated"}]}
    (updated,) = sf.restful("composite/sobjects", method="PATCH", json=update)
    assert updated == {"id": good["id"], "success": True, "errors": []}
    (read,) = sf.restful("composite/sobjects/Contact",
                         params={"ids": good["id"], "fields": "Id,Title"})
    assert read["Title"] == "Updated"
    deleted = sf.restful("composite/sobjects", method="DELETE",
                         params={"ids": f"{good['id']},{good['id']}", "allOrNone": "false"})
    assert deleted[0] == {"id": good["id"], "success": True, "errors": []}
    assert deleted[1]["errors"][0]["statusCode"] == "ENTITY_IS_DELETED"


def test_all_or_none_rolls_the_whole_collection_back(sf):
    body = {"allOrNone": True, "records": [
        {"attributes": {"type": "Account"}, "Name": "Kept only if all pass"},
        {"attributes": {"type": "Account"}, "Website": "no-name.example"},
    ]}
    first, second = sf.restful("composite/sobjects", method="POST", json=body)
    assert first["errors"][0]["statusCode"] == "ALL_OR_NONE_OPERATION_ROLLED_BACK"
    assert second["errors"][0]["statusCode"] == "REQUIRED_FIELD_MISSING"
    found = sf.query("SELECT Id FROM Account WHERE Name = 'Kept only if all pass'")
    assert found["totalSize"] == 0


def test_describe_lists_fields_with_their_documented_attributes(sf):
    described = sf.Contact.describe()
    assert described["name"] == "Contact" and described["keyPrefix"] == "003"
    by_name = {f["name"]: f for f in described["fields"]}
    assert {"name", "label", "type", "custom", "nillable", "createable", "updateable",
            "picklistValues"} <= set(by_name["Email"])
    assert by_name["Email"]["type"] == "email"
    assert by_name["External_Id__c"]["custom"] is True
    assert by_name["External_Id__c"]["unique"] is True
    assert by_name["LastName"]["nillable"] is False


def test_updated_and_deleted_list_the_window(sf):
    start = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    created = sf.Lead.create({"LastName": "Window", "Company": "W"})
    sf.Lead.delete(created["id"])
    end = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=2)
    deleted = sf.Lead.deleted(start, end)
    assert set(deleted) == {"deletedRecords", "earliestDateAvailable", "latestDateCovered"}
    assert [r["id"] for r in deleted["deletedRecords"]] == [created["id"]]
    assert set(deleted["deletedRecords"][0]) == {"id", "deletedDate"}
    other = sf.Contact.create({"LastName": "Updated window"})
    updated = sf.Contact.updated(start, end)
    assert set(updated) == {"ids", "latestDateCovered"}
    assert other["id"] in updated["ids"]


def test_every_reply_reports_the_daily_budget_as_simple_salesforce_parses_it(sf, sandbox):
    sf.query("SELECT Id FROM Account")
    used = sf.api_usage["api-usage"]
    assert used.total == 15_000 and used.used >= 1
    sf.query("SELECT Id FROM Account")
    assert sf.api_usage["api-usage"].used == used.used + 1


def test_soql_outside_the_subset_is_refused_as_salesforce_refuses_it(sf):
    for soql, code in (("SELECT COUNT() FROM Contact", "MALFORMED_QUERY"),
                       ("SELECT Id FROM Contact GROUP BY Id", "MALFORMED_QUERY"),
                       ("SELECT Id, Account.Name FROM Contact", "MALFORMED_QUERY"),
                       ("SELECT Nope FROM Contact", "INVALID_FIELD"),
                       ("SELECT Id FROM Nothing", "INVALID_TYPE")):
        with pytest.raises(SalesforceMalformedRequest) as refused:
            sf.query(soql)
        assert refused.value.content == [{"message": refused.value.content[0]["message"],
                                          "errorCode": code}], soql
