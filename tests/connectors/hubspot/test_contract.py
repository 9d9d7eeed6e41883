"""The contract in place of a spec: HubSpot's official Python client against the sandbox.

HubSpot's OpenAPI files may not be used here (shared/specs/README.md), but the
official client `hubspot-api-client` is generated from them and its typed models
refuse wrong shapes (required fields, enums). Two checks:

* the client, pointed at the sandbox, drives the operations the connector uses
  and every answer parses into the model the client expects for its status;
* every request the connector sends, and every answer it gets, parses with the
  client's request and response models for that endpoint: an exchange the table
  below does not know fails the test, so new calls must be added to the contract.
"""

import json
import re
import time
from types import SimpleNamespace
from urllib.parse import urlsplit

import hubspot
import hubspot.crm.properties
import hubspot.oauth
import pytest
import requests
from hubspot.crm.associations import v4 as assoc_pkg
from hubspot.crm.associations.v4 import models as am
from hubspot.crm.objects import ApiException
from hubspot.crm.objects import models as om

from connectors.hubspot import HubSpotConnector
from connectors.sdk import AssociationRecord
from connectors.sdk.sandbox.oauth import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET
from tests.connectors.hubspot.test_conformance import ACME, VALUES, make_connector, running_sandbox
from tests.kits.sandbox import connect


def strict(package):
    """An ApiClient whose models check required fields and enums: hubspot-api-client
    ships with client-side validation switched off."""
    configuration = package.Configuration()
    configuration.client_side_validation = True
    return package.ApiClient(configuration)


OBJECTS = strict(hubspot.crm.objects)
ASSOCIATIONS = strict(assoc_pkg)


def parse(api_client, body, model: str):
    """The official client's own deserializer: raises on a shape its model refuses."""
    data = body if isinstance(body, str) else json.dumps(body)
    return api_client.deserialize(SimpleNamespace(data=data), model)


@pytest.fixture(scope="module")
def stack():
    with running_sandbox() as (sandbox, root):
        yield sandbox, root


@pytest.fixture(scope="module")
def client(stack):
    _sandbox, root = stack
    token = connect(HubSpotConnector, root, ACME)
    return hubspot.Client.create(access_token=token.access_token, host=root,
                                 client_side_validation=True), token


# --- the official client drives the sandbox -------------------------------------------


def test_list_pages_with_after_and_every_page_parses(client, stack):
    api, _token = client
    sandbox, _root = stack
    ids, after = [], None
    for _ in range(20):
        page = api.crm.objects.basic_api.get_page("contacts", limit=2, after=after,
                                                  properties=["email", "firstname"])
        assert isinstance(
            page, om.CollectionResponseSimplePublicObjectWithAssociationsForwardPaging)
        ids += [r.id for r in page.results]
        if page.paging is None:
            break
        after = page.paging.next.after
    assert len(ids) == len(set(ids)) == len(sandbox.accounts["4410001"].records("contacts"))


def test_search_on_lastmodifieddate_parses_with_its_total(client):
    api, _token = client
    since = str(int(time.time() * 1000) - 40 * 86_400_000)
    request = om.PublicObjectSearchRequest(
        filter_groups=[om.FilterGroup(filters=[om.Filter(
            property_name="lastmodifieddate", operator="GTE", value=since)])],
        sorts=["lastmodifieddate"], properties=["email"], limit=3)
    first = api.crm.objects.search_api.do_search("contacts", request)
    assert isinstance(first, om.CollectionResponseWithTotalSimplePublicObjectForwardPaging)
    assert first.total >= 9 and len(first.results) == 3
    request.after = first.paging.next.after
    second = api.crm.objects.search_api.do_search("contacts", request)
    assert {r.id for r in first.results}.isdisjoint({r.id for r in second.results})
    stamps = [r.updated_at for r in first.results + second.results]
    assert stamps == sorted(stamps)


def test_search_refuses_paging_beyond_the_cap(client, stack):
    api, _token = client
    sandbox, _root = stack
    sandbox.search_cap = 4
    try:
        with pytest.raises(ApiException) as raised:
            api.crm.objects.search_api.do_search(
                "contacts", om.PublicObjectSearchRequest(limit=2, after="4"))
    finally:
        sandbox.search_cap = 10_000
    assert raised.value.status == 400
    assert parse(OBJECTS, raised.value.body, "Error").category == "VALIDATION_ERROR"


