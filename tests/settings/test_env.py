"""Settings come from the environment, strictly: a malformed value stops start-up."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from syncapp.settings.env import database_from_url, envbool, envint


def test_database_url_with_socket_directory():
    db = database_from_url("postgresql://postgres:@/syncapp?host=/srv/data/pg")
    assert (db["NAME"], db["USER"], db["HOST"]) == ("syncapp", "postgres", "/srv/data/pg")


def test_database_url_with_host_port_and_password():
    db = database_from_url("postgres://app:s%40cret@db.internal:6543/sync")
    assert (db["HOST"], db["PORT"], db["PASSWORD"], db["NAME"]) == (
        "db.internal", "6543", "s@cret", "sync",
    )


def test_only_postgres_is_accepted():
    with pytest.raises(ImproperlyConfigured, match="Postgres only"):
        database_from_url("sqlite:///db.sqlite3")


def test_malformed_booleans_and_integers_stop_start_up(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "sure")
    monkeypatch.setenv("SOME_NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG"):
        envbool("SOME_FLAG")
    with pytest.raises(ImproperlyConfigured, match="SOME_NUMBER"):
        envint("SOME_NUMBER", 1)


def test_unset_values_take_their_defaults(monkeypatch):
    monkeypatch.delenv("SOME_FLAG", raising=False)
    assert envbool("SOME_FLAG", True) is True
    assert envint("SOME_NUMBER_UNSET", 3) == 3
