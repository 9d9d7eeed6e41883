"""Pipedrive itself, as its users see it: people to edit or delete, and organizations.

Served below the sandbox root at /app, signed in with a sandbox account, so that a
browser test or a person trying the demo can change records on Pipedrive's side.
Edits and deletions go through the same code as the API's PATCH and DELETE, so API
readers (`updated_since`, /v1/recents) see them like any other change.
/app/settings/api shows the signed-in user's personal API token, as Personal
preferences > API does in Pipedrive.
"""

import functools
from urllib.parse import quote

from connectors.pipedrive.sandbox.base import PipedriveCore
from connectors.pipedrive.sandbox.rules import Invalid
from connectors.pipedrive.sandbox.store import PipedriveCompany
from connectors.sdk.sandbox import Response, route
from connectors.sdk.sandbox.app_pages import (
    AppSessions,
    Html,
    error_note,
    field,
    form_fields,
    link,
    page,
    record_missing,
    record_page,
    see_other,
    sign_in_page,
    table,
    text,
)

VENDOR = "Pipedrive"


def signed_in(handler):
    """Run the page for the signed-in account, under the sandbox lock; else sign in."""

    @functools.wraps(handler)
    def wrapped(self, request, **params):
        with self.lock:
            account = self.accounts.get(self.app_sessions.account_id(request) or "")
            if account is not None:
                return handler(self, request, account, **params)
        # A post without a session changes nothing, and says so.
        return self.app_sign_in_page(request, status=200 if request.method == "GET" else 401)

    return wrapped


def with_person(handler):
    """Inside `signed_in`: pass the live person the path names; else "Person not found"."""

    @functools.wraps(handler)
    def wrapped(self, request, account, person_id):
        person = account.live("persons", person_id)
        if person is None:
            return person_not_found(request)
        return handler(self, request, account, person)

    return wrapped


class PipedriveAppPages(PipedriveCore):
    """Pipedrive's web app, over the same companies and record changes as its API."""

    def __init__(self, *args, **kwargs):
        self.app_sessions = AppSessions()
        super().__init__(*args, **kwargs)

    def app_sign_in_page(self, request, error: str = "", status: int = 200) -> Response:
        with self.lock:
            accounts = [(a.login, a.name) for a in self.accounts.values()]
        # A page opened signed out (a link from the product) comes back after sign-in.
        back = request.arg("next") or (request.path if request.method == "GET" else "")
        action = f"{request.root}/app/login" + (f"?next={quote(back)}" if back else "")
        return sign_in_page(vendor=VENDOR, action=action, accounts=accounts, error=error,
                            status=status)

    @route("POST", "/app/login", auth=False)
    def app_login(self, request):
        form = form_fields(request)
        with self.lock:
            account = self.account_by_login(form.get("login", ""), form.get("password", ""))
        if account is None:
            return self.app_sign_in_page(request, "Wrong email or password.", 401)
        back = request.arg("next") or ""
        target = back if back.startswith("/") and not back.startswith("//") else "/app"
        return see_other(request.root + target, self.app_sessions.start(account.id, request.root))

    @route("POST", "/app/logout", auth=False)
    def app_logout(self, request):
        return see_other(f"{request.root}/app", self.app_sessions.end(request, request.root))

    @route("GET", "/app", auth=False)
    @signed_in
    def app_people(self, request, account):
        rows = [
            (link(f"{request.root}/app/persons/{p['id']}", p["name"]), primary(p["emails"]),
             primary(p["phones"]), organization_name(account, p))
            for p in live(account, "persons")
        ]
        body = Html(
            nav(request, link(f"{request.root}/app/organizations", "Organizations"))
            + f'<h1>People</h1><p class="muted">{text(account.name)}</p>'
            + table(["Name", "Email", "Phone", "Organization"], rows)
        )
        return page("People", VENDOR, body)

    @route("GET", "/app/organizations", auth=False)
    @signed_in
    def app_organizations(self, request, account):
        people: dict[int, list[str]] = {}
        for person in live(account, "persons"):
            people.setdefault(person["org_id"], []).append(person["name"])
        rows = [(org["name"], ", ".join(people.get(org["id"], [])))
                for org in live(account, "organizations")]
        body = Html(
            nav(request, link(f"{request.root}/app", "People"))
            + f'<h1>Organizations</h1><p class="muted">{text(account.name)}</p>'
            + table(["Name", "People"], rows)
        )
        return page("Organizations", VENDOR, body)

    @route("GET", "/app/settings/api", auth=False)
    @signed_in
    def app_api_token(self, request, account):
        """Personal preferences > API: the signed-in company's personal API token."""
        token = next(t for t, user in account.api_tokens.items() if user == account.admin_id)
        body = Html(
            nav(request, link(f"{request.root}/app", "People"))
            + f'<h1>API</h1><p class="muted">{text(account.name)}</p>'
            + f"<p>Your personal API token: <code id=\"api-token\">{text(token)}</code></p>"
        )
        return page("API", VENDOR, body)

    @route("GET", "/app/persons/{person_id}", auth=False)
    @signed_in
    @with_person
    def app_person(self, request, account, person):
        return person_page(request, account, person, person_form_values(person))

    @route("POST", "/app/persons/{person_id}", auth=False)
    @signed_in
    @with_person
    def app_person_save(self, request, account, person):
        form = form_fields(request)
        changes = person_changes(person, form)
        if changes:
            try:
                self.update_record(account, "persons", person, changes)
            except Invalid as refused:
                shown = {**person_form_values(person), **form}
                return person_page(request, account, person, shown, error=refused.message,
                                   status=400)
        return see_other(f"{request.root}/app")

    # --- Pipedrive's own addresses of one record (what the connector links to) -----------

    @route("GET", "/person/{person_id}", auth=False)
    @signed_in
    @with_person
    def web_person(self, request, account, person):
        return person_page(request, account, person, person_form_values(person))

    @route("GET", "/organization/{record_id}", auth=False)
    @signed_in
    def web_organization(self, request, account, record_id):
        return read_only_page(account, "organizations", record_id)

    @route("GET", "/deal/{record_id}", auth=False)
    @signed_in
    def web_deal(self, request, account, record_id):
        return read_only_page(account, "deals", record_id)

    @route("GET", "/product/{record_id}", auth=False)
    @signed_in
    def web_product(self, request, account, record_id):
        return read_only_page(account, "products", record_id)

    @route("POST", "/app/persons/{person_id}/delete", auth=False)
    @signed_in
    @with_person
    def app_person_delete(self, request, account, person):
        self.delete_record(account, "persons", person)
        return see_other(f"{request.root}/app")


