"""The rule book's validation (what a config file or the rules form may say) and the
outbound guard's address table: pure functions, tables of cases."""

import pytest

from syncapp.alerts import rules
from syncapp.core import outbound
from syncapp.webhooks import signing


@pytest.mark.parametrize(("given", "message"), [
    ("five", "must be a mapping"),
    ({"nonsense": {}}, "Unknown alert rule: nonsense"),
    ({"stale": 3}, "must be a mapping"),
    ({"stale": {"enabled": "yes"}}, "enabled must be true or false"),
    ({"stale": {"hours": 2}}, "unknown setting hours"),
    ({"failed_records": {"percent": -1}}, "between 1 and 100"),
    ({"failed_records": {"percent": 101}}, "between 1 and 100"),
    ({"failed_records": {"percent": "ten"}}, "must be a whole number"),
    ({"failed_records": {"percent": 2.5}}, "must be a whole number"),
    ({"failed_records": {"percent": True}}, "must be a whole number"),
    ({"rate_limited": {"minutes": 10 ** 12}}, "between 1 and"),
    ({"rate_limited": {"minutes": "99999999999999"}}, "must be a whole number"),
])
def test_a_bad_override_is_refused_with_a_message(given, message):
    with pytest.raises(ValueError, match=message):
        rules.validate_overrides(given)


def test_a_sync_override_wins_over_the_portal_which_wins_over_the_defaults():
    portal = {"failed_records": {"percent": 20}, "stale": {"enabled": False}}
    sync = {"failed_records": {"per_hour": 5}, "stale": {"enabled": True}}
    merged = rules.effective(portal, rules.validate_overrides(sync))
    assert merged["failed_records"] == {"enabled": True, "percent": 20, "per_hour": 5}
    assert merged["stale"]["enabled"] is True
    assert merged["failing"] == rules.default_rules()["failing"]
    assert rules.validate_overrides({"failing": {"paused_minutes": "15"}}) == {
        "failing": {"paused_minutes": 15}}


@pytest.mark.parametrize(("address", "public"), [
    ("93.184.216.34", True), ("2606:2800:220:1:248:1893:25c8:1946", True),
    ("127.0.0.1", False), ("10.1.2.3", False), ("172.16.0.9", False), ("192.168.1.1", False),
    ("169.254.169.254", False), ("0.0.0.0", False), ("224.0.0.1", False),  # noqa: S104
    ("240.0.0.1", False), ("100.64.0.1", False), ("::1", False), ("::", False),
    ("fe80::1", False), ("fc00::1", False), ("ff02::1", False),
    ("::ffff:127.0.0.1", False), ("::ffff:169.254.169.254", False), ("::ffff:93.184.216.34", True),
])
def test_only_public_addresses_are_called(address, public):
    assert outbound.is_public(address) is public


@pytest.mark.parametrize(("url", "message"), [
    ("http://example.com/hook", "must start with https"),
    ("ftp://example.com/hook", "must start with https"),
    ("https://", "host name"),
    ("https://user:pw@example.com/", "no user name"),
    ("https://localhost/hook", "private or reserved"),
    ("https://127.0.0.1:8443/hook", "private or reserved"),
    ("https://[::1]/hook", "private or reserved"),
    ("https://169.254.169.254/latest/meta-data", "private or reserved"),
    ("https://[::ffff:10.0.0.1]/", "private or reserved"),
    ("https://no-such-host.invalid/", "does not resolve"),
    ("https://example.com:99999/", "valid URL"),
    ("https://example.com/" + "a" * 2100, "at most"),
])
def test_a_webhook_url_is_refused_before_anything_is_sent(settings, url, message):
    settings.OUTBOUND_ALLOW_PRIVATE = False
    with pytest.raises(outbound.OutboundRefused, match=message):
        outbound.check_url(url)


def test_delivery_time_checks_the_address_again(settings):
    """A name that resolved to a public address when saved but to a private one now
    (DNS rebinding) is not called: the guard runs on every request."""
    settings.OUTBOUND_ALLOW_PRIVATE = False
    answer = outbound.post("https://localhost:9/hook", b"{}", {}, 2)
    assert answer.status is None
    assert "private or reserved" in answer.error


def test_a_signature_verifies_with_its_secret_only():
    secret, other = signing.new_secret(), signing.new_secret()
    header = signing.signature_header([secret, other], "msg_1", 1700000000, b'{"a":1}')
    assert header.count("v1,") == 2
    assert signing.verify(secret, "msg_1", "1700000000", b'{"a":1}', header)
    assert signing.verify(other, "msg_1", "1700000000", b'{"a":1}', header)
    assert not signing.verify(signing.new_secret(), "msg_1", "1700000000", b'{"a":1}', header)
    assert not signing.verify(secret, "msg_1", "1700000000", b'{"a":2}', header)
