"""Schemathesis fuzzes every operation of the served OpenAPI schema, each generated call
sent as a read key, a write key and another portal's key: no answer may be a server
error, every answer must match the schema (problem+json errors included), another
portal's key never reaches an object of ours and a read key never changes anything.

A smoke in `make test` (a few derandomized examples per operation), the long run under
`make soak`. Calls go through the WSGI app in the test's transaction, so the portal's
objects the fixtures made are what the calls find; half the generated ids are swapped
for real ones, so operations reach their services, not only their 404s.
"""

import uuid

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from syncapp.wsgi import application
from tests.kits.health import quiet_sync
from tests.kits.soak import SOAK, by_run

CHECKS = [not_a_server_error, response_schema_conformance]
EXAMPLES = by_run(3, 200)

pytestmark = [pytest.mark.django_db, pytest.mark.grows_in_soak]


@pytest.fixture
def served_schema(db, settings):
    settings.API_RATE_PER_MINUTE = 1_000_000  # the fuzz calls far faster than any script
    # As Django's test client does: the end of a request must not close the connection
    # that holds the test's transaction.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("served_schema")


@pytest.fixture
def real_ids(sync, keys):
    return {"sync_id": sync.pk, "connection_id": sync.connection_id,
            "run_id": sync.runs.first().pk}


def spare_sync_id(portal) -> int:
    """A sync for a DELETE to remove, so the fixture's sync stays for the other calls."""
    return quiet_sync(portal, account=f"spare-{uuid.uuid4().hex[:8]}").pk


@schema.parametrize()
@settings(max_examples=EXAMPLES, derandomize=not SOAK, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_every_operation_as_every_key(case, keys, real_ids, portal):
    for name, raw in list((case.path_parameters or {}).items()):
        value = int(raw) if str(raw).isascii() and str(raw).isdigit() else None
        if name not in real_ids or value is None:
            continue
        if case.method == "DELETE" and (value % 2 == 0 or value == real_ids[name]):
            case.path_parameters[name] = spare_sync_id(portal)  # never the shared sync
        elif value % 2 == 0:
            case.path_parameters[name] = real_ids[name]
    # The other portal's key first, then read, then write: a write may delete the sync.
    # Schemathesis also generates Authorization headers of its own (none, empty, junk):
    # each call here carries one of the three keys instead.
    for token in (keys.other, keys.read, keys.write):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}
        response = case.call_and_validate(checks=CHECKS)
        if token == keys.other and case.path_parameters:
            assert response.status_code >= 400, "another portal's key reached an object"
        if token == keys.read and case.method not in ("GET", "HEAD"):
            assert response.status_code >= 400, "a read key changed something"
