"""Requests Syncapp sends to addresses a user typed (webhooks): the one SSRF guard.

A user-given URL must never reach the installation's own network: private, loopback,
link-local, multicast, reserved and unspecified addresses (IPv4 and IPv6, IPv4-mapped
included) are refused unless OUTBOUND_ALLOW_PRIVATE is on (a developer's or the test
suite's own receiver). Plain http is refused under the same setting: a secret-signed
payload goes over TLS, except to a local receiver.

The check runs twice: when the URL is saved (so the form can say no), and when each
request is sent, where the name is resolved again and the request connects to the
very address that was checked, so a DNS answer that changes in between (DNS
rebinding) cannot slip a private address in. Redirects are never followed: a 3xx is
an answer like any other, and never a visit to another host.
"""

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import urllib3
from django.conf import settings
from django.utils.translation import gettext as _

MAX_URL_LENGTH = 2000


class OutboundRefused(ValueError):
    """A URL or an address the guard refuses; the message is for the user."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str  # path and query, as sent


@dataclass(frozen=True)
class Answer:
    status: int | None  # None: no HTTP answer (refused, timed out, …)
    latency_ms: int
    error: str = ""


def allow_private() -> bool:
    return bool(getattr(settings, "OUTBOUND_ALLOW_PRIVATE", False))


def parse(url: str) -> Target:
    """The URL's parts, or OutboundRefused saying what is wrong with it."""
    url = (url or "").strip()
    if not url or len(url) > MAX_URL_LENGTH:
        raise OutboundRefused(_("Enter a URL of at most %(max)s characters.")
                              % {"max": MAX_URL_LENGTH})
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise OutboundRefused(_("Enter a valid URL.")) from None
    allowed = ("https", "http") if allow_private() else ("https",)
    if parts.scheme not in allowed:
        raise OutboundRefused(_("The URL must start with https://."))
    if not parts.hostname or parts.username or parts.password:
        raise OutboundRefused(_("Enter a valid URL with a host name and no user name."))
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80),
                  path)


def is_public(address: str) -> bool:
    """True for an address on the public internet (an IPv4-mapped IPv6 address is
    judged as the IPv4 address it carries)."""
    ip = ipaddress.ip_address(address.split("%", maxsplit=1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return not (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast
                or ip.is_reserved or ip.is_unspecified or not ip.is_global)


def resolve(target: Target) -> str:
    """One address of the target's host that the guard accepts; refused if the name
    does not resolve or any of its addresses is not public (one bad answer is enough:
    the next lookup could return it)."""
    try:
        infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise OutboundRefused(_("The host name %(host)s does not resolve.")
                              % {"host": target.host}) from None
    addresses = [info[4][0] for info in infos]
    if not allow_private() and not all(is_public(a) for a in addresses):
        raise OutboundRefused(_("The URL points at a private or reserved network address, "
                                "which Syncapp does not call."))
    return addresses[0]


def check_url(url: str) -> str:
    """The URL, cleaned, if it may be called now (scheme, host, resolved addresses)."""
    target = parse(url)
    resolve(target)
    return url.strip()


def post(url: str, body: bytes, headers: dict[str, str], timeout_s: float) -> Answer:
    """POST `body` to `url` through the guard; never raises for the receiver's faults
    and never follows a redirect. A refused address is an answer with no status."""
    started = time.monotonic()

    def answer(status=None, error=""):
        return Answer(status, int((time.monotonic() - started) * 1000), error[:500])

    try:
        target = parse(url)
        address = resolve(target)
    except OutboundRefused as exc:
        return answer(error=str(exc))
    pool = _pool(target, address, timeout_s)
    try:
        response = pool.urlopen("POST", target.path, body=body, redirect=False, retries=False,
                                headers={**headers, "Host": _host_header(target)},
                                assert_same_host=False, preload_content=True)
    except urllib3.exceptions.HTTPError as exc:
        return answer(error=type(exc).__name__ + ": " + str(exc))
    finally:
        pool.close()
    return answer(response.status)


def _pool(target: Target, address: str, timeout_s: float):
    """A connection to the checked `address`; TLS still checks the certificate against
    the URL's host name (SNI and hostname verification use the name, not the IP)."""
    timeout = urllib3.Timeout(connect=min(timeout_s, 5.0), read=timeout_s)
    if target.scheme == "https":
        return urllib3.HTTPSConnectionPool(address, target.port, timeout=timeout, maxsize=1,
                                           server_hostname=target.host,
                                           assert_hostname=target.host,
                                           cert_reqs="CERT_REQUIRED")
    return urllib3.HTTPConnectionPool(address, target.port, timeout=timeout, maxsize=1)


def _host_header(target: Target) -> str:
    default = 443 if target.scheme == "https" else 80
    host = f"[{target.host}]" if ":" in target.host else target.host
    return host if target.port == default else f"{host}:{target.port}"
