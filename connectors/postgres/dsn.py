"""The DSN an admin types: parsed, limited to plain parameters, and checked against
the product's allowed hosts before any connection is opened (no SSRF).

A host is resolved once and the connection is pinned to the address that was
checked (`hostaddr`), so a name that resolves elsewhere a moment later (DNS
rebinding) cannot reach a private address. Private, loopback, link-local and other
non-public addresses are refused unless the product's setting lists the host.
"""

import ipaddress
import socket
from collections.abc import Collection
from dataclasses import dataclass

import psycopg.conninfo

from connectors.sdk.errors import ConnectorError, ErrorCategory

# Parameters a DSN may carry. Others (service files, client certificates, passfile,
# several hosts) read files on Syncapp's machine or reach other places: refused.
ALLOWED_KEYS = {"host", "port", "dbname", "user", "password", "sslmode"}


class BadDsn(ConnectorError):
    """The DSN itself is refused (its message says why); nothing was connected to."""

    def __init__(self, message: str):
        super().__init__(ErrorCategory.REJECTED, message)


@dataclass(frozen=True)
class Target:
    """A checked DSN: where to connect, and how it is named to people."""

    params: dict  # for psycopg.connect(**params), hostaddr pinned
    host: str
    port: int
    dbname: str
    user: str

    @property
    def label(self) -> str:
        """The DSN without its password, as the product shows it."""
        return f"{self.user}@{self.host}:{self.port}/{self.dbname}"


def parse(dsn: str, allowed_hosts: Collection[str]) -> Target:
    """`dsn` checked and pinned, or BadDsn with a message for the person typing it."""
    try:
        params = psycopg.conninfo.conninfo_to_dict(dsn.strip())
    except psycopg.ProgrammingError:
        raise BadDsn("This is not a PostgreSQL connection string. Write it as "
                     "postgresql://user:password@host:5432/database.") from None
    unknown = sorted(set(params) - ALLOWED_KEYS)
    if unknown:
        raise BadDsn(f"The connection string may not set “{unknown[0]}”: only host, port, "
                     "dbname, user, password and sslmode are accepted.")
    host = str(params.get("host") or "")
    if not host or host.startswith("/") or "," in host:
        raise BadDsn("The connection string needs one host name or address (not a socket "
                     "path, not a list).")
    for key, what in (("dbname", "database name"), ("user", "user")):
        if not params.get(key):
            raise BadDsn(f"The connection string needs a {what}.")
    try:
        port = int(params.get("port") or 5432)
    except ValueError:
        raise BadDsn("The port must be a number, such as 5432.") from None
    address = _checked_address(host, port, allowed_hosts)
    pinned = {**params, "host": host, "hostaddr": address, "port": port}
    return Target(pinned, host, port, str(params["dbname"]), str(params["user"]))


def _checked_address(host: str, port: int, allowed_hosts: Collection[str]) -> str:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise ConnectorError(ErrorCategory.APP_UNAVAILABLE,
                             f"The host “{host}” could not be found: check its name.") from None
    addresses = [str(info[4][0]) for info in infos]
    allowed = {h.strip().lower() for h in allowed_hosts if h.strip()}
    if host.lower() in allowed or any(a in allowed for a in addresses):
        return addresses[0]
    for address in addresses:
        if not ipaddress.ip_address(address.split("%")[0]).is_global:
            raise BadDsn(f"The host “{host}” is a private or local address ({address}), which "
                         "Syncapp does not connect to. An administrator can allow it with the "
                         "SYNC_POSTGRES_ALLOWED_HOSTS setting.")
    return addresses[0]
