"""What the Pipedrive tests share: a connector signed in to the sandbox, and the clock."""

import datetime as dt

from connectors.pipedrive import PipedriveConnector
from connectors.sdk import HttpClient, OAuth2Auth
from tests.kits.sandbox import MemoryTokenStore, connect, oauth_client

NORTHWIND, GLOBEX = "admin@northwind.example", "admin@globex.example"


def make_connector(root, login=NORTHWIND, token=None, account=None):
    token = token or connect(PipedriveConnector, root, login)
    auth = OAuth2Auth(oauth_client(PipedriveConnector, root), MemoryTokenStore(token))
    http = HttpClient(auth=auth, sleep=lambda seconds: None)
    bases = PipedriveConnector.sandbox_bases(root)
    return PipedriveConnector(http, api_bases=bases, account=account or token.extra)



def drain(connector, object_name, cursor=None, limit=100):
    records = []
    for _ in range(1000):
        page = connector.read_changes(object_name, cursor, limit=limit)
        records.extend(page.records)
        cursor = page.cursor
        if page.done:
            return records, cursor
    raise AssertionError("never done")


def frozen(sandbox, moment):
    sandbox.clock = lambda: moment


def from_now(**delta) -> dt.datetime:
    """A moment relative to the real clock, whole seconds as Pipedrive stamps them.

    Never a fixed date: a frozen clock that the calendar passes falls behind the
    cursor the connector has just taken, and the test stops testing anything.
    """
    return dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(**delta)
