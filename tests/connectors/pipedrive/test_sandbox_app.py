"""Pipedrive's own pages in the sandbox: a user signs in, edits and deletes people there,
and API readers see those changes exactly as they see the API's own.

Over real HTTP, with a browser-like cookie jar (requests.Session) for the user and an
OAuth token for the API reader.
"""

import datetime as dt
import re
from urllib.parse import quote

import pytest
import requests

from connectors.pipedrive import PipedriveConnector
from connectors.pipedrive.sandbox import PipedriveSandbox
from connectors.sdk.sandbox import Request
from tests.kits.sandbox import connect

NORTHWIND, GLOBEX, PASSWORD = "admin@northwind.example", "admin@globex.example", "sandbox"
GUY_LANE = 4  # a Northwind person with an email, a phone and an organization (Rivera Ltd)


def sign_in(root, login=NORTHWIND, password=PASSWORD) -> requests.Session:
    browser = requests.Session()
    reply = browser.post(f"{root}/app/login", data={"login": login, "password": password},
                         allow_redirects=False, timeout=10)
    assert reply.status_code == 303, reply.text[:300]
    assert reply.headers["Location"] == f"{root}/app"
    return browser


@pytest.fixture
def user(root) -> requests.Session:
    """Northwind's admin, signed in to Pipedrive's own pages."""
    return sign_in(root)


@pytest.fixture
def api(root):
    """Northwind's API, through a token obtained the real way (consent, code, PKCE)."""
    token = connect(PipedriveConnector, root, NORTHWIND)
    headers = {"Authorization": f"Bearer {token.access_token}"}

    def call(method: str, path: str, **kwargs) -> requests.Response:
        return requests.request(method, root + path, headers=headers, timeout=10, **kwargs)

    return call


def later(sandbox, hours: int) -> str:
    """Move the sandbox clock forward; returns the moment as v2 stamps it."""
    moment = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(hours=hours)
    sandbox.clock = lambda: moment
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def names_listed(page: str) -> list[str]:
    return re.findall(r'<a href="[^"]*/app/persons/\d+">([^<]*)</a>', page)


def is_sign_in(page: str) -> bool:
    return "<h1>Pipedrive</h1>" in page and ">Sign in</button>" in page


# --- signing in -----------------------------------------------------------------------------

def test_a_wrong_password_shows_the_sign_in_page_again(root):
    browser = requests.Session()
    reply = browser.post(f"{root}/app/login", data={"login": NORTHWIND, "password": "nope"},
                         allow_redirects=False, timeout=10)
    assert reply.status_code == 401
    assert "Wrong email or password." in reply.text and is_sign_in(reply.text)
    assert "Set-Cookie" not in reply.headers
    assert is_sign_in(browser.get(f"{root}/app", timeout=10).text)


def test_the_sign_in_page_lists_the_sandbox_accounts(root):
    reply = requests.get(f"{root}/app", timeout=10)
    assert reply.status_code == 200 and is_sign_in(reply.text)
    assert '<label for="login">Email</label>' in reply.text
    assert '<label for="password">Password</label>' in reply.text
    assert f"{NORTHWIND} — Northwind Traders" in reply.text
    assert f"{GLOBEX} — Globex Corporation" in reply.text
    assert "password <code>sandbox</code>" in reply.text


def test_the_session_cookie_is_scoped_to_the_sandbox_root():
    sandbox = PipedriveSandbox()
    reply = sandbox.handle(Request(
        "POST", "/app/login", {}, {"content-type": "application/x-www-form-urlencoded"},
        f"login={quote(NORTHWIND)}&password=sandbox".encode(),
        root="http://testserver/sandbox/pipedrive",
    ))
    assert reply.status == 303
    assert reply.headers["Location"] == "http://testserver/sandbox/pipedrive/app"
    name_value, *attributes = reply.headers["Set-Cookie"].split("; ")
    assert re.fullmatch(r"sandbox_session=[\w-]{40,}", name_value)
    assert attributes == ["Path=/sandbox/pipedrive", "HttpOnly", "SameSite=Lax"]


