"""The browser the whole suite shares: Debian's Chromium driven by Playwright.

One Playwright session per test run (a second one in the same process refuses to
start), so the fixture lives here, loaded by the root conftest for tests/browser and
tests/e2e alike. Screenshots of every step go to test-artifacts/screenshots/.
"""

import os
import re
import shutil
from pathlib import Path

import pytest

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
        # JPEG: half the time of a full-page PNG, and a suite takes hundreds.
        self.page.screenshot(path=str(self.folder / f"{self.count:02d}-{step}.jpg"),
                             full_page=True, type="jpeg", quality=75)


# Chromium logs a blocked inline script or style in its own log, which Playwright does
# not relay; the page's securitypolicyviolation event is reported as console text.
_REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} refused `
                + `${event.blockedURI || "an inline " + event.effectiveDirective} `
                + `at ${event.sourceFile || event.documentURI}:${event.lineNumber}`);
});
"""


def watch_csp(context) -> list[str]:
    """Every Content-Security-Policy violation the pages of `context` meet, from now on.

    A browser test's page fixture asserts the list is empty when the test ends, so a
    page that needs an inline script or style (which the CSP refuses) fails its test.
    """
    violations: list[str] = []
    context.add_init_script(_REPORT_CSP_VIOLATIONS)

    def on_console(message) -> None:
        if "CSP violation" in message.text or "Content Security Policy" in message.text:
            violations.append(message.text)

    context.on("console", on_console)
    return violations
