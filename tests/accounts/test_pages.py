"""Account pages: password reset and change, sign out everywhere, login throttling."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-much-longer-passphrase-42"
LOGIN = reverse("accounts:login")
LOCKED = "Too many failed sign-in attempts"


def _sign_in(client, email, password):
    return client.post(LOGIN, {"username": email, "password": password})


def _mailed_reset_link(client, email, language="en") -> str:
    client.cookies["django_language"] = language
    response = client.post(reverse("accounts:password_reset"), {"email": email})
    assert response.status_code == 302
    return re.search(r"https?://\S+(/accounts/password/reset/\S+/)", mail.outbox[-1].body)[1]


def test_sign_in_page_offers_forgot_password(db):
    page = Client().get(LOGIN).content.decode()
    assert reverse("accounts:password_reset") in page
    assert "Forgot your password?" in page


def test_password_reset_mails_a_link_that_sets_a_new_password(admin):
    client = Client()
    link = _mailed_reset_link(client, "admin@acme.test")
    assert mail.outbox[-1].to == ["admin@acme.test"]
    form = client.get(link, follow=True)
    assert "Set a new password" in form.content.decode()
    done = client.post(form.redirect_chain[-1][0],
                       {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done["Location"] == reverse("accounts:password_reset_complete")
    assert _sign_in(Client(), "admin@acme.test", NEW_PASSWORD).status_code == 302


def test_reset_mail_is_written_in_the_requesters_language(admin):
    _mailed_reset_link(Client(), "admin@acme.test", language="pt-br")
    assert "Defina uma nova senha" in mail.outbox[-1].subject


def test_reset_for_an_unknown_address_looks_the_same_and_mails_nothing(db):
    response = Client().post(reverse("accounts:password_reset"), {"email": "nobody@x.test"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []


def test_a_reset_link_used_twice_is_refused(admin):
    client = Client()
    link = _mailed_reset_link(client, "admin@acme.test")
    set_form = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(set_form, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    again = Client().get(link, follow=True).content.decode()
    assert "already been used" in again
    assert "new_password1" not in again


def test_a_tampered_reset_link_is_refused_and_the_password_stays(admin):
    client = Client()
    link = _mailed_reset_link(client, "admin@acme.test")
    tampered = link.rstrip("/")[:-3] + "zzz/"
    page = client.get(tampered, follow=True)
    assert page.status_code == 200
    assert "already been used" in page.content.decode()
    assert get_user_model().objects.get(pk=admin.user.pk).check_password(PASSWORD)


def test_a_mismatched_new_password_is_refused_and_the_password_stays(admin):
    client = Client()
    link = _mailed_reset_link(client, "admin@acme.test")
    set_form = client.get(link, follow=True).redirect_chain[-1][0]
    response = client.post(set_form, {"new_password1": NEW_PASSWORD,
                                      "new_password2": NEW_PASSWORD + "x"})
    assert response.status_code == 200
    assert "match" in response.content.decode()
    assert "field-error" in response.content.decode()
    assert get_user_model().objects.get(pk=admin.user.pk).check_password(PASSWORD)


def test_password_change_needs_the_old_password(admin, admin_client):
    url = reverse("accounts:password_change")
    assert "Change password" in admin_client.get(url).content.decode()
    wrong = admin_client.post(url, {"old_password": "nope", "new_password1": NEW_PASSWORD,
                                    "new_password2": NEW_PASSWORD})
    assert wrong.status_code == 200
    assert get_user_model().objects.get(pk=admin.user.pk).check_password(PASSWORD)
    right = admin_client.post(url, {"old_password": PASSWORD, "new_password1": NEW_PASSWORD,
                                    "new_password2": NEW_PASSWORD})
    assert right.status_code == 302
    assert get_user_model().objects.get(pk=admin.user.pk).check_password(NEW_PASSWORD)


def test_sign_out_everywhere_ends_the_other_browsers_session(admin):
    laptop, phone = Client(), Client()
    assert _sign_in(laptop, "admin@acme.test", PASSWORD).status_code == 302
    assert _sign_in(phone, "admin@acme.test", PASSWORD).status_code == 302
    home = reverse("crm:list", args=["contact"])
    assert phone.get(home).status_code == 200

    laptop.post(reverse("accounts:sign_out_everywhere"))

    assert phone.get(home)["Location"].startswith(LOGIN)
    assert laptop.get(home)["Location"].startswith(LOGIN)


def test_sign_out_everywhere_is_a_post_only(admin_client):
    assert admin_client.get(reverse("accounts:sign_out_everywhere")).status_code == 405


def test_user_menu_offers_sign_out_everywhere(admin_client):
    page = admin_client.get(reverse("home"), follow=True).content.decode()
    assert reverse("accounts:sign_out_everywhere") in page
    assert reverse("accounts:password_change") in page


def test_sixty_wrong_passwords_then_the_right_one_is_refused(admin):
    client = Client()
    for _ in range(60):
        assert _sign_in(client, "admin@acme.test", "wrong").status_code == 200
    refused = _sign_in(client, "admin@acme.test", PASSWORD)
    assert refused.status_code == 200
    assert LOCKED in refused.content.decode()
    assert client.get(reverse("home"))["Location"].startswith(LOGIN)


def test_lockout_message_is_the_same_for_an_unknown_address(admin):
    def locked_page(email):
        client = Client()
        for _ in range(5):
            page = _sign_in(client, email, "wrong").content.decode()
        return page

    known, unknown = locked_page("admin@acme.test"), locked_page("ghost@acme.test")
    assert LOCKED in known and LOCKED in unknown
    assert re.search(r'role="alert">(.*?)</div>\s*</div>', known, re.S)[1] == \
        re.search(r'role="alert">(.*?)</div>\s*</div>', unknown, re.S)[1]


@override_settings(LOGIN_FAILURES_PER_ACCOUNT=100, LOGIN_FAILURES_PER_IP=3)
def test_one_address_trying_many_accounts_is_locked_out(admin):
    client = Client()
    for n in range(3):
        _sign_in(client, f"guess{n}@acme.test", "wrong")
    assert LOCKED in _sign_in(client, "admin@acme.test", PASSWORD).content.decode()


def test_a_few_failures_do_not_lock_the_right_password_out(admin):
    client = Client()
    for _ in range(4):
        _sign_in(client, "admin@acme.test", "wrong")
    assert _sign_in(client, "admin@acme.test", PASSWORD).status_code == 302


@override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                       "LOCATION": "redis://127.0.0.1:1/0"}})
def test_sign_in_still_works_when_redis_is_down(admin):
    client = Client()
    assert _sign_in(client, "admin@acme.test", "wrong").status_code == 200
    assert _sign_in(client, "admin@acme.test", PASSWORD).status_code == 302


@override_settings(BEHIND_PROXY=True, LOGIN_FAILURES_PER_IP=3, LOGIN_FAILURES_PER_ACCOUNT=100)
def test_behind_the_proxy_one_clients_failures_do_not_lock_out_another(admin):
    attacker = Client(HTTP_X_FORWARDED_FOR="203.0.113.9")
    for n in range(3):
        _sign_in(attacker, f"guess{n}@acme.test", "wrong")
    assert LOCKED in _sign_in(attacker, "admin@acme.test", PASSWORD).content.decode()
    # A forged first entry does not help: the proxy appends the real address last.
    forged = Client(HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9")
    assert LOCKED in _sign_in(forged, "admin@acme.test", PASSWORD).content.decode()
    colleague = Client(HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert _sign_in(colleague, "admin@acme.test", PASSWORD).status_code == 302
