"""The Pipedrive sandbox over real HTTP, and a connector signed in to it."""

import pytest

from connectors.pipedrive.sandbox import PipedriveSandbox
from tests.connectors.pipedrive.kit import make_connector
from tests.kits.sandbox import sandbox_server


@pytest.fixture
def sandbox():
    return PipedriveSandbox()


@pytest.fixture
def root(sandbox):
    with sandbox_server(sandbox) as url:
        yield url


@pytest.fixture
def connector(root):
    return make_connector(root)
