"""Fixtures of the inbound webhook tests."""

import json

import pytest
import redis
from django.conf import settings

from syncapp.core.queues import queue_name
from syncapp.integrations.models import Connection
from tests.kits.connect import connect_account, served_sandbox
from tests.kits.worker import own_queue


@pytest.fixture
def broker():
    """The test's own queues on the real Redis broker; yields a reader of the messages
    of a task (run_sync unless named) waiting on them: [(first argument, has an ETA)]."""
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    prefix = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("global_keyprefix", "")
    with own_queue() as queue:
        key = prefix + queue_name("sync", f"{queue}-")

        def runs(task: str = "syncapp.syncs.tasks.run_sync") -> list[tuple[int, bool]]:
            found = []
            for raw in reversed(client.lrange(key, 0, -1)):
                headers = json.loads(raw)["headers"]
                if headers["task"] == task:
                    first_arg = headers["argsrepr"].strip("()").split(",")[0]
                    found.append((int(first_arg), bool(headers["eta"])))
            return found

        yield runs
        client.delete(key)


# A Pipedrive account connected through the real install flow, its sandbox served by
# the live server (the wizard tests' fixtures).
from tests.kits.pipedrive import connection, live_pipedrive  # noqa: E402, F401


@pytest.fixture
def live_dynamics(live_server, settings):
    """The Dynamics sandbox served by the live server, fresh for each test."""
    with served_sandbox("dynamics", live_server, settings) as sandbox:
        yield sandbox


@pytest.fixture
def dynamics(admin_client, live_dynamics, portal) -> Connection:
    """The portal's Contoso environment, connected through the real install flow."""
    connect_account(admin_client, "dynamics", "admin@contoso.example")
    return Connection.objects.get(portal=portal, app_key="dynamics")


@pytest.fixture
def live_hubspot(live_server, settings):
    """HubSpot's sandbox served by the live server, fresh for each test."""
    with served_sandbox("hubspot", live_server, settings) as sandbox:
        yield sandbox


@pytest.fixture
def hubspot_connection(admin_client, live_hubspot, portal) -> Connection:
    """The portal's HubSpot account, connected through the real install flow."""
    connect_account(admin_client, "hubspot", "admin@acmecorp.example")
    return Connection.objects.get(portal=portal, app_key="hubspot")
