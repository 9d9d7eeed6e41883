"""The development server `make run` starts: each response sent without waiting, on this
machine only, printed at SITE_URL, and its embedded Redis on a free port of its own."""

import os
import socket
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pytest
import redis
from django.core.management import get_commands
from django.core.servers.basehttp import WSGIRequestHandler

from syncapp.core.devserver import NoDelayWSGIServer
from syncapp.devstack import embedded
from syncapp.devstack.__main__ import commands, ready_banner


def test_runserver_is_ours_not_staticfiles():
    assert get_commands()["runserver"] == "syncapp.core"


def test_every_accepted_connection_has_nagle_off():
    server = NoDelayWSGIServer(("127.0.0.1", 0), WSGIRequestHandler)
    try:
        with socket.create_connection(server.server_address):
            accepted, _address = server.get_request()
            with accepted:
                assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
    finally:
        server.server_close()


def test_the_dev_server_listens_on_this_machine_only_unless_bind_says_otherwise(monkeypatch):
    """DEBUG is on in `make run`: its debug pages must not be open to the network."""
    monkeypatch.delenv("BIND", raising=False)
    assert "127.0.0.1:8000" in commands(8000)["web"]
    monkeypatch.setenv("BIND", "0.0.0.0")  # noqa: S104 - asked for on purpose
    assert "0.0.0.0:8000" in commands(8000)["web"]


def test_make_run_prints_exactly_site_urls_address(monkeypatch):
    monkeypatch.setenv("SITE_URL", "http://localhost:8123")
    assert ready_banner(4.2)[0].startswith("Syncapp is up at http://localhost:8123/ ")


@contextmanager
def run_services(redis_dir: Path):
    """`make run`'s embedded Redis (the RUN profile) keeping its data in `redis_dir`."""
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("REDIS_URL")  # DATABASE_URL stays: no embedded Postgres here
        with embedded.services(replace(embedded.RUN, redis_dir=redis_dir)):
            yield os.environ["REDIS_URL"]


def test_two_copies_run_their_own_redis_side_by_side(tmp_path):
    with run_services(tmp_path / "one") as first, run_services(tmp_path / "two") as second:
        assert first != second
        redis.Redis.from_url(first).set("copy", "one")
        redis.Redis.from_url(second).set("copy", "two")
        assert redis.Redis.from_url(first).get("copy") == b"one"


def test_a_second_make_run_finds_the_redis_data_of_the_first(tmp_path):
    with run_services(tmp_path / "redis") as url:
        redis.Redis.from_url(url).set("queued", "task")
    with run_services(tmp_path / "redis") as url:
        assert redis.Redis.from_url(url).get("queued") == b"task"
