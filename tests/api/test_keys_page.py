"""Super admins create API keys (the secret shown once, only its hash kept) and revoke
them; both are audited. Nobody else may open the page."""

import hashlib
import re

import pytest
from django.test import Client
from django.urls import reverse

from syncapp.api.models import ApiKey
from syncapp.audit.models import AuditAction, AuditEntry
from tests.api.conftest import Api, is_problem

pytestmark = pytest.mark.django_db
TOKEN = re.compile(r"<code class=\"secret\" data-token>(sk_live_[0-9]+_[\w-]+)</code>")


def _create(client, **post):
    return client.post(reverse("apikeys:create"), {"name": "Nightly CI", "scope": "write",
                                                   **post})


def test_a_created_key_is_shown_once_and_works(admin_client, admin, sync):
    response = _create(admin_client)
    [token] = TOKEN.findall(response.content.decode())
    key = ApiKey.objects.get(name="Nightly CI")
    secret = token.split("_", 3)[3]  # sk_live_<id>_<secret>; the secret may hold "_"
    assert key.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(ApiKey.objects.filter(pk=key.pk).values().get())  # hash only
    assert token not in admin_client.get(reverse("apikeys:list")).content.decode()
    assert Api(token).call("POST", f"/syncs/{sync.pk}/turn-off").status_code == 200
    entry = AuditEntry.objects.get(action=AuditAction.API_KEY_CREATED)
    assert (entry.actor, entry.object_label, entry.changes) == (
        admin.user, "Nightly CI", {"scope": "write"})
    key.refresh_from_db()
    assert key.last_used_at is not None


def test_a_revoked_key_is_refused_and_the_revocation_audited(admin_client, admin, sync):
    [token] = TOKEN.findall(_create(admin_client).content.decode())
    key = ApiKey.objects.get(name="Nightly CI")
    response = admin_client.post(reverse("apikeys:revoke", args=[key.pk]), follow=True)
    assert "is revoked" in response.content.decode()
    is_problem(Api(token).get("/syncs"), 401)
    admin_client.post(reverse("apikeys:revoke", args=[key.pk]))  # twice: one entry
    assert AuditEntry.objects.filter(action=AuditAction.API_KEY_REVOKED).count() == 1


@pytest.mark.parametrize("post", [{"name": ""}, {"scope": "admin"}, {"name": "x" * 101},
                                  {"name": "a\x00b"}])
def test_a_bad_form_creates_nothing(admin_client, post):
    assert _create(admin_client, **post).status_code == 400
    assert not ApiKey.objects.exists()
    assert not AuditEntry.objects.filter(action=AuditAction.API_KEY_CREATED).exists()


@pytest.mark.parametrize("persona", ["ops_client", "support_client", "marketer_client",
                                     "member_client"])
def test_only_super_admins_manage_keys(request, persona, admin):
    client = request.getfixturevalue(persona)
    assert client.get(reverse("apikeys:list")).status_code == 403
    assert _create(client).status_code == 403
    assert not ApiKey.objects.exists()


def test_another_portals_admin_cannot_revoke_our_key(admin_client, outsider_client):
    _create(admin_client)
    key = ApiKey.objects.get()
    assert outsider_client.post(reverse("apikeys:revoke", args=[key.pk])).status_code == 404
    key.refresh_from_db()
    assert key.is_active


def test_creating_a_key_needs_the_csrf_token(admin):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin.user)
    assert _create(client).status_code == 403
    assert not ApiKey.objects.exists()


def test_the_nav_links_the_page_for_super_admins(admin_client):
    assert reverse("apikeys:list") in admin_client.get(reverse("audit:log")).content.decode()


def test_the_reference_is_served_from_the_schema_under_the_csp(client):
    schema = client.get("/api/v1/openapi.json").json()
    page = client.get("/api/v1/docs")
    html = page.content.decode()
    assert page.status_code == 200
    for path in schema["paths"]:
        assert path in html
    assert "<script" not in html.replace('<script src="/static/', "") and "style=" not in html
    assert "script-src 'self'" in page["Content-Security-Policy"]
    # Nothing from a CDN: every script and stylesheet is the installation's own (a random
    # token may well spell "cdn", so look at the addresses).
    assert not re.search(r'(?:src|href)="(?:https?:)?//', html)
