"""Errors sent to Sentry never carry a token, a cookie or a record's values.

A real sentry_sdk client reports to a local HTTP server standing in for Sentry; what
that server receives is what would leave the installation.
"""

import gzip
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sentry_sdk
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from syncapp.monitoring.sentry import start_sentry
from tests.monitoring.boom_kit import ACCESS_TOKEN, RECORD_VALUES

SESSION_COOKIE = "sessionid-9d8e7f6a"


class _Envelopes(BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "deflate":
            body = zlib.decompress(body)
        assert encoding in {"", "gzip", "deflate"}, encoding
        type(self).received.append(body)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def sentry_receiver():
    _Envelopes.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Envelopes)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    start_sentry(f"http://publickey@127.0.0.1:{server.server_address[1]}/42", "test")
    yield _Envelopes.received
    sentry_sdk.get_client().close()
    sentry_sdk.init()  # no DSN: the rest of the suite reports nowhere
    server.shutdown()
    server.server_close()


@pytest.mark.urls("tests.monitoring.boom_kit")
def test_an_error_reaches_sentry_without_tokens_cookies_or_record_values(db, sentry_receiver):
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = SESSION_COOKIE
    response = client.post(f"/boom/?email={RECORD_VALUES['email']}",
                           {"firstname": RECORD_VALUES["firstname"]},
                           HTTP_AUTHORIZATION=f"Bearer {ACCESS_TOKEN}")
    assert response.status_code == 500
    sentry_sdk.flush(timeout=10)
    sent = b"\n".join(sentry_receiver).decode()
    assert "ValueError" in sent
    assert "HubSpot refused" in sent
    assert '"object_sync_id": 7' in sent or '"object_sync_id":7' in sent
    for secret in (ACCESS_TOKEN, SESSION_COOKIE, *RECORD_VALUES.values(), "ana.private"):
        assert secret not in sent


def test_a_malformed_dsn_stops_start_up_naming_sentry_dsn():
    with pytest.raises(ImproperlyConfigured, match="SENTRY_DSN"):
        start_sentry("not a dsn", "test")
