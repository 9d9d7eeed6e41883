"""The Django admin at /admin/: the installation's staff operators see portals, people,
memberships, connections (never their tokens), syncs and runs (read-only); portal
members who are not staff are sent to the admin's login."""

import pytest
from django.test import Client
from django.urls import reverse

from syncapp.integrations.models import Connection
from syncapp.syncs.models import Run
from tests.kits.csp import assert_carries_the_policy, assert_has_no_inline_code
from tests.kits.health import quiet_sync

pytestmark = pytest.mark.django_db
MODELS = ["accounts_portal", "accounts_membership", "auth_user", "integrations_connection",
          "syncs_objectsync", "syncs_run"]
READ_ONLY = ["integrations_connection", "syncs_objectsync", "syncs_run"]
CIPHERTEXT = "gAAAA-the-stored-ciphertext"


@pytest.fixture
def operator(operator):
    """A client signed in as the installation's staff superuser (tests/conftest.py)."""
    client = Client()
    client.force_login(operator.user)
    return client


@pytest.fixture
def sync(portal, admin):
    sync = quiet_sync(portal)
    Connection.objects.filter(pk=sync.connection_id).update(token_ciphertext=CIPHERTEXT)
    Run.objects.create(portal=portal, object_sync=sync, kind="incremental")
    return sync


def pages(sync) -> list[str]:
    run = Run.objects.get(object_sync=sync)
    objects = {"accounts_portal": sync.portal_id, "integrations_connection": sync.connection_id,
               "syncs_objectsync": sync.pk, "syncs_run": run.pk}
    return ([reverse("admin:index")]
            + [reverse(f"admin:{model}_changelist") for model in MODELS]
            + [reverse(f"admin:{model}_change", args=[pk]) for model, pk in objects.items()])


def test_an_operator_opens_every_page_under_the_csp(operator, sync):
    for url in pages(sync):
        response = operator.get(url)
        assert response.status_code == 200, url
        assert_carries_the_policy(response, url)
        assert_has_no_inline_code(response.content.decode(), url)


def test_connection_tokens_are_never_shown_or_editable(operator, sync):
    url = reverse("admin:integrations_connection_change", args=[sync.connection_id])
    page = operator.get(url).content.decode()
    assert CIPHERTEXT not in page
    assert "token_ciphertext" not in page and "token expires" not in page.lower()
    operator.post(url, {"token_ciphertext": "pasted", "account_name": "Renamed"})
    assert Connection.objects.filter(pk=sync.connection_id,
                                     token_ciphertext=CIPHERTEXT).exists()


@pytest.mark.parametrize("model", READ_ONLY)
def test_syncs_runs_and_connections_cannot_be_added_or_deleted(operator, sync, model):
    assert operator.get(reverse(f"admin:{model}_add")).status_code == 403
    assert b'name="action"' not in operator.get(reverse(f"admin:{model}_changelist")).content


def test_a_portal_super_admin_who_is_not_staff_is_sent_to_the_admin_login(admin):
    client = Client()
    client.force_login(admin.user)
    for model in MODELS:
        response = client.get(reverse(f"admin:{model}_changelist"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))


def test_an_operator_edits_a_membership_role(operator, marketer):
    url = reverse("admin:accounts_membership_change", args=[marketer.pk])
    form = {"user": marketer.user_id, "portal": marketer.portal_id, "can_view_health": "on"}
    assert operator.post(url, form).status_code == 302
    marketer.refresh_from_db()
    assert marketer.can_view_health and not marketer.can_marketplace
