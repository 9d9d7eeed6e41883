"""What the scenarios do in the browser, in the words a person reads on the page.

Labels go through `t` (tests/kits/e2e/texts.py), so the same steps run in every
language the product ships. Where a page shows a value rather than a label,
stable attributes (data-state, name=, value=) find it instead.
"""

import time
from dataclasses import dataclass, field

from playwright.sync_api import Page, expect

from syncapp.crm.demo import DEMO_PASSWORD
from tests.kits.e2e.stack import Stack
from tests.kits.e2e.texts import Texts

HTMX_BUSY = ".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added"
# A change reaches the other side within one poll interval plus a tick and the run
# itself (waits.jsonl: 5 s at most so far); 30 s keeps a busy machine from failing.
PROPAGATION_TIMEOUT_S = 30
SANDBOX_PASSWORD = "sandbox"  # the sandbox accounts' published password


def settled(page: Page) -> None:
    """Wait until htmx has swapped and set up the new content."""
    page.wait_for_function(f"() => !document.querySelector({HTMX_BUSY!r})")


@dataclass
class Person:
    """A person using Syncapp: one browser tab, one language."""

    page: Page
    stack: Stack
    t: Texts
    waits: dict[str, float] = field(default_factory=dict)  # how long changes took to travel
    password: str = DEMO_PASSWORD  # the demo's people; an installation's own choose theirs

    def log_in(self, email: str) -> None:
        page, t = self.page, self.t
        page.goto(self.stack.url + "/accounts/login/")
        page.get_by_label(t("Email")).fill(email)
        page.get_by_label(t("Password")).fill(self.password)
        page.get_by_role("button", name=t("Log in")).click()
        expect(page.get_by_role("heading", name=t("Contacts"), exact=True, level=1)).to_be_visible()

    def open_integration(self, app: str) -> None:
        """Data management → Integrations → the app, as the help article says."""
        page, t = self.page, self.t
        if not page.url.startswith(self.stack.url + "/") or "/sandbox/" in page.url:
            page.goto(self.stack.url + "/")
        page.get_by_text(t("Data management")).click()
        page.get_by_role("navigation", name=t("Main")).get_by_role(
            "link", name=t("Integrations")).click()
        page.locator("table").get_by_role("link", name=app, exact=True).first.click()
        expect(page.get_by_role("heading", name=app, exact=True)).to_be_visible()

    def app_tab(self, name: str) -> None:
        self.page.get_by_role("navigation", name=self.t("App sections")).get_by_role(
            "link", name=self.t(name)).click()

    def actions(self, item: str) -> None:
        page = self.page
        page.locator(".page-actions summary", has_text=self.t("Actions")).click()
        page.locator(".page-actions .menu-panel").get_by_text(self.t(item), exact=True).click()

    def consent(self, login: str) -> None:
        """The vendor's page: sign in to the app account, review, Allow."""
        page = self.page
        expect(page.get_by_role("button", name="Allow")).to_be_visible()
        page.get_by_label("Email").fill(login)
        page.get_by_label("Password").fill(SANDBOX_PASSWORD)
        page.get_by_role("button", name="Allow").click()

    def hub_record(self, object_type: str, email_or_name: str) -> str:
        """The address of a hub record found by its identifier."""
        record_id = self.stack.scalar(
            "SELECT id FROM crm_record WHERE object_type = %s AND archived_at IS NULL"
            " AND (email_key = lower(%s) OR display_name = %s) ORDER BY id LIMIT 1",
            object_type, email_or_name, email_or_name)
        assert record_id, f"no {object_type} {email_or_name!r} in the hub"
        return f"{self.stack.url}/crm/{object_type}/{record_id}/"

    def until_shown(self, what: str, url: str, locate, text: str, *, started: float) -> None:
        """Reload `url` until the located element shows `text`; note how long it took."""
        deadline = started + PROPAGATION_TIMEOUT_S
        while True:
            self.page.goto(url)
            try:
                expect(locate(self.page)).to_contain_text(text, timeout=1_000)
            except AssertionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
                continue
            self.waits[what] = round(time.monotonic() - started, 1)
            return

    def hub_property(self, label: str):
        return lambda page: page.locator(".property", has=page.locator("dt").get_by_text(
            self.t(label), exact=True)).locator("dd")


class SandboxApp:
    """The Pipedrive sandbox's own pages: the app side, as its user sees it."""

    def __init__(self, person: Person, login: str):
        self.person = person
        self.root = f"{person.stack.url}/sandbox/pipedrive/app"
        self.login = login

    @property
    def page(self) -> Page:
        return self.person.page

    def sign_in(self) -> None:
        page = self.page
        page.goto(self.root)
        page.get_by_label("Email").fill(self.login)
        page.get_by_label("Password").fill(SANDBOX_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="People")).to_be_visible()

    def person_row(self, name: str):
        return lambda page: page.locator("tbody tr", has=page.get_by_role(
            "link", name=name, exact=True))

    def edit_person(self, name: str, **values: str) -> None:
        page = self.page
        page.goto(self.root)
        page.get_by_role("link", name=name, exact=True).click()
        for label, value in values.items():
            page.get_by_label(label.capitalize(), exact=True).fill(value)
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_role("heading", name="People")).to_be_visible()

    def delete_person(self, name: str) -> None:
        page = self.page
        page.goto(self.root)
        page.get_by_role("link", name=name, exact=True).click()
        page.get_by_role("button", name="Delete person").click()
        expect(page.get_by_role("heading", name="People")).to_be_visible()
        expect(page.get_by_role("link", name=name, exact=True)).to_have_count(0)
