"""The newer apps, as an admin meets them in the browser: a Salesforce org connected from
the App Marketplace and its contacts synced both ways, then a table of the team's own
Postgres database connected by its address and synced one way, into the hub.

A real Celery worker runs the dry runs and the syncs; Salesforce's sandbox is served by
the live server; the Postgres table lives in a second, real database.
"""

import os

import psycopg
import pytest
from django.urls import reverse
from playwright.sync_api import expect

from syncapp.accounts.services import add_member, create_portal
from syncapp.crm.models import Record
from syncapp.crm.services import create_record
from syncapp.integrations import sandbox_state
from syncapp.syncs.models import ObjectSync, SyncState
from tests.browser.test_connect_apps import consent_in_sandbox
from tests.browser.test_sync_wizard import ADMIN, PASSWORD, log_in
from tests.kits.second_database import second_database
from tests.kits.worker import sync_worker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser, pytest.mark.worker]

SALESFORCE_LOGIN = "admin@globex.example"


@pytest.fixture
def northwind(db):
    """A portal whose CRM holds one person Salesforce has (in other letter case) and one
    it lacks."""
    portal = create_portal("Northwind Traders")
    add_member(portal, ADMIN, PASSWORD, is_super_admin=True)
    create_record(portal, "contact", {"email": "hank.scorpio@globex.example",
                                      "firstname": "Henry", "lastname": "Scorpio"})
    create_record(portal, "contact", {"email": "marge@northwind.test",
                                      "firstname": "Marge", "lastname": "Bouvier"})
    return portal


def install_from_the_marketplace(page, app: str) -> None:
    page.get_by_role("link", name="App Marketplace").click()
    page.get_by_label("Search apps").fill(app)
    page.locator(".app-card", has_text=app).click()
    expect(page.get_by_role("heading", name=app, exact=True)).to_be_visible()
    page.get_by_role("link", name="Install app").click()


def walk_the_wizard(page, shot, name: str, pairing: str, direction: str, winner: str) -> None:
    """Choose the pairing, the direction and the winner, keep the default mappings and
    limits; Review waits for the worker's dry run; Save and sync, then watch it end."""
    page.get_by_role("link", name="Set up sync").first.click()
    page.get_by_text(pairing).first.click()
    page.get_by_role("button", name="Next").click()
    page.get_by_text(direction).click()
    page.get_by_label("Default app when values differ").select_option(label=winner)
    shot(f"{name}-direction")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Map your fields")).to_be_visible()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_text("Limits apply to the initial linking")).to_be_visible()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Review the rules")).to_be_visible()
    expect(page.get_by_test_id("dry-run-counts")).to_be_visible(timeout=60_000)
    shot(f"{name}-review")
    page.get_by_role("button", name="Save and sync").click()
    expect(page.locator(".flash-success")).to_contain_text("The initial sync has started")
    progress = page.locator("#sync-progress")
    expect(progress).to_have_attribute("data-state", "done", timeout=90_000)
    shot(f"{name}-finished")


def hub_contact(portal, email: str) -> Record:
    return Record.objects.get(portal=portal, object_type="contact", email_key=email)