def test_batch_create_read_update_archive_parse(client):
    api, _token = client
    batch = api.crm.objects.batch_api
    inputs = [om.SimplePublicObjectBatchInputForCreate(
        properties=VALUES["companies"][0](n), object_write_trace_id=str(n)) for n in range(2)]
    created = batch.create("companies", om.BatchInputSimplePublicObjectBatchInputForCreate(
        inputs=inputs))
    assert isinstance(created, om.BatchResponseSimplePublicObject)
    assert {r.object_write_trace_id for r in created.results} == {"0", "1"}
    ids = [r.id for r in created.results]

    read = batch.read("companies", om.BatchReadInputSimplePublicObjectId(
        inputs=[om.SimplePublicObjectId(id=i) for i in [*ids, "999999"]],
        properties=["name"], properties_with_history=[]))
    assert isinstance(read, om.BatchResponseSimplePublicObjectWithErrors)  # a 207
    assert read.errors[0].category == "OBJECT_NOT_FOUND" and len(read.results) == 2

    updated = batch.update("companies", om.BatchInputSimplePublicObjectBatchInput(inputs=[
        om.SimplePublicObjectBatchInput(id=ids[0], properties={"city": "Porto"})]))
    assert isinstance(updated, om.BatchResponseSimplePublicObject)
    assert updated.results[0].properties["city"] == "Porto"

    assert batch.archive("companies", om.BatchInputSimplePublicObjectId(
        inputs=[om.SimplePublicObjectId(id=i) for i in ids])) is None
    archived = api.crm.objects.basic_api.get_page("companies", archived=True, limit=100)
    assert set(ids) <= {r.id for r in archived.results if r.archived_at is not None}


def test_one_bad_input_fails_the_batch_with_a_400_error_body(client, stack):
    api, _token = client
    sandbox, _root = stack
    before = len(sandbox.accounts["4410001"].records("deals"))
    inputs = [om.SimplePublicObjectBatchInputForCreate(properties=VALUES["deals"][0](1)),
              om.SimplePublicObjectBatchInputForCreate(properties=VALUES["deals"][2])]
    with pytest.raises(ApiException) as raised:
        api.crm.objects.batch_api.create(
            "deals", om.BatchInputSimplePublicObjectBatchInputForCreate(inputs=inputs))
    assert raised.value.status == 400
    error = parse(OBJECTS, raised.value.body, "Error")
    assert error.category == "VALIDATION_ERROR" and "INVALID_OPTION" in error.message
    assert len(sandbox.accounts["4410001"].records("deals")) == before


def test_single_object_calls_parse_and_a_missing_one_is_a_404(client):
    api, _token = client
    basic = api.crm.objects.basic_api
    made = basic.create("tickets", om.SimplePublicObjectInputForCreate(
        properties=VALUES["tickets"][0](1)))
    assert isinstance(made, om.SimplePublicObject)
    got = basic.get_by_id("tickets", made.id, properties=["subject"])
    assert isinstance(got, om.SimplePublicObjectWithAssociations)
    changed = basic.update("tickets", made.id, om.SimplePublicObjectInput(
        properties={"hs_ticket_priority": "LOW"}))
    assert changed.properties["hs_ticket_priority"] == "LOW"
    basic.archive("tickets", made.id)
    with pytest.raises(ApiException) as raised:
        basic.get_by_id("tickets", made.id)
    assert raised.value.status == 404
    assert parse(OBJECTS, raised.value.body, "Error").category == "OBJECT_NOT_FOUND"


