"""Personas of the API tests: a portal with a connection, a sync in every state the
health views show, and three keys — read and write of that portal, and one of another."""

import json
from dataclasses import dataclass

import pytest
from django.test import Client

from syncapp.api.keys import create_key
from syncapp.api.models import Scope
from syncapp.syncs.models import Link, LinkStatus, Run
from tests.kits.health import add_failed_links, many_links, quiet_sync


@dataclass
class Keys:
    read: str
    write: str
    other: str  # a write key of another portal


@pytest.fixture
def keys(admin, outsider) -> Keys:
    return Keys(read=create_key(admin.portal, "CI reader", Scope.READ, admin.user).token,
                write=create_key(admin.portal, "CI writer", Scope.WRITE, admin.user).token,
                other=create_key(outsider.portal, "Globex", Scope.WRITE, outsider.user).token)


@pytest.fixture
def sync(portal):
    """A HubSpot contacts sync that is on: in-sync, excluded and failed records, two runs."""
    sync = quiet_sync(portal)
    many_links(sync, 3)
    Link.objects.bulk_create(Link(portal=portal, object_sync=sync, app_id=f"x{i}",
                                  app_name=f"No email {i}", status=LinkStatus.EXCLUDED,
                                  exclusion_reason="no_email") for i in range(2))
    add_failed_links(portal, sync)
    for kind in ("initial", "incremental"):
        Run.objects.create(portal=portal, object_sync=sync, kind=kind, status="succeeded",
                           counts={"read": 5})
    return sync


class Api:
    """Calls the API with a key, as a script would."""

    def __init__(self, token: str | None):
        self.client = Client()
        self.token = token

    def call(self, method: str, path: str, body=None, *, raw: bytes | None = None,
             **headers):
        if self.token:
            headers.setdefault("HTTP_AUTHORIZATION", f"Bearer {self.token}")
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        kwargs = {"content_type": "application/json"} if data is not None else {}
        send = getattr(self.client, method.lower())
        return send(f"/api/v1{path}", data, **kwargs, **headers) if data is not None \
            else send(f"/api/v1{path}", **headers)

    def get(self, path: str, **query):
        return self.client.get(f"/api/v1{path}", query, **(
            {"HTTP_AUTHORIZATION": f"Bearer {self.token}"} if self.token else {}))


@pytest.fixture
def reader(keys) -> Api:
    return Api(keys.read)


@pytest.fixture
def writer(keys) -> Api:
    return Api(keys.write)


@pytest.fixture
def stranger(keys) -> Api:
    return Api(keys.other)


def is_problem(response, status: int) -> dict:
    """The body of a problem+json answer with `status`; fails on anything else."""
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status and body["title"]
    return body