@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/app"), ("GET", "/app/organizations"), ("GET", f"/app/persons/{GUY_LANE}"),
    ("POST", f"/app/persons/{GUY_LANE}"), ("POST", f"/app/persons/{GUY_LANE}/delete"),
])
def test_pages_without_a_session_show_sign_in_and_change_nothing(root, api, method, path):
    before = api("GET", f"/api/v2/persons/{GUY_LANE}").json()["data"]
    jar = {"sandbox_session": "not-a-session"}
    reply = requests.request(method, root + path, data={"name": "Intruder"}, cookies=jar,
                             allow_redirects=False, timeout=10)
    assert is_sign_in(reply.text)
    assert reply.status_code == (200 if method == "GET" else 401)
    assert api("GET", f"/api/v2/persons/{GUY_LANE}").json()["data"] == before


def test_signing_out_ends_the_session(root, user):
    user.post(f"{root}/app/logout", timeout=10)
    assert is_sign_in(user.get(f"{root}/app", timeout=10).text)


# --- reading ----------------------------------------------------------------------------------

def test_the_people_page_lists_the_company_live_people_by_id(root, user, api):
    page = user.get(f"{root}/app", timeout=10)
    assert page.status_code == 200
    assert "<h1>People</h1>" in page.text and "Northwind Traders" in page.text
    assert f'<a href="{root}/app/organizations">Organizations</a>' in page.text
    assert "<th>Name</th><th>Email</th><th>Phone</th><th>Organization</th>" in page.text
    persons = api("GET", "/api/v2/persons", params={"limit": 500}).json()["data"]
    assert names_listed(page.text) == [p["name"] for p in sorted(persons, key=lambda p: p["id"])]
    assert (f'<a href="{root}/app/persons/{GUY_LANE}">Guy Lane</a></td>'
            "<td>GUY.LANE@RIVERA.CO</td><td>+1 520 555 7565</td><td>Rivera Ltd</td>") in page.text


def test_each_company_sees_only_its_own_people(root, user):
    northwind = names_listed(user.get(f"{root}/app", timeout=10).text)
    globex = names_listed(sign_in(root, GLOBEX).get(f"{root}/app", timeout=10).text)
    assert northwind and globex and not set(northwind) & set(globex)


def test_the_organizations_page_names_each_organization_people(root, user):
    page = user.get(f"{root}/app/organizations", timeout=10)
    assert page.status_code == 200 and "<h1>Organizations</h1>" in page.text
    assert f'<a href="{root}/app">People</a>' in page.text
    assert "<th>Name</th><th>People</th>" in page.text
    assert ("<td>White-Lane</td><td>Veronica Hayes, Michelle Vaughn, Brian Webb</td>"
            in page.text)


def test_the_person_page_has_the_form_and_the_delete_button(root, user):
    page = user.get(f"{root}/app/persons/{GUY_LANE}", timeout=10).text
    action = f"{root}/app/persons/{GUY_LANE}"
    assert "<h1>Guy Lane</h1>" in page and "Organization: Rivera Ltd" in page
    assert f'<form method="post" action="{action}">' in page
    for name, label, value in (("name", "Name", "Guy Lane"), ("email", "Email",
                               "GUY.LANE@RIVERA.CO"), ("phone", "Phone", "+1 520 555 7565")):
        assert (f'<label for="{name}">{label}</label><input id="{name}" name="{name}"'
                f' type="text" value="{value}">') in page
    assert ">Save</button>" in page
    assert f'<form method="post" action="{action}/delete">' in page and ">Delete person<" in page
    assert f'<a href="{root}/app">Back to people</a>' in page


@pytest.mark.parametrize("person_id", ["999", "abc"])
def test_an_unknown_person_is_not_found(root, user, person_id):
    reply = user.get(f"{root}/app/persons/{person_id}", timeout=10)
    assert reply.status_code == 404 and "Person not found" in reply.text


def test_names_are_escaped_everywhere(root, user, api):
    script = "<script>alert(1)</script>"
    org = api("POST", "/api/v2/organizations", json={"name": f"Evil & {script}"}).json()["data"]
    person = api("POST", "/api/v2/persons", json={
        "name": f"Mallory {script}", "org_id": org["id"],
        "emails": [{"value": f'"{script}"@example.com', "primary": True}],
    }).json()["data"]
    pages = [user.get(f"{root}{path}", timeout=10).text
             for path in ("/app", "/app/organizations", f"/app/persons/{person['id']}")]
    for page in pages:
        assert "<script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Evil &amp; &lt;script&gt;" in pages[1]
    assert 'value="&quot;&lt;script&gt;' in pages[2]


