"""The Salesforce sandbox over real HTTP, once per test."""

import pytest

from connectors.salesforce.sandbox import SalesforceSandbox
from tests.kits.sandbox import sandbox_server


@pytest.fixture
def sandbox():
    return SalesforceSandbox()


@pytest.fixture
def root(sandbox):
    with sandbox_server(sandbox) as url:
        yield url
