"""Security defaults: a Content-Security-Policy on every page, HSTS with secure cookies,
and a debug page that never shows the database's address."""

import re
import runpy
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.views.debug import technical_500_response

from connectors.sdk.sandbox.styles import csp_hash
from syncapp.core.csp import HEADER
from syncapp.settings import base as base_settings
from tests.kits.csp import assert_carries_the_policy, assert_has_no_inline_code
from tests.kits.health import quiet_sync

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
PASSWORD = "hunter" + "2"  # never whole in this file: the debug page shows its source
DATABASE_URL = f"postgres://syncapp:{PASSWORD}@db.internal:5432/syncapp"
REDIS_URL = f"redis://:{PASSWORD}@cache.internal:6379/0"


def sync_pages(sync) -> dict[str, str]:
    key, pk = sync.connection.app_key, sync.pk
    return {
        "sync": reverse("syncs:detail", args=[key, pk]),
        "overview": reverse("health:overview", args=[key]),
        "in_sync": reverse("health:in_sync", args=[key, pk]),
        "failed": reverse("health:failed", args=[key, pk]),
        "excluded": reverse("health:excluded", args=[key, pk]),
        "records": reverse("health:records", args=[key]),
    }


def main_pages(role: str, sync) -> list[str]:
    """The main pages each persona reaches from the menus (and one they may not)."""
    crm = ["/crm/contact/", "/crm/contact/new/", "/crm/company/", "/crm/deal/"]
    apps = ["/marketplace/", "/marketplace/hubspot/", "/integrations/",
            "/integrations/hubspot/", "/settings/import-export/", "/import/new/"]
    health = list(sync_pages(sync).values())
    return {
        "anonymous": ["/accounts/login/", "/crm/contact/"],
        "admin": crm + apps + health,
        "marketer": crm + apps,
        "ops": crm + health,
        "support": crm + health,
        "outsider": crm + health,  # another portal's sync: refused, still with the policy
    }[role]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["anonymous", "admin", "marketer", "ops", "support",
                                  "outsider"])
def test_every_main_page_of_every_persona_carries_the_policy(role, request, portal):
    sync = quiet_sync(portal)
    client = Client()
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role).user)
    for url in main_pages(role, sync):
        response = client.get(url)
        assert response.status_code < 500, url
        assert_carries_the_policy(response, url)
        if response["Content-Type"].startswith("text/html"):
            assert_has_no_inline_code(response.content.decode(), url)


def test_no_template_holds_an_inline_script_handler_or_style_attribute():
    for template in TEMPLATES.rglob("*.html"):
        assert_has_no_inline_code(template.read_text(), str(template.relative_to(TEMPLATES)))


def test_htmx_is_told_not_to_inject_styles_or_evaluate_code(admin_client):
    html = admin_client.get("/crm/contact/").content.decode()
    assert '"includeIndicatorStyles": false' in html
    assert '"allowEval": false' in html


@pytest.mark.django_db
def test_forms_may_post_only_to_us_and_the_vendors_consent_pages(client):
    policy = client.get("/accounts/login/")[HEADER]
    form_action = re.search(r"form-action ([^;]+)", policy).group(1).split()
    assert form_action[0] == "'self'"
    assert "https://app.hubspot.com" in form_action
    assert "https://oauth.pipedrive.com" in form_action
    assert "https://login.microsoftonline.com" in form_action


def _inline_styles_are_allowed_by_hash(response) -> None:
    html = response.content.decode()
    styles = re.findall(r"<style>(.*?)</style>", html, re.DOTALL)
    assert styles, "a sandbox page carries its look in one <style>"
    for style in styles:
        assert csp_hash(style) in response[HEADER]
    assert_has_no_inline_code(html, response.request["PATH_INFO"])


@pytest.mark.django_db
def test_sandbox_pages_carry_the_policy_and_only_their_own_style_is_allowed(admin_client):
    _inline_styles_are_allowed_by_hash(admin_client.get("/sandbox/pipedrive/app"))
    consent = urlsplit(admin_client.post(reverse("integrations:install", args=["hubspot"]))
                       ["Location"])
    _inline_styles_are_allowed_by_hash(admin_client.get(f"{consent.path}?{consent.query}"))
    assert "sha256" not in admin_client.get("/crm/contact/")[HEADER]


def hsts_seconds(**env: str) -> int:
    """SECURE_HSTS_SECONDS as the production settings work it out from `env`."""
    with pytest.MonkeyPatch.context() as patch:
        for name in ("DEBUG", "SECURE_COOKIES", "HSTS_SECONDS"):
            patch.delenv(name, raising=False)
        for name, value in env.items():
            patch.setenv(name, value)
        return runpy.run_path(base_settings.__file__)["SECURE_HSTS_SECONDS"]


def test_secure_cookies_turn_hsts_on():
    assert hsts_seconds() == 31_536_000  # production: secure cookies by default
    assert hsts_seconds(SECURE_COOKIES="true", DEBUG="true") == 31_536_000
    assert hsts_seconds(SECURE_COOKIES="true", HSTS_SECONDS="600") == 600
    assert hsts_seconds(SECURE_COOKIES="false") == 0
    assert hsts_seconds(DEBUG="true") == 0  # make run: plain HTTP on localhost


@pytest.mark.django_db
def test_https_responses_tell_browsers_to_keep_to_https(settings):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    response = Client().get("/accounts/login/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000"


def debug_page(request) -> str:
    """The page Django shows for an error in a view while DEBUG is on."""
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        return technical_500_response(request, *sys.exc_info()).content.decode()


@override_settings(DEBUG=True)
def test_the_debug_page_never_shows_the_database_or_redis_address(settings):
    settings.DATABASE_URL = DATABASE_URL
    # runserver copies the environment into every request's META
    page = debug_page(RequestFactory().get("/", DATABASE_URL=DATABASE_URL, REDIS_URL=REDIS_URL))
    assert "boom" in page and "DATABASE_URL" in page
    assert PASSWORD not in page
