"""`manage.py app_webhooks hubspot` sets up what HubSpot keeps on the app, once: the
target URL (SITE_URL/inbound/hubspot/) and a subscription per object and property
Syncapp syncs, through the developer API; run again, it adds nothing."""

import io

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db



def run(*args: str) -> str:
    out = io.StringIO()
    call_command("app_webhooks", *args, stdout=out)
    return out.getvalue()


def test_the_sandbox_app_is_pointed_at_this_installation(live_hubspot, live_server):
    said = run("hubspot")
    app = live_hubspot.app_webhooks
    assert app.settings["targetUrl"] == f"{live_server.url}/inbound/hubspot/"
    kinds = {(s["eventType"], s.get("propertyName")) for s in app.subscriptions.values()}
    assert {("contact.creation", None), ("contact.deletion", None),
            ("contact.propertyChange", "firstname"), ("deal.propertyChange", "dealname"),
            ("company.propertyChange", "domain")} <= kinds
    assert f"{len(kinds)} subscription(s) added" in said
    assert "0 subscription(s) added" in run("hubspot")
    assert len(app.subscriptions) == len(kinds)


@pytest.mark.parametrize(("args", "message"), [
    (("pipedrive",), "takes webhooks per account"),
    (("nosuchapp",), "No app 'nosuchapp'"),
])
def test_apps_without_app_level_webhooks_are_refused(live_hubspot, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_without_sandboxes_the_developers_credentials_are_required(settings):
    settings.SANDBOXES_ENABLED = False  # as in production: nothing is called without them
    with pytest.raises(CommandError, match="developer's API key"):
        run("hubspot")