def test_associations_v4_calls_parse(client, stack):
    api, _token = client
    sandbox, _root = stack
    portal = sandbox.accounts["4410001"]
    contact = portal.records("contacts")[5]["id"]
    company, other = (c["id"] for c in portal.records("companies")[2:4])
    v4 = api.crm.associations.v4
    made = v4.batch_api.create("contacts", "companies", am.BatchInputPublicAssociationMultiPost(
        inputs=[am.PublicAssociationMultiPost(
            _from=am.PublicObjectId(id=contact), to=am.PublicObjectId(id=company),
            types=[am.AssociationSpec(association_category="HUBSPOT_DEFINED",
                                      association_type_id=279)])]))
    assert isinstance(made, am.BatchResponseLabelsBetweenObjectPair)
    one = v4.basic_api.create("contacts", contact, "companies", other, [am.AssociationSpec(
        association_category="HUBSPOT_DEFINED", association_type_id=1)])
    assert isinstance(one, am.LabelsBetweenObjectPair) and one.labels == ["Primary"]
    assert isinstance(v4.basic_api.create_default("deals", portal.records("deals")[2]["id"],
                                                  "contacts", contact),
                      am.BatchResponsePublicDefaultAssociation)
    read = v4.batch_api.get_page("contacts", "companies",
                                 am.BatchInputPublicFetchAssociationsBatchRequest(
                                     inputs=[am.PublicFetchAssociationsBatchRequest(id=contact),
                                             am.PublicFetchAssociationsBatchRequest(id="1")]))
    assert isinstance(read, am.BatchResponsePublicAssociationMultiWithLabelWithErrors)
    targets = {t.to_object_id: {a.type_id for a in t.association_types}
               for t in read.results[0].to}
    assert targets == {company: {279}, other: {1, 279}}
    page = v4.basic_api.get_page("contacts", contact, "companies", limit=1)
    assert isinstance(page, am.CollectionResponseMultiAssociatedObjectWithLabelForwardPaging)
    assert page.paging.next.after


def test_property_definitions_parse_and_name_custom_ones(client):
    api, _token = client
    found = api.crm.properties.core_api.get_all("contacts")
    custom = [p.name for p in found.results if p.hubspot_defined is False]
    assert custom == ["customer_tier"]
    prop = api.crm.properties.core_api.get_by_name("deals", "dealstage")
    assert {o.value for o in prop.options} >= {"closedwon", "closedlost"}


def test_oauth_token_endpoints_parse(stack):
    _sandbox, root = stack
    token = connect(HubSpotConnector, root, ACME)
    oauth = hubspot.Client.create(host=root, client_side_validation=True).oauth
    info = oauth.access_tokens_api.get(token.access_token)
    assert (info.hub_id, info.hub_domain) == (4410001, "acmecorp.example")
    fresh = oauth.tokens_api.create(grant_type="refresh_token", refresh_token=token.refresh_token,
                                    client_id=SANDBOX_CLIENT_ID,
                                    client_secret=SANDBOX_CLIENT_SECRET)
    assert fresh.refresh_token == token.refresh_token  # HubSpot does not rotate them
    assert oauth.refresh_tokens_api.get(token.refresh_token).hub_id == 4410001
    oauth.refresh_tokens_api.archive(token.refresh_token)
    with pytest.raises(hubspot.oauth.ApiException) as raised:
        oauth.tokens_api.create(grant_type="refresh_token", refresh_token=token.refresh_token,
                                client_id=SANDBOX_CLIENT_ID, client_secret=SANDBOX_CLIENT_SECRET)
    assert json.loads(raised.value.body)["status"] == "BAD_REFRESH_TOKEN"


# --- every exchange of the connector parses with the client's models ------------------