def test_salesforce_contacts_sync_both_ways(page, shot, live_sandboxes, northwind, tmp_path):
    with sync_worker(live_sandboxes, tmp_path / "worker.log"):
        log_in(page, live_sandboxes)
        install_from_the_marketplace(page, "Salesforce")
        page.get_by_role("dialog").get_by_role("button", name="Next").click()
        consent_in_sandbox(page, SALESFORCE_LOGIN)
        expect(page.locator(".flash-success")).to_contain_text("is connected")
        expect(page.locator("table")).to_contain_text("Globex Corporation")
        shot("salesforce-connected")

        walk_the_wizard(page, shot, "salesforce",
                        "Contacts in Salesforce with Contacts in Syncapp", "Two-way sync",
                        winner="Syncapp")

    sync = ObjectSync.objects.get(connection__app_key="salesforce")
    assert sync.state == SyncState.ON and sync.initial_done
    org = next(a for a in sandbox_state.in_process("salesforce").accounts.values()
               if a.login == SALESFORCE_LOGIN)
    in_salesforce = {(c.get("Email") or "").lower(): c for c in org.data["Contact"].values()}
    # Hub → Salesforce: the contact Salesforce lacked; the one both had matched by email,
    # whatever its case, with the hub's first name (the winner chosen above).
    assert in_salesforce["marge@northwind.test"]["LastName"] == "Bouvier"
    assert in_salesforce["hank.scorpio@globex.example"]["FirstName"] == "Henry"
    assert sum(c.get("LastName") == "Scorpio" for c in in_salesforce.values()) == 1
    # Salesforce → hub: the org's people the hub lacked.
    assert hub_contact(northwind, "frank.grimes@globex.example").properties["lastname"] == \
        "Grimes"


MEMBERS = """
CREATE TABLE members (
    id bigserial PRIMARY KEY,
    email text,
    first_name text,
    last_name text,
    updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO members (email, first_name, last_name) VALUES
    ('MARGE@northwind.test', 'Marjorie', 'Bouvier'),
    ('patty@northwind.test', 'Patty', 'Bouvier'),
    ('selma@northwind.test', 'Selma', 'Bouvier');
"""


@pytest.fixture
def members_table():
    """The team's own database, a second one on the test server, holding a `members`
    table; yields its connection string."""
    name = f"pgtable_browser_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    with second_database(name, MEMBERS) as dsn:
        yield dsn


def test_a_postgres_table_syncs_one_way_into_the_hub(page, shot, live_sandboxes, northwind,
                                                     members_table, tmp_path):
    with sync_worker(live_sandboxes, tmp_path / "worker.log"):
        log_in(page, live_sandboxes)
        install_from_the_marketplace(page, "PostgreSQL table")
        page.get_by_role("dialog").get_by_role("button", name="Next").click()
        page.get_by_label("Connection string").fill(members_table)
        page.get_by_label("Table or view").fill("public.members")
        page.get_by_label("Its rows are, in Syncapp").select_option(label="Contacts")
        shot("postgres-connect-form")
        page.get_by_role("button", name="Connect").click()
        deletes = page.locator("#deletes")
        expect(deletes).to_contain_text("Active: the nightly key comparison.")
        expect(page.locator("#setup-sql")).to_contain_text("CREATE TRIGGER")
        page.context.grant_permissions(["clipboard-read", "clipboard-write"],
                                       origin=live_sandboxes)
        page.get_by_role("button", name="Copy the SQL").click()
        expect(deletes.get_by_role("button", name="Copied")).to_be_visible()
        assert "CREATE TRIGGER" in page.evaluate("navigator.clipboard.readText()")
        shot("postgres-setup")

        page.goto(live_sandboxes + reverse("integrations:app", args=["postgres"]))
        walk_the_wizard(page, shot, "postgres", "with Contacts in Syncapp",
                        "PostgreSQL table to Syncapp only", winner="PostgreSQL table")

    # The table's people are in the hub, Marge matched by her email whatever its case
    # (the table wins where values differ, so her first name is the table's) …
    assert hub_contact(northwind, "patty@northwind.test").properties["firstname"] == "Patty"
    assert hub_contact(northwind, "selma@northwind.test").properties["lastname"] == "Bouvier"
    assert hub_contact(northwind, "marge@northwind.test").properties["firstname"] == \
        "Marjorie"
    # … and nothing was written to the table: the hub's own contacts stay out of it.
    with psycopg.connect(members_table) as conn:
        emails = {row[0] for row in conn.execute("SELECT email FROM members")}
    assert emails == {"MARGE@northwind.test", "patty@northwind.test", "selma@northwind.test"}
