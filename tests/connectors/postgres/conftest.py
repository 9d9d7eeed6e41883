"""The second database for the PostgreSQL table app's tests (kit.py)."""

import pytest

from tests.connectors.postgres import kit


@pytest.fixture(scope="session")
def second_database():
    name = kit.create_database()
    yield name
    kit.drop_database()


@pytest.fixture
def users_table(second_database):
    """A fresh `users` table, empty, in the second database."""
    kit.sql(kit.USERS)
    return "public.users"


@pytest.fixture
def pg(users_table):
    connector = kit.users_connector()
    yield connector
    connector.close()
