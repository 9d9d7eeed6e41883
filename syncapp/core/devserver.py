"""Development servers (runserver, the tests' live server) that answer without delay.

Django's development server writes a response in two sends, headers then body. On a
connection the client keeps alive, Nagle's algorithm holds the body back until the
client acknowledges the headers, and Linux delays that acknowledgement by 40 ms: every
call a worker made to a sandbox through its pooled connection took ~44 ms instead of
~4. TCP_NODELAY on each accepted socket sends the body at once.
"""

import socket

from django.core.servers.basehttp import ThreadedWSGIServer, WSGIServer


class NoDelay:
    """A socketserver mixin: Nagle's algorithm off on every accepted connection."""

    def get_request(self):
        connection, address = super().get_request()
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return connection, address


class NoDelayWSGIServer(NoDelay, WSGIServer):
    pass


class NoDelayThreadedWSGIServer(NoDelay, ThreadedWSGIServer):
    pass
