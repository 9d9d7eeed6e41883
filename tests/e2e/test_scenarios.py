"""Admin, ops and support each do their whole job in the browser, on the real stack.

Every round starts a fresh stack (tests/kits/e2e/stack.py) and runs the three scenarios
in order on it: the admin connects Pipedrive and sets up the syncs that ops then
reads and support then repairs. `make test` runs the Brazilian Portuguese round once;
the English story runs there too, on the deployed-mode stack (tests/deployed/: the same
admin, ops and support steps from an empty installation). `make soak` adds the English
rounds here, E2E_ROUNDS times in a row (10).
Screenshots of every step land in test-artifacts/screenshots/e2e-*.
"""

import json
import os

import pytest

from syncapp.crm.demo import DEMO_USERS
from tests.kits.e2e.admin import admin_scenario
from tests.kits.e2e.ops import ops_scenario
from tests.kits.e2e.pages import Person
from tests.kits.e2e.stack import LOGS
from tests.kits.e2e.support import support_scenario

# One xdist worker takes every round: they share the demo template database.
pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.e2e,
              pytest.mark.xdist_group("e2e")]

ROUNDS = int(os.environ.get("E2E_ROUNDS", "1"))
ADMIN = DEMO_USERS[0].email


@pytest.fixture
def me(page, stack, t, lang, round_no, request):
    person = Person(page, stack, t)
    yield person
    if person.waits:  # how long changes took to travel, for the closing notes
        with (LOGS / "waits.jsonl").open("a") as out:
            out.write(json.dumps({"lang": lang, "round": round_no,
                                  "scenario": request.node.originalname, **person.waits}) + "\n")


class Scenarios:
    def test_admin(self, me, shot):
        admin_scenario(me, shot, ADMIN)

    def test_ops(self, me, shot):
        ops_scenario(me, shot)

    def test_support(self, me, shot):
        support_scenario(me, shot)


@pytest.mark.soak
@pytest.mark.parametrize("lang", ["en-US"], scope="class")
@pytest.mark.parametrize("round_no", range(1, ROUNDS + 1), scope="class")
class TestInEnglish(Scenarios):
    pass


@pytest.mark.parametrize("lang", ["pt-BR"], scope="class")
@pytest.mark.parametrize("round_no", [1], scope="class")
class TestInBrazilianPortuguese(Scenarios):
    pass
