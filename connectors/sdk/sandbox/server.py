"""Serving a sandbox over real HTTP: a WSGI app, and a threaded server for tests."""

import threading
from socketserver import ThreadingMixIn
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from connectors.sdk.sandbox.core import Sandbox
from connectors.sdk.sandbox.messages import Request

_REASONS = {200: "OK", 201: "Created", 204: "No Content", 302: "Found", 400: "Bad Request",
            401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 409: "Conflict",
            412: "Precondition Failed", 422: "Unprocessable Entity", 429: "Too Many Requests",
            500: "Internal Server Error", 503: "Service Unavailable", 504: "Gateway Timeout"}


def reason(status: int) -> str:
    return _REASONS.get(status, "Unknown")


def wsgi_app(sandbox: Sandbox, prefix: str = ""):
    """A WSGI callable serving `sandbox` below `prefix`."""

    def app(environ, start_response):
        path = environ.get("PATH_INFO", "")
        if prefix and path.startswith(prefix):
            path = path[len(prefix):] or "/"
        length = int(environ.get("CONTENT_LENGTH") or 0)
        host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "localhost")
        request = Request(
            method=environ["REQUEST_METHOD"].upper(),
            path=path,
            query=parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True),
            headers={
                key[5:].replace("_", "-").lower(): value
                for key, value in environ.items() if key.startswith("HTTP_")
            } | {"content-type": environ.get("CONTENT_TYPE", "")},
            body=environ["wsgi.input"].read(length) if length else b"",
            root=f"{environ.get('wsgi.url_scheme', 'http')}://{host}{prefix}",
        )
        response = sandbox.handle(request)
        start_response(f"{response.status} {reason(response.status)}",
                       list(response.headers.items()))
        return [response.body]

    return app


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        return


def serve(sandbox: Sandbox, host: str = "127.0.0.1", port: int = 0):
    """Serve in a daemon thread; returns (server, base URL). Stop with server.shutdown()."""
    server = make_server(host, port, wsgi_app(sandbox), server_class=_ThreadingServer,
                         handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    return server, f"http://{host}:{server.server_port}"
