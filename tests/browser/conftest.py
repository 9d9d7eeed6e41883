"""A real browser (Debian's Chromium driven by Playwright) against a live server.

Screenshots of every step go to test-artifacts/screenshots/ (kept out of git).
"""

import pytest

from syncapp.integrations import sandbox_state
from tests.kits.browser import Screens, watch_csp


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1360, "height": 900}, locale="en-US")
    context.set_default_timeout(15_000)
    csp_violations = watch_csp(context)
    tab = context.new_page()
    yield tab
    context.close()
    assert not csp_violations, "the Content-Security-Policy refused:\n" + "\n".join(csp_violations)


@pytest.fixture
def live_sandboxes(live_server, settings):
    """Sandboxes served by the live server, fresh for each test."""
    settings.SITE_URL = live_server.url
    settings.SANDBOXES_ENABLED = True
    sandbox_state.reset()
    yield live_server.url
    sandbox_state.reset()


@pytest.fixture
def shot(page, request):
    return Screens(page, request.node.name)


# (app name, first sandbox login, second sandbox login) that the browser tests connect.
PIPEDRIVE = ("Pipedrive", "admin@northwind.example", "admin@globex.example")
DYNAMICS = ("Microsoft Dynamics 365", "admin@contoso.example", "admin@fabrikam.example")