# --- editing and deleting, seen by API readers ---------------------------------------------

def test_a_phone_edited_on_the_page_reaches_api_readers(sandbox, root, user, api):
    before = api("GET", f"/api/v2/persons/{GUY_LANE}").json()["data"]
    since = later(sandbox, hours=1)
    assert api("GET", "/api/v2/persons", params={"updated_since": since}).json()["data"] == []

    reply = user.post(f"{root}/app/persons/{GUY_LANE}", allow_redirects=False, timeout=10,
                      data={"name": "Guy Lane", "email": "GUY.LANE@RIVERA.CO",
                            "phone": "+1 520 555 0001"})
    assert reply.status_code == 303 and reply.headers["Location"] == f"{root}/app"

    after = api("GET", f"/api/v2/persons/{GUY_LANE}").json()["data"]
    assert [p["value"] for p in after["phones"] if p["primary"]] == ["+1 520 555 0001"]
    assert after["update_time"] == since > before["update_time"]
    assert after["emails"] == before["emails"] and after["name"] == before["name"]
    changed = api("GET", "/api/v2/persons", params={"updated_since": since}).json()["data"]
    assert [p["id"] for p in changed] == [GUY_LANE]
    assert "+1 520 555 0001" in user.get(f"{root}/app", timeout=10).text


def test_a_new_primary_email_keeps_the_other_emails(root, user, api):
    julia = 5  # two emails: the primary at work, a second one at home
    user.post(f"{root}/app/persons/{julia}", timeout=10,
              data={"name": "Julia Garcia", "email": "julia@rivera.co", "phone": ""})
    after = api("GET", f"/api/v2/persons/{julia}").json()["data"]
    assert [(e["value"], e["primary"]) for e in after["emails"]] == [
        ("julia@rivera.co", True), ("julia.g@mail.example", False)]
    assert after["phones"] == []  # a blank field clears the value


def test_a_blank_name_is_refused_and_nothing_changes(root, user, api):
    before = api("GET", f"/api/v2/persons/{GUY_LANE}").json()["data"]
    reply = user.post(f"{root}/app/persons/{GUY_LANE}", allow_redirects=False, timeout=10,
                      data={"name": "  ", "email": "guy@rivera.co", "phone": "+1 520 555 0001"})
    assert reply.status_code == 400
    assert "Validation failed: name: Parameter &#x27;name&#x27; must not be blank" in reply.text
    assert 'value="+1 520 555 0001"' in reply.text  # what was typed is kept to correct
    assert api("GET", f"/api/v2/persons/{GUY_LANE}").json()["data"] == before


def test_a_person_deleted_on_the_page_is_deleted_for_api_readers(sandbox, root, user, api):
    since = later(sandbox, hours=1)
    reply = user.post(f"{root}/app/persons/{GUY_LANE}/delete", allow_redirects=False,
                      timeout=10)
    assert reply.status_code == 303 and reply.headers["Location"] == f"{root}/app"

    listed = api("GET", "/api/v2/persons", params={"limit": 500}).json()["data"]
    assert GUY_LANE not in {p["id"] for p in listed}
    assert api("GET", f"/api/v2/persons/{GUY_LANE}").status_code == 404
    # recents lists changes strictly after since_timestamp, hence one second earlier
    earlier = (dt.datetime.fromisoformat(since.replace("Z", "+00:00"))
               - dt.timedelta(seconds=1)).strftime("%Y-%m-%d %H:%M:%S")
    recents = api("GET", "/api/v1/recents", params={"since_timestamp": earlier,
                                                     "items": "person"}).json()["data"]
    assert [(r["id"], r["data"]["active_flag"]) for r in recents] == [(GUY_LANE, False)]
    assert "Guy Lane" not in names_listed(user.get(f"{root}/app", timeout=10).text)
    assert user.get(f"{root}/app/persons/{GUY_LANE}", timeout=10).status_code == 404
