"""A failed row and a record's sync history open the app's record in the vendor's own
app, at the address the connector's spec declares, in a new tab."""

import re

import pytest
from django.urls import reverse

from syncapp.syncs.models import Link, LinkStatus
from tests.kits.health import quiet_sync

pytestmark = pytest.mark.django_db

HUBSPOT_PAGE = "https://app.hubspot.com/contacts/4410001/record/0-1/501"


@pytest.fixture
def gone_in_hub(portal):
    sync = quiet_sync(portal)
    sync.connection.account_extra = {"hub_id": "4410001"}
    sync.connection.save()
    return Link.objects.create(portal=portal, object_sync=sync, app_id="501",
                               app_name="Ada Gone", status=LinkStatus.DELETED_IN_HUB,
                               error_category="deleted_in_hub")


def app_links(html: str) -> list[str]:
    return re.findall(r"<a [^>]*data-app-record[^>]*>", html)


def failed_panel(client, link) -> str:
    return client.get(reverse("health:failed", args=["hubspot", link.object_sync_id])
                      + "?category=deleted_in_hub").content.decode()


def test_a_failed_row_opens_the_record_in_the_app_in_a_new_tab(gone_in_hub, ops_client,
                                                                settings):
    settings.SANDBOXES_ENABLED = False
    (tag,) = app_links(failed_panel(ops_client, gone_in_hub))

    assert f'href="{HUBSPOT_PAGE}"' in tag
    assert 'target="_blank"' in tag and 'rel="noopener"' in tag


def test_the_sync_history_opens_the_record_in_the_app(gone_in_hub, ops_client, settings):
    settings.SANDBOXES_ENABLED = False
    page = ops_client.get(reverse("health:history", args=["hubspot", gone_in_hub.pk]))

    (tag,) = app_links(page.content.decode())
    assert f'href="{HUBSPOT_PAGE}"' in tag


def test_with_sandboxes_on_the_link_opens_the_sandbox_page(gone_in_hub, ops_client, settings):
    settings.SANDBOXES_ENABLED = True
    (tag,) = app_links(failed_panel(ops_client, gone_in_hub))

    assert (f'href="{settings.SITE_URL}/sandbox/hubspot/contacts/4410001/record/0-1/501"'
            in tag)


def test_no_link_without_the_account_details_the_address_needs(gone_in_hub, ops_client,
                                                               settings):
    settings.SANDBOXES_ENABLED = False
    gone_in_hub.object_sync.connection.account_extra = {}
    gone_in_hub.object_sync.connection.save()

    assert app_links(failed_panel(ops_client, gone_in_hub)) == []


def test_the_record_view_opens_a_failed_record_in_the_app(gone_in_hub, ops_client, settings):
    settings.SANDBOXES_ENABLED = False
    page = ops_client.get(reverse("health:records", args=["hubspot"]) + "?status=failed")

    (tag,) = app_links(page.content.decode())
    assert f'href="{HUBSPOT_PAGE}"' in tag
