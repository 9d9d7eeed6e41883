"""The development server `make run` starts sends each response without waiting."""

import socket

from django.core.management import get_commands
from django.core.servers.basehttp import WSGIRequestHandler

from syncapp.core.devserver import NoDelayWSGIServer


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
