"""The daily API budget on a connection's page: what the vendor last reported, and the
share of it Syncapp may spend (apps whose spec says `reports_api_usage`)."""

import pytest
from django.urls import reverse

from connectors.sdk.usage import ApiUsage, RedisUsageGauge
from syncapp.audit.models import AuditAction, AuditEntry
from syncapp.integrations.catalog import build_connector
from syncapp.integrations.models import Connection
from syncapp.integrations.tokens import redis_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(portal):
    connection = Connection.objects.create(portal=portal, app_key="salesforce",
                                           account_id="00DRO0000000001AAA",
                                           account_name="Globex Corporation")
    redis_client().hdel("apiusage:latest", str(connection.pk))
    return connection


def _budget_url(connection):
    return reverse("integrations:api_budget", args=["salesforce", connection.pk])


def test_the_page_shows_the_calls_used_in_the_last_24_hours(admin_client, org):
    page = admin_client.get(reverse("integrations:app", args=["salesforce"])).content.decode()
    assert "API calls used in the last 24 h" in page
    assert "Not read yet" in page
    RedisUsageGauge(redis_client(), org.pk).record(ApiUsage(1234, 15000))
    page = admin_client.get(reverse("integrations:app", args=["salesforce"])).content.decode()
    assert "1,234 of 15,000" in page
    assert "Syncapp may use 100% of them" in page


def test_apps_without_a_daily_budget_show_no_such_column(admin_client, portal):
    Connection.objects.create(portal=portal, app_key="hubspot", account_id="1",
                              account_name="Acme portal")
    page = admin_client.get(reverse("integrations:app", args=["hubspot"])).content.decode()
    assert "API calls used in the last 24 h" not in page


def test_an_admin_sets_the_share_and_the_next_run_keeps_to_it(admin_client, org):
    response = admin_client.post(_budget_url(org), {"api_budget_share": "40"})
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.api_budget_share == 40
    entry = AuditEntry.objects.get(action=AuditAction.API_BUDGET_CHANGED)
    assert entry.changes == {"api_budget_share": [100, 40]}
    assert build_connector(org).http.budget_share == 0.4


@pytest.mark.parametrize("share", ["0", "101", "half", ""])
def test_a_share_outside_1_to_100_is_refused_and_nothing_changes(admin_client, org, share):
    response = admin_client.post(_budget_url(org), {"api_budget_share": share})
    assert response.status_code == 400
    assert "whole percent from 1 to 100" in response.content.decode()
    org.refresh_from_db()
    assert org.api_budget_share == 100


def test_only_marketplace_admins_of_the_portal_may_change_it(member_client, outsider_client,
                                                              org):
    assert member_client.post(_budget_url(org), {"api_budget_share": "10"}).status_code == 403
    assert outsider_client.post(_budget_url(org), {"api_budget_share": "10"}).status_code == 404
    org.refresh_from_db()
    assert org.api_budget_share == 100
