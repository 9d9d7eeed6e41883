"""A real local HTTP receiver of webhooks, in a thread: it checks every message's
Standard Webhooks signature against the secrets it is given, records what came and
when, and can be told to fail its next N requests, or to redirect."""

import json
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from syncapp.webhooks import signing


@dataclass
class Received:
    at: float  # time.time()
    message_id: str
    event: str
    data: dict
    signature_valid: bool
    answered: int


@dataclass
class Receiver:
    url: str = ""
    secrets: list[str] = field(default_factory=list)
    fail_next: int = 0  # answer 500 to this many requests
    redirect_to: str = ""  # answer 302 to every request
    delay_s: float = 0.0  # answer this late (longer than the sender waits: a timeout)
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def handle(self, headers, body: bytes) -> int:
        message_id = headers.get("webhook-id", "")
        valid = any(signing.verify(secret, message_id, headers.get("webhook-timestamp", "0"),
                                   body, headers.get("webhook-signature", ""))
                    for secret in self.secrets)
        if self.delay_s:
            time.sleep(self.delay_s)
        with self.lock:
            if self.redirect_to:
                status = 302
            elif self.fail_next > 0:
                self.fail_next -= 1
                status = 500
            else:
                status = 200 if valid else 401
            payload = json.loads(body or b"{}")
            self.received.append(Received(time.time(), message_id, payload.get("type", ""),
                                          payload.get("data", {}), valid, status))
        return status

    def accepted(self, event: str) -> list[Received]:
        with self.lock:
            return [r for r in self.received if r.event == event and r.answered == 200]


@contextmanager
def receiving():
    """A Receiver listening on 127.0.0.1 until the block ends."""
    receiver = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            status = receiver.handle(self.headers, body)
            self.send_response(status)
            if status == 302:
                self.send_header("Location", receiver.redirect_to)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/syncapp"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
