"""Opening Syncapp by another name (http://127.0.0.1:8000 while SITE_URL says
http://localhost:8000) lands on SITE_URL's host before sign-in, where OAuth vendors
send people back and their session cookie lives."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

BY_IP = {"HTTP_HOST": "127.0.0.1:8000"}


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "http://localhost:8000"


def test_a_page_opened_by_ip_redirects_to_the_same_address_on_site_url():
    response = Client().get("/accounts/login/?next=/crm/deal/", **BY_IP)
    assert response.status_code == 302
    assert response["Location"] == "http://localhost:8000/accounts/login/?next=/crm/deal/"


def test_head_requests_are_redirected_too():
    response = Client().head("/crm/contact/", **BY_IP)
    assert response["Location"] == "http://localhost:8000/crm/contact/"


def test_a_signed_in_browser_on_the_wrong_host_is_sent_to_site_url_as_well(admin_client):
    response = admin_client.get("/integrations/", **BY_IP)
    assert response["Location"] == "http://localhost:8000/integrations/"


def test_site_urls_host_on_another_port_is_served_as_it_is():
    """Cookies belong to a host name whatever the port: nothing is lost there."""
    response = Client().get("/accounts/login/", HTTP_HOST="localhost:54321")
    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/healthz", "/sandbox/pipedrive/app",
                                  "/static/css/app.css"])
def test_machine_endpoints_answer_on_any_host(path):
    response = Client().get(path, **BY_IP)
    assert response.status_code != 302
    assert "Location" not in response


def test_form_posts_and_htmx_swaps_are_never_redirected(admin_client):
    """They come from a page already loaded: redirecting a POST would lose its body."""
    login = Client().post("/accounts/login/", {"username": "x", "password": "y"}, **BY_IP)
    assert login.status_code == 200  # the form again, with its error
    swap = admin_client.get("/crm/contact/", HTTP_HX_REQUEST="true", **BY_IP)
    assert swap.status_code == 200


def test_a_redirect_keeps_site_urls_scheme_and_port(settings):
    settings.SITE_URL = "https://sync.example.com"
    settings.ALLOWED_HOSTS = ["sync.example.com", "10.0.0.5"]
    response = Client().get("/crm/contact/?q=ann", HTTP_HOST="10.0.0.5:8000")
    assert response["Location"] == "https://sync.example.com/crm/contact/?q=ann"
