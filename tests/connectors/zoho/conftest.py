"""The Zoho sandbox over real HTTP (no Prism: these run in `make test`)."""

import pytest

from connectors.zoho.sandbox import ZohoSandbox
from tests.kits.sandbox import sandbox_server


@pytest.fixture
def sandbox():
    return ZohoSandbox()


@pytest.fixture
def root(sandbox):
    with sandbox_server(sandbox) as url:
        yield url
