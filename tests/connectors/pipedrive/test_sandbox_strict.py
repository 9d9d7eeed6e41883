"""The Pipedrive sandbox as a client written from Pipedrive's docs meets it (issue 19):
v1 paging by next_start, the personal api_token, the v1 persons and organizations
lists, whole objects in /v1/recents, and a 4xx in Pipedrive's error shape for anything
the sandbox does not implement, never silence.

Over real HTTP with plain `requests`, authenticated the way such a client would be:
with the API token a user copies from Personal preferences > API.
"""

import re

import pytest
import requests

NORTHWIND, GLOBEX, PASSWORD = "admin@northwind.example", "admin@globex.example", "sandbox"
LONG_AGO = "2000-01-01 00:00:00"
VERONICA = 1  # Northwind: White-Lane, an email and a phone, job title, "Lead source"


def copied_api_token(root: str, login: str = NORTHWIND) -> str:
    """What a user does: sign in, open Personal preferences > API, copy the token."""
    browser = requests.Session()
    browser.post(f"{root}/app/login", data={"login": login, "password": PASSWORD}, timeout=10)
    page = browser.get(f"{root}/app/settings/api", timeout=10)
    found = re.search(r'<code id="api-token">([0-9a-f]{40})</code>', page.text)
    assert found, page.text[:500]
    return found.group(1)


@pytest.fixture
def token(root) -> str:
    """Northwind's admin's api_token."""
    return copied_api_token(root)


@pytest.fixture
def get(root, token):
    """GET below the company host, authenticated with the api_token."""

    def call(path: str, **params) -> requests.Response:
        return requests.get(root + path, params={**params, "api_token": token}, timeout=10)

    return call


def follow_v1_pages(get, path: str, **params) -> tuple[list[dict], list[dict]]:
    """Page as Pipedrive's docs say: while more_items_in_collection, start=next_start."""
    rows, paginations, start = [], [], 0
    for _ in range(100):
        body = get(path, start=start, **params).json()
        assert body["success"] is True, body
        rows.extend(body["data"] or [])
        pagination = body["additional_data"]["pagination"]
        paginations.append(pagination)
        if not pagination["more_items_in_collection"]:
            return rows, paginations
        start = pagination["next_start"]
    raise AssertionError("more_items_in_collection never became false")


