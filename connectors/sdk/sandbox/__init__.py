"""Stateful emulators of vendors' APIs, so the real connectors run offline.

A vendor's sandbox subclasses `Sandbox`, declares its routes with `@route`, and
shapes its own error bodies; this package gives it routing, accounts and data,
an OAuth consent page and token endpoint, Bearer checks, a configurable rate
limit answering 429 with Retry-After, and fault injection for tests.
"""

from connectors.sdk.sandbox.core import Sandbox, SandboxAccount, route
from connectors.sdk.sandbox.messages import Request, Response
from connectors.sdk.sandbox.server import serve, wsgi_app

__all__ = ["Request", "Response", "Sandbox", "SandboxAccount", "route", "serve", "wsgi_app"]
