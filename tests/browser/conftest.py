"""A real browser (Debian's Chromium driven by Playwright) against a live server.

Screenshots of every step go to test-artifacts/screenshots/ (kept out of git).
"""

import os
import re
import shutil
from pathlib import Path

import pytest

from syncapp.integrations import sandboxes

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Chromium must not try to reach Google's services from this closed network.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium.")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the ORM calls the
    # tests make between browser steps are still plain synchronous calls.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1360, "height": 900}, locale="en-US")
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def live_sandboxes(live_server, settings):
    """Sandboxes served by the live server, fresh for each test."""
    settings.SITE_URL = live_server.url
    settings.SANDBOXES_ENABLED = True
    sandboxes._sandboxes.clear()
    yield live_server.url
    sandboxes._sandboxes.clear()


class Screens:
    """Numbered screenshots of one test's steps."""

    def __init__(self, page, name: str):
        self.page = page
        self.folder = SCREENSHOTS / re.sub(r"[^\w-]+", "_", name)
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        self.count = 0

    def __call__(self, step: str) -> None:
        self.count += 1
        self.page.screenshot(path=str(self.folder / f"{self.count:02d}-{step}.png"),
                             full_page=True)


@pytest.fixture
def shot(page, request):
    return Screens(page, request.node.name)


# (app name, first sandbox login, second sandbox login) that the browser tests connect.
PIPEDRIVE = ("Pipedrive", "admin@northwind.example", "admin@globex.example")
DYNAMICS = ("Microsoft Dynamics 365", "admin@contoso.example", "admin@fabrikam.example")