V3 = r"/crm/v3/objects/[a-z_]+"
V4 = r"/crm/v4/associations/[a-z_]+/[a-z_]+/batch"
# (method, path pattern, request model or None, {status: response model or None}, client)
CONTRACT = [
    ("GET", V3 + "$", None,
     {200: "CollectionResponseSimplePublicObjectWithAssociationsForwardPaging"}, OBJECTS),
    ("POST", V3 + "$", "SimplePublicObjectInputForCreate", {201: "SimplePublicObject"}, OBJECTS),
    ("PATCH", V3 + r"/\d+$", "SimplePublicObjectInput", {200: "SimplePublicObject"}, OBJECTS),
    ("DELETE", V3 + r"/\w+$", None, {204: None}, OBJECTS),
    ("POST", V3 + "/search$", "PublicObjectSearchRequest",
     {200: "CollectionResponseWithTotalSimplePublicObjectForwardPaging"}, OBJECTS),
    ("POST", V3 + "/batch/read$", "BatchReadInputSimplePublicObjectId",
     {200: "BatchResponseSimplePublicObject",
      207: "BatchResponseSimplePublicObjectWithErrors"}, OBJECTS),
    ("POST", V3 + "/batch/create$", "BatchInputSimplePublicObjectBatchInputForCreate",
     {201: "BatchResponseSimplePublicObject",
      207: "BatchResponseSimplePublicObjectWithErrors"}, OBJECTS),
    ("POST", V3 + "/batch/update$", "BatchInputSimplePublicObjectBatchInput",
     {200: "BatchResponseSimplePublicObject",
      207: "BatchResponseSimplePublicObjectWithErrors"}, OBJECTS),
    ("POST", V3 + "/batch/archive$", "BatchInputSimplePublicObjectId", {204: None}, OBJECTS),
    ("POST", V4 + "/read$", "BatchInputPublicFetchAssociationsBatchRequest",
     {200: "BatchResponsePublicAssociationMultiWithLabel",
      207: "BatchResponsePublicAssociationMultiWithLabelWithErrors"}, ASSOCIATIONS),
    ("POST", V4 + "/create$", "BatchInputPublicAssociationMultiPost",
     {201: "BatchResponseLabelsBetweenObjectPair",
      207: "BatchResponseLabelsBetweenObjectPairWithErrors"}, ASSOCIATIONS),
    ("GET", r"/crm/v4/objects/[a-z_]+/\d+/associations/[a-z_]+$", None,
     {200: "CollectionResponseMultiAssociatedObjectWithLabelForwardPaging"}, ASSOCIATIONS),
    ("PUT", r"/crm/v4/objects/[a-z_]+/\d+/associations/[a-z_]+/\d+$", "list[AssociationSpec]",
     {201: "LabelsBetweenObjectPair"}, ASSOCIATIONS),
    ("GET", r"/crm/v3/properties/[a-z_]+$", None,
     {200: "CollectionResponsePropertyNoPaging"}, strict(hubspot.crm.properties)),
    ("GET", r"/oauth/v1/access-tokens/[^/]+$", None,
     {200: "AccessTokenInfoResponse"}, strict(hubspot.oauth)),
]
DOCUMENTED_ERRORS = {400, 403, 404, 409}  # bodies the client's Error model describes


class ExchangeLog:
    def __init__(self):
        self.exchanges: list[requests.Response] = []

    def session(self) -> requests.Session:
        session = requests.Session()
        session.hooks["response"].append(lambda response, *a, **k: self.exchanges.append(response))
        return session

    def check(self, root: str) -> int:
        judged = 0
        for response in self.exchanges:
            method, path = response.request.method, urlsplit(response.request.url).path
            path = path.removeprefix(urlsplit(root).path)
            rule = next((r for r in CONTRACT if r[0] == method and re.search(r[1], path)), None)
            assert rule is not None, f"no contract for {method} {path}"
            _method, _pattern, request_model, answers, api_client = rule
            if request_model and response.request.body:
                parse(api_client, response.request.body.decode(), request_model)
            if response.status_code in DOCUMENTED_ERRORS:
                parse(api_client, response.text, "Error")
            elif response.status_code < 300:
                assert response.status_code in answers, (method, path, response.status_code)
                if answers[response.status_code]:
                    parse(api_client, response.text, answers[response.status_code])
            judged += 1
        return judged


def test_every_exchange_of_the_connector_parses_with_the_official_models(stack):
    sandbox, root = stack
    log = ExchangeLog()
    connector, _store = make_connector(root, session=log.session())
    connector.account_info()
    for object_name in ("contacts", "deals", "line_items"):
        page = connector.read_changes(object_name, None, limit=2)
        connector.read_changes(object_name, page.cursor, limit=2)
        connector.read_deleted(object_name, None)
    cursor = connector.read_changes("companies", None, limit=100).cursor
    made = connector.create("companies", [("a", VALUES["companies"][0](1)),
                                          ("b", VALUES["companies"][2])])
    company = made[0].record.id
    connector.update("companies", [(company, {"city": "Faro"}), ("999999", {"city": "X"})])
    connector.read_changes("companies", cursor)
    connector.read_by_ids("companies", [company, "999999"])
    contact = sandbox.accounts["4410001"].records("contacts")[6]["id"]
    connector.write_associations("contacts", "companies",
                                 [AssociationRecord(contact, company, primary=True),
                                  AssociationRecord(contact, "999999")])
    connector.read_associations("contacts", [contact, "1"], "companies")
    deal = sandbox.accounts["4410001"].records("deals")[1]["id"]
    product = sandbox.accounts["4410001"].records("products")[1]["id"]
    connector.write_associations("deals", "products", [AssociationRecord(deal, product)])
    connector.delete("companies", [company])
    assert log.check(root) > 20