def test_a_client_following_the_docs_pages_through_every_recent_change(get):
    everything = get("/api/v1/recents", since_timestamp=LONG_AGO, limit=500).json()
    paged, paginations = follow_v1_pages(get, "/api/v1/recents", since_timestamp=LONG_AGO,
                                         limit=7)

    assert [(r["item"], r["id"]) for r in paged] == [
        (r["item"], r["id"]) for r in everything["data"]]
    assert len(paginations) == -(-len(paged) // 7) > 3
    assert paginations[0] == {"start": 0, "limit": 7, "more_items_in_collection": True,
                              "next_start": 7}
    assert "next_start" not in paginations[-1]  # set only while more items follow


def test_the_api_token_from_personal_preferences_authenticates_and_a_wrong_one_gets_401(root):
    northwind, globex = copied_api_token(root), copied_api_token(root, GLOBEX)

    by_query = requests.get(f"{root}/api/v1/users/me", params={"api_token": northwind},
                            timeout=10)
    by_header = requests.get(f"{root}/api/v2/persons", headers={"x-api-token": globex},
                             timeout=10)
    wrong = requests.get(f"{root}/api/v1/recents",
                         params={"api_token": "0" * 40, "since_timestamp": LONG_AGO}, timeout=10)
    missing = requests.get(f"{root}/api/v2/persons", timeout=10)

    assert by_query.json()["data"]["company_name"] == "Northwind Traders"
    assert {p["name"] for p in by_header.json()["data"]} == {
        "Amy Lewis", "Caroline Franklin", "Jürgen Vogel"}
    for refused in (wrong, missing):
        assert refused.status_code == 401
        assert refused.json() == {
            "success": False, "error": "unauthorized access", "errorCode": 401,
            "error_info": "Please check developers.pipedrive.com for more information about "
                          "Pipedrive API.", "data": None, "additional_data": None}


def test_persons_and_organizations_are_listed_with_v1_paging_sort_and_filters(get, sandbox):
    sandbox.accounts["7201001"].data["persons"][12]["is_deleted"] = True  # Madonna

    people, pages = follow_v1_pages(get, "/api/v1/persons", limit=5, sort="name ASC")
    sam = get("/api/v1/persons", user_id=12002).json()
    r_people = get("/api/v1/persons", first_char="r").json()["data"]
    organizations, _ = follow_v1_pages(get, "/api/v1/organizations", sort="id DESC")

    names = [p["name"] for p in people]
    assert names == sorted(names) and len(names) == 11 and "Madonna" not in names
    assert [p["next_start"] for p in pages[:-1]] == [5, 10]
    assert sam["data"] is None  # v1's empty list; Sam owns nobody
    assert [p["name"] for p in r_people] == ["Rebecca Gentry"]
    veronica = next(p for p in people if p["id"] == VERONICA)
    assert veronica["org_id"]["name"] == "White-Lane"
    assert veronica["owner_id"]["name"] == "Nora Admin"
    brian = next(p for p in people if p["name"] == "Brian Webb")
    assert brian["email"] == [{"value": "", "primary": True}]  # v1's "no email"
    assert [o["id"] for o in organizations] == [6, 5, 4, 3, 2, 1]
    white_lane = organizations[-1]
    assert (white_lane["people_count"], white_lane["address_locality"]) == (3, "Port Robert")


def test_recents_entries_hold_the_whole_record_as_v1_shows_it(get, sandbox):
    company = sandbox.accounts["7201001"]
    company.data["deals"][4]["is_deleted"] = True  # Blue Harbor - Onboarding

    entries = get("/api/v1/recents", since_timestamp=LONG_AGO, limit=500,
                  items="person,organization,deal,product").json()["data"]
    found = {(e["item"], e["id"]): e["data"] for e in entries}

    veronica = found[("person", VERONICA)]
    assert (veronica["first_name"], veronica["last_name"], veronica["job_title"]) == (
        "Veronica", "Hayes", "Head of Operations")
    assert veronica["email"] == [{"value": "Veronica.Hayes@WhiteLane.com", "primary": True,
                                  "label": "work"}]
    assert (veronica["org_id"], veronica["org_name"], veronica["owner_name"]) == (
        1, "White-Lane", "Nora Admin")
    assert veronica["open_deals_count"] == 1 and veronica["notes_count"] == 1
    lead_source = next(f for f in company.fields["persons"] if f["field_name"] == "Lead source")
    inbound = next(o["id"] for o in lead_source["options"] if o["label"] == "Inbound")
    assert veronica[lead_source["field_code"]] == inbound  # custom fields at the top level
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", veronica["update_time"])
    white_lane = found[("organization", 1)]
    assert (white_lane["website"], white_lane["people_count"]) == ("www.whitelane.com", 3)
    lost = found[("deal", 4)]
    assert (lost["deleted"], lost["active"], lost["status"], lost["lost_reason"]) == (
        True, False, "lost", "Budget cut")
    assert (lost["value"], lost["currency"], lost["org_name"]) == (6000, "USD",
                                                                    "Blue Harbor Logistics")
    workshop = found[("product", 4)]
    assert [(p["currency"], p["price"]) for p in workshop["prices"]] == [
        ("USD", 1500), ("EUR", 1400)]
    assert len(veronica) > 30 and len(lost) > 30  # not a handful of fields


REFUSED = [
    # (method, path, query, body, status, what the error names)
    ("GET", "/api/v2/persons", {"include_fields": "notes_count"}, None, 400, "include_fields"),
    ("GET", "/api/v2/persons", {"deal_id": "1"}, None, 400, "deal_id"),
    ("GET", "/api/v2/products", {"updated_until": "2030-01-01T00:00:00Z"}, None, 400,
     "updated_until"),
    ("GET", "/api/v2/personFields", {"include_fields": "ui_visibility"}, None, 400,
     "include_fields"),
    ("GET", "/api/v2/persons/1", {"custom_fields": "x"}, None, 400, "custom_fields"),
    ("GET", "/api/v1/recents", {"since_timestamp": LONG_AGO, "page": "2"}, None, 400, "page"),
    ("GET", "/api/v1/persons", {"filter_id": "3"}, None, 400, "filter_id"),
    ("GET", "/api/v1/notes", {"pinned_to_deal_flag": "1"}, None, 400, "pinned_to_deal_flag"),
    ("PATCH", "/api/v2/persons/1", {}, {"nickname": "Ronnie"}, 400, "nickname"),
    ("POST", "/api/v1/notes", {}, {"content": "x", "person_id": 1, "pinned_to_person_flag": 1},
     400, "pinned_to_person_flag"),
    ("POST", "/api/v1/webhooks", {}, {"subscription_url": "https://h.example", "name": "h",
                                      "event_action": "*", "event_object": "person",
                                      "retries": 3}, 400, "retries"),
    ("GET", "/api/v2/leads", {}, None, 404, "leads"),
    ("GET", "/api/v1/persons/1", {}, None, 404, "/api/v1/persons/1"),
    ("DELETE", "/api/v1/recents", {}, None, 404, "/api/v1/recents"),
]


@pytest.mark.parametrize(("method", "path", "query", "body", "status", "named"), REFUSED,
                         ids=[f"{r[0]} {r[1]} {r[5]}" for r in REFUSED])
def test_what_the_sandbox_does_not_implement_is_refused_in_pipedrives_shape(
    root, token, method, path, query, body, status, named
):
    reply = requests.request(method, root + path, params={**query, "api_token": token},
                             json=body, timeout=10)

    assert reply.status_code == status, reply.text
    error = reply.json()
    assert (error["success"], error["data"], error["additional_data"]) == (False, None, None)
    assert error["error_info"].startswith("Please check developers.pipedrive.com")
    assert named in error["error"]
