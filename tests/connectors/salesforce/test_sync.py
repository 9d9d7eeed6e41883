"""Contacts synced both ways between the hub and a Salesforce org, by the real engine,
against the sandbox over real HTTP (as the Celery task runs it, slice by slice)."""

import pytest

from connectors.salesforce import SalesforceConnector
from connectors.sdk import ErrorCategory
from syncapp.crm.models import Record
from syncapp.crm.services import create_record
from syncapp.syncs.models import Link, LinkStatus
from syncapp.syncs.run.runner import SyncRunner
from tests.connectors.salesforce.kit import LOGIN
from tests.kits.engine import make_sync, open_app, run, settle

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def salesforce(portal):
    app, server = open_app(SalesforceConnector, portal, LOGIN)
    yield app
    server.__exit__(None, None, None)


def _hub(portal, email: str) -> Record:
    return Record.objects.get(portal=portal, object_type="contact", email_key=email)


def test_contacts_sync_both_ways_and_match_by_email(portal, salesforce):
    henry = create_record(portal, "contact", {"email": "hank.scorpio@globex.example",
                                              "firstname": "Henry", "lastname": "Scorpio"})
    create_record(portal, "contact", {"email": "new@hub.example", "firstname": "Hubby",
                                      "lastname": "Only"})
    nameless = create_record(portal, "contact", {"email": "nameless@hub.example"})
    sync = make_sync(salesforce, "Contact", winner="hub")
    settle(portal)
    run(salesforce, sync)

    in_salesforce = {v.get("Email"): v for v in salesforce.all("Contact").values()}
    assert in_salesforce["new@hub.example"]["LastName"] == "Only"
    # Matched by email whatever its letter case (no second Hank); the hub won.
    assert [v["FirstName"] for v in in_salesforce.values()
            if v.get("LastName") == "Scorpio"] == ["Henry"]
    assert _hub(portal, "frank.grimes@globex.example").properties["lastname"] == "Grimes"
    failed = Link.objects.get(object_sync=sync, hub_record=nameless)
    assert failed.status == LinkStatus.FAILED
    assert failed.error_category == ErrorCategory.REQUIRED_MISSING

    frank_id = next(i for i, v in salesforce.all("Contact").items()
                    if v.get("Email") == "frank.grimes@globex.example")
    salesforce.update("Contact", frank_id, Title="Safety inspector")
    henry_link = Link.objects.get(object_sync=sync, hub_record=henry)
    run(salesforce, sync)
    assert _hub(portal, "frank.grimes@globex.example").properties["jobtitle"] == \
        "Safety inspector"
    henry_link.refresh_from_db()
    assert henry_link.status == LinkStatus.IN_SYNC


def test_a_run_pauses_with_a_message_once_the_allowed_share_of_the_budget_is_spent(
        portal, salesforce):
    org = salesforce.sandbox.accounts["00DRO0000001"]
    sync = make_sync(salesforce, "Contact")
    settle(portal)
    org.api_limit = len(org.calls) + 2  # the run's first call spends the allowed half
    connector = salesforce.connector()
    connector.http.budget_share = 0.5  # as build_connector sets it from the connection

    SyncRunner(sync, connector=connector, batch=50).run_for(60)

    sync.refresh_from_db()
    assert sync.pause_reason == ErrorCategory.RATE_LIMITED
    assert "API calls used in the last 24 h" in sync.pause_message
    assert sync.paused_until is not None
