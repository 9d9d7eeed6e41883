"""The Dataverse sandbox over real HTTP, one per module, and Contoso's Web API on it."""

import pytest

from connectors.dynamics import DynamicsConnector
from connectors.dynamics.sandbox import create_sandbox
from tests.connectors.dynamics.kit import HEADERS
from tests.kits.sandbox import connect, sandbox_server


@pytest.fixture(scope="module")
def sandbox():
    return create_sandbox()


@pytest.fixture(scope="module")
def root(sandbox):
    with sandbox_server(sandbox) as url:
        yield url


@pytest.fixture(scope="module")
def api(root):
    """(Contoso's Web API root, headers with a Contoso user's token)."""
    token = connect(DynamicsConnector, root, "admin@contoso.example")
    return f"{root}/contoso/api/data/v9.2", {**HEADERS,
                                             "Authorization": f"Bearer {token.access_token}"}
