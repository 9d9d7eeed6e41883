"""Fixtures of the deployed-mode test: the stack compose would run, and one browser
context per person (each its own cookies, as on their own computers)."""

import os
import time
from dataclasses import dataclass

import pytest

from tests.deployed.stack_kit import deployed_stack
from tests.kits.browser import Screens, watch_csp
from tests.kits.e2e.pages import Person
from tests.kits.e2e.stack import Stack
from tests.kits.e2e.texts import Texts


@dataclass
class Deployed:
    stack: Stack
    env: dict  # the stack's environment, for one-off manage.py commands
    start_up_s: float  # empty database to healthy: migrate, collectstatic, processes


@pytest.fixture(scope="module")
def deployed():
    started = time.monotonic()
    with deployed_stack(os.environ["DATABASE_URL"], os.environ["REDIS_URL"],
                        "team-story") as (stack, env):
        yield Deployed(stack, env, time.monotonic() - started)


@pytest.fixture
def person(browser, deployed):
    """person(name, password) -> (Person, shot): a new browser context for each person."""
    stack = deployed.stack
    opened = []

    def open_for(name: str, password: str) -> tuple[Person, Screens]:
        context = browser.new_context(viewport={"width": 1360, "height": 900},
                                      locale="en-US", accept_downloads=True)
        context.set_default_timeout(20_000)
        violations = watch_csp(context)
        opened.append((name, context, violations))
        page = context.new_page()
        return (Person(page, stack, Texts("en-US"), password=password),
                Screens(page, f"deployed-{name}"))

    yield open_for
    refused = []
    for name, context, violations in opened:
        context.close()
        refused += [f"{name}: {violation}" for violation in violations]
    assert not refused, "the Content-Security-Policy refused:\n" + "\n".join(refused)
