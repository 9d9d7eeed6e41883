"""The HubSpot sandbox is strict: it implements what BEHAVIOR.md lists (search filters,
`associations=`, property definitions, custom object schemas, paging links) and refuses
everything else in HubSpot's error body, so a client relying on something the sandbox
does not honour fails here instead of in production (issue 19)."""

import json

import hubspot
import pytest
import requests

from connectors.hubspot.sandbox.store import Portal
from tests.connectors.hubspot.test_conformance import make_connector, running_sandbox

ACME_ID = "4410001"


@pytest.fixture(scope="module")
def stack():
    with running_sandbox() as (sandbox, root):
        sandbox.search_rate = None  # many searches in a row; the limit has its own tests
        yield sandbox, root


@pytest.fixture(scope="module")
def bearer(stack):
    _sandbox, root = stack
    connector, _store = make_connector(root)
    return connector.http.auth.headers()["Authorization"]


def acme(sandbox) -> Portal:
    portal = sandbox.accounts[ACME_ID]
    assert isinstance(portal, Portal)
    return portal


def call(stack, bearer, method, path, body=None, **params):
    _sandbox, root = stack
    return requests.request(method, root + path, json=body, params=params,
                            headers={"Authorization": bearer}, timeout=5)


def search(stack, bearer, body: dict) -> requests.Response:
    return call(stack, bearer, "POST", "/crm/v3/objects/contacts/search",
                {"limit": 100, "properties": ["email", "firstname"], **body})


def assert_refused_like_hubspot(reply: requests.Response, status: int, words: str) -> None:
    assert reply.status_code == status, reply.text
    body = reply.json()
    assert body["status"] == "error" and body["correlationId"] and body["category"]
    assert words in body["message"], body["message"]


# --- search ------------------------------------------------------------------------------


def test_a_top_level_filters_list_is_honoured_like_one_filter_group(stack, bearer):
    flt = [{"propertyName": "firstname", "operator": "EQ", "value": "DEANNA"}]
    top = search(stack, bearer, {"filters": flt})
    grouped = search(stack, bearer, {"filterGroups": [{"filters": flt}]})
    assert top.status_code == 200, top.text
    assert [r["properties"]["firstname"] for r in top.json()["results"]] == ["Deanna"]
    assert top.json() == grouped.json()


def _names(reply) -> set:
    assert reply.status_code == 200, reply.text
    return {r["properties"]["firstname"] for r in reply.json()["results"]}


@pytest.mark.parametrize(("flt", "expected"), [
    ({"propertyName": "email", "operator": "CONTAINS_TOKEN", "value": "*@rothcollins.co"},
     {"Deanna", "Ana", "Carlos"}),
    ({"propertyName": "lifecyclestage", "operator": "IN", "values": ["lead", "opportunity"]},
     {"Ana", "Carlos"}),
    # enumerations match case-sensitively: HubSpot's option values are lower case here
    ({"propertyName": "lifecyclestage", "operator": "IN", "values": ["LEAD"]}, set()),
    ({"propertyName": "customer_tier", "operator": "HAS_PROPERTY"}, {"Deanna", "Peter"}),
    ({"propertyName": "date_of_birth", "operator": "BETWEEN", "value": "1980-01-01",
      "highValue": "1980-12-31"}, {"David"}),
])
def test_search_operators_select_what_hubspot_documents(stack, bearer, flt, expected):
    assert _names(search(stack, bearer, {"filters": [flt]})) == expected


def test_a_text_query_looks_in_the_default_searchable_properties_only(stack, bearer):
    assert _names(search(stack, bearer, {"query": "ROTHCOLLINS"})) == {"Deanna", "Ana", "Carlos"}
    assert _names(search(stack, bearer, {"query": "buyer"})) == set()  # a job title


def test_search_through_associations_finds_the_records_associated(stack, bearer):
    sandbox, _root = stack
    portal = acme(sandbox)
    company = portal.records("companies")[0]["id"]
    linked = {portal.live("contacts", i)["properties"]["firstname"]
              for i, _kinds in portal.targets("companies", company, "contacts")}
    assert linked
    reply = search(stack, bearer, {"filters": [
        {"propertyName": "associations.company", "operator": "EQ", "value": company}]})
    assert _names(reply) == linked


def _filters(n: int) -> list:
    return [{"propertyName": "email", "operator": "HAS_PROPERTY"}] * n


@pytest.mark.parametrize(("body", "words"), [
    ({"filters": _filters(7)}, "Too many filters"),
    ({"filterGroups": [{"filters": _filters(6)}] * 3 + [{"filters": _filters(1)}]},
     "Too many filters"),
    ({"filters": [{"propertyName": "email", "operator": "STARTS_WITH", "value": "a"}]},
     "Unknown operator 'STARTS_WITH'"),
    ({"filters": [{"propertyName": "email", "operator": "IN"}]}, "needs a non-empty `values`"),
    ({"filters": [{"propertyName": "email", "operator": "EQ"}]}, "needs a `value`"),
    ({"filters": [{"propertyName": "email", "operator": "EQ", "value": "a", "negate": True}]},
     'Unrecognized field "negate"'),
    ({"filters": _filters(1), "filterGroups": [{"filters": _filters(1)}]}, "not both"),
    ({"sorts": [{"propertyName": "email", "direction": "UP"}]}, "ASCENDING or DESCENDING"),
    ({"sorts": ["email", "firstname"]}, "Only one sort"),
    ({"after": "abc"}, "must be an integer"),
    ({"sort": "email"}, 'Unrecognized field "sort"'),
    ({"query": "x" * 3001}, "at most 3000"),
])
def test_search_refuses_what_it_does_not_implement_instead_of_returning_everything(
        stack, bearer, body, words):
    assert_refused_like_hubspot(search(stack, bearer, body), 400, words)


