import pytest
from django.test import Client


def _client(membership) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client


@pytest.fixture
def ops_client(ops) -> Client:
    return _client(ops)


@pytest.fixture
def support_client(support) -> Client:
    return _client(support)


@pytest.fixture
def marketer_client(marketer) -> Client:
    return _client(marketer)
