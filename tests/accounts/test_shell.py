"""The shell every page shares (menus, portal switcher, language) and the sign-in pages."""


from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client, RequestFactory
from django.urls import reverse

from syncapp.accounts.decorators import permission_denied
from syncapp.accounts.permissions import Permission
from tests.conftest import PASSWORD

# --- the shell and accounts pages -------------------------------------------------------------


def test_shell_has_menus_portal_switcher_language_and_logout(admin_client):
    content = admin_client.get(reverse("crm:list", args=["contact"])).content.decode()
    for expected in ("Syncapp", "Companies", "Invoices", "Meetings", "admin@acme.test",
                     reverse("accounts:switch_portal"), "/i18n/setlang/",
                     reverse("accounts:logout"), "Português (Brasil)", "js/htmx.min.js",
                     'hx-headers=\'{"X-CSRFToken": '):
        assert expected in content


def test_login_page_renders_and_logs_in(admin):
    client = Client()
    page = client.get(reverse("accounts:login"))
    assert page.status_code == 200
    assert ">Email</label>" in page.content.decode()

    bad = client.post(reverse("accounts:login"),
                      {"username": "admin@acme.test", "password": "wrong"})
    assert bad.status_code == 200
    assert "banner-danger" in bad.content.decode()

    response = client.post(reverse("accounts:login"),
                           {"username": "admin@acme.test", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("crm:list", args=["contact"])).status_code == 200


def test_anonymous_user_is_sent_to_login(db):
    response = Client().get(reverse("crm:list", args=["contact"]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_user_without_portal_sees_no_portal_page(db, django_user_model):
    user = django_user_model.objects.create_user("lonely@example.test", password=PASSWORD)
    client = Client()
    client.force_login(user)
    response = client.get(reverse("crm:list", args=["contact"]))
    assert response.status_code == 403
    assert "not a member of any portal" in response.content.decode()


def test_permission_denied_page_names_the_missing_permission(admin):
    request = RequestFactory().get("/somewhere/")
    request.user = admin.user
    request.portal = admin.portal
    request.membership = admin
    request.session = SessionStore()
    request._messages = FallbackStorage(request)  # as the middleware does
    response = permission_denied(request, Permission.MARKETPLACE)
    assert response.status_code == 403
    assert "App Marketplace" in response.content.decode()




def test_language_switch_posts_to_set_language(admin_client):
    response = admin_client.post("/i18n/setlang/", {"language": "pt-br", "next": "/crm/contact/"})
    assert response.status_code == 302
    page = admin_client.get(reverse("crm:list", args=["contact"])).content.decode()
    assert '<html lang="pt-br">' in page
