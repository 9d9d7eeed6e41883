"""What connector tests share: a sandbox on real HTTP, Prism in front of it, a token.

Prism (Stoplight) runs as a validating proxy loaded with the vendor's published
spec. It is started without --errors so the connector sees the sandbox's real
answers; every request and response it judged is recorded from its
`sl-violations` header, and `ViolationLog.assert_clean()` fails the test on any
violation not listed, with a reason, as a known defect of the vendor's spec.
"""

import json
import shutil
import socket
import subprocess
import time
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import requests

from connectors.sdk.oauth import OAuth2Client, Token
from connectors.sdk.sandbox import serve
from connectors.sdk.sandbox.oauth import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET

ROOT = Path(__file__).resolve().parents[2]
SPECS = ROOT.parent / "shared" / "specs"
PRISM = ROOT / "node_modules" / ".bin" / "prism"
REDIRECT_URI = "http://localhost/integrations/oauth/callback"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def sandbox_server(sandbox):
    """Serve a sandbox on a real port for the duration of the block; yields its root URL."""
    server, url = serve(sandbox)
    try:
        yield url
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def prism_proxy(spec: Path, upstream: str, log: Path):
    """Prism in validating proxy mode in front of `upstream`; yields its URL."""
    if not PRISM.exists():
        raise RuntimeError("Prism is not installed: run `npm ci` (make test does).")
    if not spec.exists():
        raise RuntimeError(f"vendor spec missing: {spec} (shared/ must sit beside the repo)")
    port = free_port()
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(PRISM), "proxy", "-h", "127.0.0.1", "-p", str(port), str(spec), upstream],
            stdout=out, stderr=subprocess.STDOUT, cwd=spec.parent,
        )
        try:
            _wait_for_port(port, process, log)
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            process.wait(timeout=10)


def _wait_for_port(port: int, process, log: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Prism exited: {log.read_text()[-2000:]}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.3)
    raise RuntimeError(f"Prism did not start in {timeout}s: {log.read_text()[-2000:]}")


@dataclass
class ViolationLog:
    """Violations Prism reported, minus the spec's own known defects."""

    # (location joined by ".", message substring) -> why it is the spec's fault
    known_defects: dict[tuple[str, str], str] = field(default_factory=dict)
    seen: list[dict] = field(default_factory=list)
    judged: int = 0
    # Responses whose list Prism cut at 8 KB: only the part before the cut is judged.
    truncated: int = 0

    def record(self, response: requests.Response, *args, **kwargs) -> None:
        self.judged += 1
        raw = response.headers.get("sl-violations")
        if not raw:
            return
        violations, truncated = _parse_violations(raw)
        self.truncated += truncated
        for violation in violations:
            if violation.get("severity") != "Error" or self._known(violation):
                continue
            violation["request"] = f"{response.request.method} {response.request.url}"
            self.seen.append(violation)

    def _known(self, violation: dict) -> bool:
        location = ".".join(str(part) for part in violation.get("location", []))
        message = violation.get("message", "")
        return any(
            location.endswith(where) and what in message
            for where, what in self.known_defects
        )

    def session(self) -> requests.Session:
        session = requests.Session()
        session.hooks["response"].append(self.record)
        return session

    def assert_clean(self) -> None:
        assert self.judged, "no request went through Prism"
        assert not self.seen, json.dumps(self.seen[:10], indent=1)


_TRUNCATED = "Too many violations! "


def _parse_violations(raw: str) -> tuple[list[dict], bool]:
    """Prism's header: a JSON list, or past 8 KB "Too many violations! " and the list's
    first 8 KB, cut mid-object; from that, the violations that arrived whole."""
    if not raw.startswith(_TRUNCATED):
        return json.loads(raw), False
    text, whole = raw[len(_TRUNCATED):].lstrip("["), []
    decoder = json.JSONDecoder()
    while text:
        try:
            violation, end = decoder.raw_decode(text)
        except ValueError:
            break
        whole.append(violation)
        text = text[end:].lstrip(", ")
    return whole, True


class MemoryTokenStore:
    """A TokenStore for tests: the product's real one lives in the database."""

    def __init__(self, token: Token):
        self.token = token
        self.saves = 0
        self.reconnect_error = None

    def load(self) -> Token:
        return self.token

    def save(self, token: Token) -> None:
        self.token = token
        self.saves += 1

    @contextmanager
    def lock(self):
        yield

    def mark_needs_reconnect(self, error) -> None:
        self.reconnect_error = error


def oauth_client(connector_cls, sandbox_root: str, account: dict | None = None) -> OAuth2Client:
    """The sandbox's OAuth client; `account` (consent details) picks a regional token
    endpoint, as the product's catalog.oauth_client does."""
    paths, details = connector_cls.sandbox_paths, account or {}
    return OAuth2Client(
        connector_cls.spec.auth, SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, REDIRECT_URI,
        authorize_url=sandbox_root + paths["authorize"],
        token_url=connector_cls.oauth_url(sandbox_root + paths["token"], details),
        revoke_url=connector_cls.oauth_url(sandbox_root + paths["revoke"], details)
        if "revoke" in paths else None,
    )


def consent(client: OAuth2Client, login: str, password: str = "sandbox",
            decision: str = "allow") -> dict[str, str]:
    """Do what a person does on the consent page; returns the callback's query."""
    auth = client.authorization_request()
    params = {k: v[0] for k, v in parse_qs(urlsplit(auth.url).query).items()}
    form = {**params, "login": login, "password": password, "decision": decision}
    reply = requests.post(client.authorize_url, data=form, allow_redirects=False, timeout=10)
    assert reply.status_code == 302, reply.text[:500]
    callback = {k: v[0] for k, v in parse_qs(urlsplit(reply.headers["Location"]).query).items()}
    assert callback.get("state") == auth.state
    callback["_verifier"] = auth.code_verifier
    return callback


def connect(connector_cls, sandbox_root: str, login: str) -> Token:
    """A token for a sandbox account, obtained the real way (consent, code, PKCE), with
    the details the consent redirect adds (Zoho's data centre) among its extras."""
    callback = consent(oauth_client(connector_cls, sandbox_root), login)
    details = connector_cls.consent_details(callback)
    token = oauth_client(connector_cls, sandbox_root, details).exchange_code(
        callback["code"], callback["_verifier"])
    return replace(token, extra={**details, **token.extra})


def which_node() -> str | None:
    return shutil.which("node")