# --- associations= on the v3 list and get ---------------------------------------------


def test_associations_come_inside_a_record_read_by_the_official_client(stack, bearer):
    sandbox, root = stack
    portal = acme(sandbox)
    contact = portal.records("contacts")[0]["id"]
    company = portal.records("companies")[4]["id"]
    portal.associate("contacts", contact, "companies", company, [1])  # primary
    api = hubspot.Client.create(access_token=bearer.split()[1], host=root,
                                client_side_validation=True).crm.objects.basic_api
    got = api.get_by_id("contacts", contact, associations=["companies"])
    types = {(a.id, a.type) for a in got.associations["companies"].results}
    assert {(company, "contact_to_company"), (company, "contact_to_company_unlabeled")} <= types

    page = api.get_page("contacts", limit=100, associations=["company"])
    by_id = {r.id: r.associations for r in page.results}
    assert (company, "contact_to_company") in {
        (a.id, a.type) for a in by_id[contact]["companies"].results}
    lonely = [i for i in by_id if not portal.targets("contacts", i, "companies")]
    assert lonely and all(by_id[i] is None for i in lonely)  # no empty association lists


def test_the_list_paging_link_keeps_the_query_and_leads_to_the_next_page(stack, bearer):
    first = call(stack, bearer, "GET", "/crm/v3/objects/contacts", limit=2,
                 properties="email", associations="companies").json()
    nxt = first["paging"]["next"]
    assert set(nxt) == {"after", "link"}
    second = requests.get(nxt["link"], headers={"Authorization": bearer}, timeout=5).json()
    assert len(second["results"]) == 2
    assert int(second["results"][0]["id"]) == int(nxt["after"])
    assert set(second["results"][0]["properties"]) >= {"email"}


# --- property definitions and custom object schemas ------------------------------------


def test_property_definitions_list_and_one_property_in_hubspot_shape(stack, bearer):
    listed = call(stack, bearer, "GET", "/crm/v3/properties/contacts").json()["results"]
    tier = next(p for p in listed if p["name"] == "customer_tier")
    assert tier["type"] == "enumeration" and tier["groupName"] == "contactinformation"
    assert tier["hubspotDefined"] is False
    assert [o["value"] for o in tier["options"]] == ["gold", "silver", "bronze"]
    one = call(stack, bearer, "GET", "/crm/v3/properties/0-3/dealstage").json()
    assert (one["name"], one["fieldType"], one["hubspotDefined"]) == ("dealstage", "radio", True)
    archived = call(stack, bearer, "GET", "/crm/v3/properties/contacts", archived="true")
    assert archived.json() == {"results": []}
    assert_refused_like_hubspot(call(stack, bearer, "GET", "/crm/v3/properties/deals/nope"),
                                404, "Unable to find property nope")


def test_a_portal_without_custom_objects_lists_no_schemas(stack, bearer):
    sandbox, root = stack
    issued = json.loads(sandbox._issue(ACME_ID, "crm.schemas.custom.read").body)
    schemas = hubspot.Client.create(access_token=issued["access_token"], host=root,
                                    client_side_validation=True).crm.schemas.core_api
    assert schemas.get_all().results == []
    denied = call(stack, bearer, "GET", "/crm/v3/schemas")  # the connector asks no such scope
    assert_refused_like_hubspot(denied, 403, "required scopes")


# --- anything unimplemented is refused in HubSpot's error body ------------------------


@pytest.mark.parametrize(("method", "path", "body", "params", "status", "words"), [
    ("GET", "/crm/v3/objects/contacts", None, {"sortBy": "email"}, 400,
     "Unknown query parameter 'sortBy'"),
    ("GET", "/crm/v3/objects/contacts/1002", None, {"propertiesWithHistory": "email"}, 400,
     "propertiesWithHistory is not supported"),
    ("PATCH", "/crm/v3/objects/contacts/1002", {"properties": {}}, {"idProperty": "email"},
     400, "Unknown query parameter 'idProperty'"),
    ("POST", "/crm/v3/objects/contacts", {"properties": {"firstname": "X"}, "archived": True},
     {}, 400, 'Unrecognized field "archived"'),
    ("POST", "/crm/v3/objects/contacts/batch/update",
     {"inputs": [{"id": "1002", "properties": {}, "idProperty": "email"}]}, {}, 400,
     'Unrecognized field "idProperty"'),
    ("POST", "/crm/v4/associations/contacts/companies/batch/read",
     {"inputs": [{"id": "1002", "after": "5"}]}, {}, 400, 'Unrecognized field "after"'),
    ("GET", "/crm/v3/objects/contacts/1002/associations/companies", None, {}, 404,
     "No route for GET"),
    ("GET", "/crm/v3/pipelines/deals", None, {}, 404, "No route for GET"),
])
def test_unknown_parameters_fields_and_paths_are_refused_in_hubspot_shape(
        stack, bearer, method, path, body, params, status, words):
    reply = call(stack, bearer, method, path, body, **params)
    assert_refused_like_hubspot(reply, status, words)