# --- what the pages show --------------------------------------------------------------------


def live(account, object_name: str) -> list[dict]:
    return sorted((r for r in account.data[object_name].values() if not r["is_deleted"]),
                  key=lambda r: r["id"])


def primary(items: list[dict]) -> str:
    return next((i["value"] for i in items if i.get("primary")), "")


def organization_name(account, person: dict) -> str:
    org = account.live("organizations", person["org_id"]) if person["org_id"] else None
    return org["name"] if org else ""


def nav(request, *links: Html) -> Html:
    sign_out = (f'<form method="post" action="{text(request.root)}/app/logout">'
                '<button type="submit">Sign out</button></form>')
    return Html(f"<nav>{''.join(links)}{sign_out}</nav>")


def person_form_values(person: dict) -> dict[str, str]:
    return {"name": person["name"], "email": primary(person["emails"]),
            "phone": primary(person["phones"])}


def person_page(request, account, person: dict, values: dict[str, str], *, error: str = "",
                status: int = 200) -> Response:
    action = f"{request.root}/app/persons/{person['id']}"
    organization = organization_name(account, person) or "none"
    body = Html(
        f"<h1>{text(person['name'])}</h1>"
        f'<p class="muted">Organization: {text(organization)}</p>{error_note(error)}'
        f'<form method="post" action="{text(action)}">'
        + field("name", "Name", values.get("name", ""))
        + field("email", "Email", values.get("email", ""))
        + field("phone", "Phone", values.get("phone", ""))
        + '<button class="primary" type="submit">Save</button></form>'
        f'<form method="post" action="{text(action)}/delete">'
        '<button class="danger" type="submit">Delete person</button></form>'
        f"<p>{link(f'{request.root}/app', 'Back to people')}</p>"
    )
    return page(person["name"], VENDOR, body, status)


def read_only_page(account: PipedriveCompany, object_name: str, record_id: str) -> Response:
    kind = object_name[:-1].title()
    record = account.live(object_name, record_id)
    if record is None:
        return record_missing(VENDOR, kind)
    details = sorted((key, value) for key, value in record.items()
                     if isinstance(value, str | int | float) and not isinstance(value, bool))
    return record_page(vendor=VENDOR, title=record.get("name") or record.get("title") or kind,
                       details=details, kind=kind)


def person_not_found(request) -> Response:
    body = Html(f"<h1>Person not found</h1><p>{link(f'{request.root}/app', 'Back to people')}</p>")
    return page("Person not found", VENDOR, body, 404)


# --- what a save changes --------------------------------------------------------------------


def person_changes(person: dict, form: dict[str, str]) -> dict:
    """The API body for what the form changed: name, and the primary email and phone.

    The other emails and phones are kept (Pipedrive replaces the whole list); a
    blank primary is dropped, and the next entry becomes primary.
    """
    changes: dict = {}
    if "name" in form and form["name"].strip() != person["name"]:
        changes["name"] = form["name"].strip()
    for key, items in (("email", "emails"), ("phone", "phones")):
        if key in form and form[key].strip() != primary(person[items]):
            changes[items] = with_primary(person[items], form[key].strip())
    return changes


def with_primary(items: list[dict], value: str) -> list[dict]:
    current = next((i for i in items if i.get("primary")), None)
    others = [dict(i) for i in items if i is not current]
    if not value:
        return others
    label = current.get("label") if current else "work"
    return [{"value": value, "primary": True, "label": label or "work"}, *others]

