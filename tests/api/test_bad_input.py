"""Bad calls get a problem+json and change nothing: no key, a revoked key, another
portal's key, a read key on a write operation, malformed JSON, a huge body, an unknown
path or method, a bad cursor, too many calls."""

import pytest

from syncapp.api.keys import revoke_key
from syncapp.api.models import ApiKey
from syncapp.audit.models import AuditEntry
from syncapp.health.models import RepairJob
from syncapp.syncs.models import ObjectSync
from tests.api.conftest import Api, is_problem
from tests.kits.stack import redis_stopped

pytestmark = pytest.mark.django_db


def _unchanged(sync):
    sync.refresh_from_db()
    return sync.state == "on" and not RepairJob.objects.exists() and \
        not AuditEntry.objects.filter(object_type="objectsync").exists()


@pytest.mark.parametrize("token", [None, "", "sk_live_1_short", "Basic abc",
                                   "sk_live_999999_" + "x" * 43])
def test_a_missing_or_unknown_key_is_unauthorized(sync, token):
    response = Api(token).call("POST", f"/syncs/{sync.pk}/turn-off")
    is_problem(response, 401)
    assert response["WWW-Authenticate"] == "Bearer"
    assert _unchanged(sync)


def test_a_revoked_key_is_refused(writer, admin, sync):
    key = ApiKey.objects.get(name="CI writer")
    revoke_key(key, admin.user)
    is_problem(writer.call("POST", f"/syncs/{sync.pk}/turn-off"), 401)
    is_problem(writer.get("/syncs"), 401)
    assert _unchanged(sync)


def test_a_key_stops_working_when_its_creator_leaves_the_portal(writer, admin, sync):
    admin.delete()  # the membership, as Remove on the Members page does
    is_problem(writer.call("POST", f"/syncs/{sync.pk}/turn-off"), 401)
    assert _unchanged(sync)


def test_a_key_with_a_wrong_secret_is_refused(keys, sync):
    forged = keys.write[:-4] + "AAAA"
    is_problem(Api(forged).call("POST", f"/syncs/{sync.pk}/turn-off"), 401)
    assert _unchanged(sync)


def test_another_portals_key_sees_nothing_and_changes_nothing(stranger, sync):
    assert stranger.get("/syncs").json()["items"] == []
    assert stranger.get("/connections").json()["items"] == []
    for method, path, body in [("GET", f"/syncs/{sync.pk}", None),
                               ("POST", f"/syncs/{sync.pk}/turn-off", None),
                               ("DELETE", f"/syncs/{sync.pk}", None),
                               ("POST", f"/syncs/{sync.pk}/failed/retry",
                                {"category": "duplicate"}),
                               ("GET", f"/syncs/{sync.pk}/health", None)]:
        is_problem(stranger.call(method, path, body), 404)
    assert ObjectSync.objects.filter(pk=sync.pk).exists() and _unchanged(sync)


@pytest.mark.parametrize(("method", "path", "body"), [
    ("POST", "/syncs/{id}/turn-off", None),
    ("POST", "/syncs/{id}/sync-now", None),
    ("DELETE", "/syncs/{id}", None),
    ("POST", "/syncs/{id}/failed/retry", {"category": "duplicate"}),
    ("POST", "/syncs/{id}/resync", {"target": "app"}),
])
def test_a_read_key_cannot_write(reader, sync, method, path, body):
    body_of = is_problem(reader.call(method, path.format(id=sync.pk), body), 403)
    assert "only read" in body_of["detail"]
    assert ObjectSync.objects.filter(pk=sync.pk).exists() and _unchanged(sync)


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2", b"\xff\xfe", b'{"category": 5}',
                                 b'{"category": "duplicate", "link_ids": ["x"]}',
                                 b'{"category": "deleted_in_hub"}'])
def test_malformed_or_invalid_json_is_a_bad_request(writer, sync, raw):
    is_problem(writer.call("POST", f"/syncs/{sync.pk}/failed/retry", raw=raw), 400)
    assert _unchanged(sync)


def test_a_huge_body_is_refused_unread(writer, sync, settings):
    settings.API_MAX_BODY_BYTES = 10_000
    body = is_problem(writer.call("POST", f"/syncs/{sync.pk}/failed/retry",
                                  raw=b'{"category": "duplicate", "x": "' + b"y" * 20_000
                                  + b'"}'), 413)
    assert "10000" in body["detail"]
    assert _unchanged(sync)


@pytest.mark.parametrize("cursor", ["abc", "-1", "1\x00", "9" * 30, "²"])
def test_a_bad_cursor_is_a_bad_request(reader, sync, cursor):
    is_problem(reader.get("/syncs", cursor=cursor), 400)


def test_an_unknown_path_and_an_unknown_method_answer_problems(writer, sync):
    is_problem(writer.get("/no-such-thing"), 404)
    is_problem(writer.get(f"/syncs/{sync.pk}/no-such-thing"), 404)
    response = writer.call("PATCH", f"/syncs/{sync.pk}", {})
    is_problem(response, 405)
    assert "DELETE" in response["Allow"]
    is_problem(writer.get("/syncs/99999999999999999999999"), 400)  # beyond any id


def test_too_many_calls_answer_429_with_retry_after(reader, writer, sync, settings):
    settings.API_RATE_PER_MINUTE = 3
    for _ in range(3):
        assert reader.get("/syncs").status_code == 200
    response = reader.get("/syncs")
    is_problem(response, 429)
    assert 1 <= int(response["Retry-After"]) <= 60
    # Per key: the write key still has its own window, and a refused write changes nothing.
    assert writer.get("/syncs").status_code == 200
    for _ in range(3):
        writer.call("POST", f"/syncs/{sync.pk}/sync-now")
    is_problem(writer.call("POST", f"/syncs/{sync.pk}/turn-off"), 429)
    sync.refresh_from_db()
    assert sync.state == "on"


@pytest.fixture(autouse=True)
def _fresh_rate_windows():
    """Each test starts with empty rate windows (key ids repeat across tests)."""
    from syncapp.integrations.tokens import redis_client

    client = redis_client()
    for name in client.scan_iter("api-rate:*"):
        client.delete(name)


def test_with_redis_down_a_sync_now_is_refused_whole_and_reads_still_work(
        writer, sync, settings, tmp_path):
    with redis_stopped(settings, tmp_path / "redis"):
        response = writer.call("POST", f"/syncs/{sync.pk}/sync-now")
        body = is_problem(response, 503)
        assert "nothing was started" in body["detail"] and response["Retry-After"]
        assert writer.get(f"/syncs/{sync.pk}").status_code == 200  # the limit fails open
    assert not AuditEntry.objects.filter(action="sync_now").exists()
