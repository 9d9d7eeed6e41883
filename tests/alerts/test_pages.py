"""The Alerts and Webhooks pages, as a super admin, an ops member and an outsider:
what each may do, what bad input gets (a form message, nothing saved), and the audit
entries every change leaves."""

import pytest

from syncapp.alerts import services
from syncapp.alerts.models import PortalAlertSettings, RuleSilence
from syncapp.audit.models import AuditAction, AuditEntry
from syncapp.webhooks.models import Subscription
from tests.kits.health import quiet_sync

RULES_FORM = {"failing-enabled": "on", "failing-paused_minutes": "15",
              "failed_records-enabled": "on", "failed_records-percent": "5",
              "failed_records-per_hour": "20", "stale-poll_intervals": "4",
              "needs_reconnect-enabled": "on", "rate_limited-enabled": "on",
              "rate_limited-minutes": "30", "mass_change-enabled": "on",
              "roles": ["ops", "support"]}


def actions(portal) -> list[str]:
    return list(AuditEntry.objects.filter(portal=portal).order_by("id")
                .values_list("action", flat=True))


def test_only_super_admins_open_the_pages(admin_client, ops_client, outsider_client):
    for url in ("/settings/alerts/", "/settings/webhooks/"):
        assert admin_client.get(url).status_code == 200
        assert ops_client.get(url).status_code == 403
        assert ops_client.post(url.replace("/settings/alerts/", "/settings/alerts/rules/")
                               ).status_code in {403, 405}
    home = admin_client.get("/settings/alerts/").content.decode()
    assert 'href="/settings/webhooks/"' in home and 'href="/audit/"' in home


def test_saving_rules_changes_the_defaults_of_every_sync_and_is_audited(admin_client, portal):
    sync = quiet_sync(portal)
    response = admin_client.post("/settings/alerts/rules/", RULES_FORM)
    assert response.status_code == 302
    rules = services.rules_for(sync)
    assert rules["failing"] == {"enabled": True, "paused_minutes": 15}
    assert rules["stale"] == {"enabled": False, "poll_intervals": 4}
    assert services.roles_of(portal) == ["ops", "support"]
    assert actions(portal) == [AuditAction.ALERT_RULE_CHANGED]
    page = admin_client.get("/settings/alerts/").content.decode()
    assert 'value="15"' in page


@pytest.mark.parametrize(("field", "value", "message"), [
    ("failed_records-percent", "-5", "whole number"),
    ("failed_records-percent", "250", "between 1 and 100"),
    ("failing-paused_minutes", "soon", "whole number"),
    ("rate_limited-minutes", "9" * 19, "whole number"),
    ("roles", ["nobody"], "Choose at least one role"),
])
def test_bad_thresholds_are_refused_and_nothing_is_saved(admin_client, portal, field, value,
                                                         message):
    response = admin_client.post("/settings/alerts/rules/", {**RULES_FORM, field: value})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not PortalAlertSettings.objects.filter(portal=portal).exclude(rules={}).exists()
    assert actions(portal) == []


def test_mute_snooze_and_unmute_a_rule(admin_client, portal):
    assert admin_client.post("/settings/alerts/silence/",
                             {"rule": "stale", "action": "mute"}).status_code == 302
    assert services.silenced_kinds(portal.pk) == {"stale"}
    assert admin_client.post("/settings/alerts/silence/",
                             {"rule": "failing", "action": "snooze", "hours": "2"}
                             ).status_code == 302
    assert services.silenced_kinds(portal.pk) == {"stale", "failing"}
    page = admin_client.get("/settings/alerts/").content.decode()
    assert "Muted" in page and "Snoozed until" in page
    for bad in ({"rule": "failing", "action": "snooze", "hours": "0"},
                {"rule": "failing", "action": "snooze", "hours": "9999"},
                {"rule": "nope", "action": "mute"}, {"rule": "stale", "action": "explode"}):
        response = admin_client.post("/settings/alerts/silence/", bad)
        assert response.status_code == 400, bad
    admin_client.post("/settings/alerts/silence/", {"rule": "stale", "action": "unmute"})
    assert RuleSilence.objects.filter(portal=portal).count() == 1
    assert actions(portal) == [AuditAction.ALERT_MUTED, AuditAction.ALERT_SNOOZED,
                               AuditAction.ALERT_UNMUTED]


