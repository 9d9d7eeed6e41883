"""An operator creates the first portal from the command line; its admin sets a password
through the printed one-time link and is signed in. Refusals write nothing."""

import re
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client, override_settings

from syncapp.accounts.models import Membership, Portal

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-long-fresh-passphrase"


def create_portal(*args) -> str:
    out = StringIO()
    call_command("create_portal", *args, stdout=out)
    return out.getvalue()


def printed_link(output: str) -> str:
    """The path of the printed link, which must start with SITE_URL."""
    match = re.search(re.escape(settings.SITE_URL) + r"(/\S+)", output)
    assert match, output
    return match.group(1)


def set_password(client: Client, path: str, password: str = NEW_PASSWORD):
    """Open the link as a browser would (it redirects to a token-free URL), then submit."""
    page = client.get(path, follow=True)
    return page, client.post(page.redirect_chain[-1][0] if page.redirect_chain else path,
                             {"new_password1": password, "new_password2": password})


def test_create_portal_makes_a_super_admin_who_cannot_sign_in_yet():
    output = create_portal("Acme", "--admin", "ana@acme.example")
    membership = Membership.objects.get(portal__name="Acme", user__email="ana@acme.example")
    assert membership.is_super_admin
    assert not membership.user.has_usable_password()
    assert "/accounts/set-password/" in printed_link(output)


def test_the_link_sets_the_password_and_signs_the_admin_in():
    path = printed_link(create_portal("Acme", "--admin", "ana@acme.example"))
    client = Client()
    page, done = set_password(client, path)
    assert page.status_code == 200 and b"Set your password" in page.content
    assert done.status_code == 302 and done.url == "/"
    assert client.get("/").wsgi_request.user.username == "ana@acme.example"
    assert get_user_model().objects.get(username="ana@acme.example").check_password(NEW_PASSWORD)


def test_the_page_speaks_portuguese():
    path = printed_link(create_portal("Acme", "--admin", "ana@acme.example"))
    page = Client(headers={"accept-language": "pt-br"}).get(path, follow=True)
    assert "Defina sua senha" in page.content.decode()


def test_a_used_link_is_refused_and_keeps_the_chosen_password():
    path = printed_link(create_portal("Acme", "--admin", "ana@acme.example"))
    set_password(Client(), path)
    again = Client().get(path, follow=True)
    assert again.status_code == 400
    assert b"invalid, expired or already used" in again.content
    assert get_user_model().objects.get(username="ana@acme.example").check_password(NEW_PASSWORD)


def test_a_tampered_link_is_refused_and_sets_nothing():
    path = printed_link(create_portal("Acme", "--admin", "ana@acme.example"))
    tampered = path[:-2] + ("a" if path[-2] != "a" else "b") + "/"
    client = Client()
    refused = client.get(tampered, follow=True)
    assert refused.status_code == 400
    client.post(tampered, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert not get_user_model().objects.get(username="ana@acme.example").has_usable_password()


def test_an_expired_link_is_refused():
    path = printed_link(create_portal("Acme", "--admin", "ana@acme.example"))
    with override_settings(PASSWORD_RESET_TIMEOUT=-1):
        refused = Client().get(path, follow=True)
    assert refused.status_code == 400
    assert not get_user_model().objects.get(username="ana@acme.example").has_usable_password()


def test_mismatched_passwords_rerender_the_form_naming_the_field():
    path = printed_link(create_portal("Acme", "--admin", "ana@acme.example"))
    client = Client()
    page = client.get(path, follow=True)
    form_url = page.redirect_chain[-1][0]
    again = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": "other"})
    assert again.status_code == 200 and again.context["form"].errors["new_password2"]
    assert not get_user_model().objects.get(username="ana@acme.example").has_usable_password()


@pytest.mark.parametrize("email", ["not-an-email", "ana@", "ana @acme.example", ""])
def test_a_malformed_email_is_refused_and_nothing_is_written(email):
    with pytest.raises(CommandError, match="valid e-mail"):
        create_portal("Acme", "--admin", email)
    assert not Portal.objects.exists() and not get_user_model().objects.exists()


@pytest.mark.parametrize("name", ["Acme", "ACME", " acme "])
def test_an_existing_portal_name_is_refused_whatever_its_case(name):
    create_portal("Acme", "--admin", "ana@acme.example")
    with pytest.raises(CommandError, match="already exists"):
        create_portal(name, "--admin", "bob@acme.example")
    assert Portal.objects.count() == 1
    assert not get_user_model().objects.filter(username="bob@acme.example").exists()


def test_a_blank_portal_name_is_refused():
    with pytest.raises(CommandError, match="needs a name"):
        create_portal("  ", "--admin", "ana@acme.example")
    assert not Portal.objects.exists()
