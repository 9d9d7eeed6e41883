"""Fixtures of the end-to-end scenarios: the running stack, a browser in a language.

A scenario class is parametrized, at class scope, with `lang` and `round_no`; each
(lang, round) gets its own fresh stack, and its scenarios run in order on it.
"""

import os
from urllib.parse import urlsplit

import pytest

from tests.kits.browser import Screens, watch_csp
from tests.kits.e2e.stack import LOGS, build_template, running_stack
from tests.kits.e2e.texts import Texts


@pytest.fixture(scope="session")
def demo_template():
    server_url = os.environ["DATABASE_URL"]
    name = urlsplit(server_url).path.lstrip("/") + "_e2e"
    return build_template(server_url, name, LOGS)


@pytest.fixture(scope="class")
def stack(demo_template, lang, round_no):
    with running_stack(demo_template, os.environ["REDIS_URL"], f"{lang}-round-{round_no}") as live:
        yield live


@pytest.fixture
def t(lang) -> Texts:
    return Texts(lang)


@pytest.fixture
def page(browser, lang):
    context = browser.new_context(viewport={"width": 1360, "height": 900}, locale=lang,
                                  accept_downloads=True)
    context.set_default_timeout(20_000)
    csp_violations = watch_csp(context)
    tab = context.new_page()
    yield tab
    context.close()
    assert not csp_violations, "the Content-Security-Policy refused:\n" + "\n".join(csp_violations)


@pytest.fixture
def shot(page, lang, round_no, request):
    name = request.node.originalname.removeprefix("test_")
    return Screens(page, f"e2e-{lang}-round-{round_no}-{name}")