def test_sync_overrides_round_trip_as_a_plain_dict(portal):
    sync = quiet_sync(portal)
    assert services.alert_overrides(sync) == {}
    services.set_alert_overrides(sync, {"stale": {"enabled": False},
                                        "failed_records": {"percent": 3}})
    assert services.alert_overrides(sync) == {"stale": {"enabled": False},
                                              "failed_records": {"percent": 3}}
    with pytest.raises(ValueError, match="Unknown alert rule"):
        services.set_alert_overrides(sync, {"stale": {"enabled": True}, "bogus": {}})
    assert services.alert_overrides(sync)["stale"] == {"enabled": False}  # nothing saved
    assert services.rules_for(sync)["failed_records"]["percent"] == 3


@pytest.mark.parametrize(("url", "events", "message"), [
    ("http://hooks.example.com/x", ["run.failed"], "must start with https"),
    ("https://127.0.0.1/x", ["run.failed"], "private or reserved"),
    ("https://10.0.0.8/x", ["run.failed"], "private or reserved"),
    ("https://[::ffff:192.168.0.1]/x", ["run.failed"], "private or reserved"),
    ("https://93.184.216.34/x", ["run.exploded"], "Unknown event"),
    ("https://93.184.216.34/x", [], "Choose at least one event"),
])
def test_a_bad_webhook_is_refused_with_a_message_and_nothing_saved(
        admin_client, portal, settings, url, events, message):
    settings.OUTBOUND_ALLOW_PRIVATE = False
    response = admin_client.post("/settings/webhooks/create/", {"url": url, "events": events})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Subscription.objects.exists()
    assert actions(portal) == []


def test_create_rotate_and_delete_a_webhook_shows_each_secret_once(admin_client, portal,
                                                                   settings):
    settings.OUTBOUND_ALLOW_PRIVATE = True
    created = admin_client.post("/settings/webhooks/create/", {
        "url": "http://127.0.0.1:9/hook", "events": ["run.failed", "alert.opened"]})
    assert created.status_code == 200
    secret = created.context["secret"]
    assert secret.startswith("whsec_") and secret in created.content.decode()
    subscription = Subscription.objects.get()
    assert secret not in subscription.secret_ciphertext  # encrypted at rest
    assert subscription.events == ["run.failed", "alert.opened"]
    assert secret not in admin_client.get("/settings/webhooks/").content.decode()
    rotated = admin_client.post(f"/settings/webhooks/{subscription.pk}/rotate/")
    new_secret = rotated.context["secret"]
    assert new_secret != secret
    from syncapp.webhooks.subscription_secrets import signing_secrets

    subscription.refresh_from_db()
    assert signing_secrets(subscription) == [new_secret, secret]  # both sign for 24 h
    assert admin_client.post(f"/settings/webhooks/{subscription.pk}/delete/").status_code == 302
    assert not Subscription.objects.exists()
    assert actions(portal) == [AuditAction.WEBHOOK_CREATED, AuditAction.WEBHOOK_ROTATED,
                               AuditAction.WEBHOOK_DELETED]


def test_another_portals_webhook_is_not_found(admin_client, outsider, settings):
    settings.OUTBOUND_ALLOW_PRIVATE = True
    from syncapp.webhooks.services import create

    theirs, _secret = create(outsider.portal, "http://127.0.0.1:9/", ["run.failed"], by=None)
    assert admin_client.post(f"/settings/webhooks/{theirs.pk}/delete/").status_code == 404
    assert admin_client.post(f"/settings/webhooks/{theirs.pk}/rotate/").status_code == 404
    assert Subscription.objects.filter(pk=theirs.pk).exists()
