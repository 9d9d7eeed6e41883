"""What opens an alert and what does not, read straight from the database: a muted or
snoozed rule opens none, a sync a person turned off never alerts (and its open alerts
resolve), and each person's language is the one they last used."""

import pytest
from django.test import Client

from syncapp.alerts import services
from syncapp.alerts.evaluate import evaluate_sync
from syncapp.alerts.languages import languages_of
from syncapp.alerts.models import Alert, PersonLanguage
from syncapp.syncs.models import ObjectSync, SyncState
from tests.kits.alerts import BREAK, only_rule
from tests.kits.health import quiet_sync

pytestmark = pytest.mark.django_db


def test_a_muted_or_snoozed_rule_opens_no_alert_until_it_alerts_again(portal, admin):
    sync = quiet_sync(portal)
    only_rule(sync, "needs_reconnect")
    BREAK["needs_reconnect"](sync)
    services.silence(portal, "needs_reconnect", mute=True, by=admin.user)
    assert evaluate_sync(sync.pk) == {"opened": [], "resolved": []}
    services.silence(portal, "needs_reconnect", mute=False, hours=3, by=admin.user)
    assert evaluate_sync(sync.pk)["opened"] == []
    services.unsilence(portal, "needs_reconnect", by=admin.user)
    assert evaluate_sync(sync.pk)["opened"] == ["needs_reconnect"]


def test_a_sync_turned_off_never_alerts_and_its_open_alerts_resolve(portal):
    sync = quiet_sync(portal)
    only_rule(sync, "failing")
    BREAK["failing"](sync)
    assert evaluate_sync(sync.pk)["opened"] == ["failing"]
    ObjectSync.objects.filter(pk=sync.pk).update(state=SyncState.OFF)
    assert evaluate_sync(sync.pk)["resolved"] == ["failing"]
    assert evaluate_sync(sync.pk) == {"opened": [], "resolved": []}
    assert Alert.objects.get().resolved_at is not None


def test_a_disabled_override_keeps_the_sync_quiet(portal):
    sync = quiet_sync(portal)
    services.set_alert_overrides(sync, {"needs_reconnect": {"enabled": False}})
    BREAK["needs_reconnect"](sync)
    assert "needs_reconnect" not in evaluate_sync(sync.pk)["opened"]


def test_a_persons_language_is_the_one_they_last_used(portal, ops):
    assert languages_of(portal.pk, ["ops@acme.test"]) == {"ops@acme.test": "en"}
    client = Client()
    client.force_login(ops.user)
    client.cookies["django_language"] = "pt-br"
    assert client.get("/").status_code in {200, 302}
    assert PersonLanguage.objects.get(user=ops.user).language == "pt-br"
    assert languages_of(portal.pk, ["ops@acme.test"]) == {"ops@acme.test": "pt-br"}
