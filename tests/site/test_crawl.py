"""Every page and action, as every role, fed hostile values: never a 5xx, and a refused
request writes nothing; every HTML answer, refusals included, carries the CSP.

The routes come from the URLconf; the keys each view reads are recorded while an admin
opens it (so a new form field is crawled without editing this file); hypothesis draws
the values: unicode digits, NUL, huge numbers, far dates, long strings, several values
for one key, real ids of the portal. Each request is rolled back, so every one meets
the same portal. The request count per role goes to test-artifacts/crawl.json.
`make test` runs one sweep per role whose routes take two themes in turn, covering every
theme across the roles; `make soak` runs all ten, a sweep each, for every role.
"""

import fcntl
import itertools
import json
import traceback
from collections import Counter
from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st

from tests.kits.csp import assert_carries_the_policy
from tests.kits.soak import by_run
from tests.site.crawl_kit import KeysRead, address, build_world, fingerprint, routes, send

# One xdist worker crawls every role, so the plan (a minute of learning every route's keys)
# is learned once rather than once per worker that draws a role.
pytestmark = [pytest.mark.django_db, pytest.mark.grows_in_soak, pytest.mark.xdist_group("crawl")]
ARTIFACT = Path(__file__).resolve().parents[2] / "test-artifacts" / "crawl.json"
COUNTS: Counter = Counter()

NASTY = [
    "²", "١٢٣", "\U0001d7d9", "1²", "remove-²", "\x00", "1:\x00", "a\x00b", "-1", "0", "1.5", "1e3",
    "1e1000000", "1e999999", "-1e999999", "NaN", "Infinity", str(2**63), "9" * 40,
    "9999-12-31", "0001-01-01", "10000-01-01", "2024-02-30",
    "1:2026-01-01T00:00:00+23:59", "1:9999-12-31T23:59:59-05:00", "1:", ":", "1:x",
    "custom", "all", "review", "restore", "columns", "deleted", "hub", "app", "csv", "xlsx",
    "on", "true", "[]", "{}", "<script>alert(1)</script>", "../../etc/passwd",
    "x" * 70_000, " ", "",
]


def values(world) -> st.SearchStrategy[str]:
    real = sorted({str(v) for ids in world.ids.values() for v in ids})
    nasty = st.sampled_from(NASTY)
    return st.one_of(
        nasty, nasty, nasty, st.sampled_from(real),
        st.text(max_size=20),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.dates().map(lambda d: d.isoformat()),
        st.from_regex(r"[0-9]{1,3}:[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}"
                      r"[+-][0-9]{2}:[0-9]{2}", fullmatch=True),
    )


# A sweep's theme goes to three keys in four of a route, the other keys get any value,
# several values (the wrong shape) or none. The last theme is none.
THEMES = ["²", "1:²", "remove-²", "\x00", "1e1000000", "9999-12-31",
          "1:2026-01-01T00:00:00+23:59", "x" * 70_000, str(2**64), None]
ABSENT = object()


def form(world, keys, theme: str | None) -> st.SearchStrategy[dict]:
    one = values(world)
    other = st.one_of(one, st.lists(one, min_size=2, max_size=3), st.just(ABSENT))
    each = other
    if theme is not None:
        each = st.sampled_from([theme, theme, None]).flatmap(
            lambda chosen: st.just(chosen) if chosen else other)
    drawn = st.fixed_dictionaries(dict.fromkeys(sorted(keys), each))
    return drawn.map(lambda found: {k: v for k, v in found.items() if v is not ABSENT})


def crash_site(response) -> str:
    """Where a 5xx came from: the exception and the innermost frame of ours."""
    exc_info = getattr(response, "exc_info", None)
    if not exc_info:
        return ""
    frames = [f for f in traceback.extract_tb(exc_info[2]) if "/syncapp/" in f.filename]
    where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "?"
    return f"{exc_info[0].__name__}: {str(exc_info[1])[:120]} at {where}"


@pytest.fixture
def world(portal, admin):
    return build_world(portal, admin.user)


# Values that open a view's other branches, so that the keys read there are learned too
# (the custom period's dates, the restore panel's menus, a retry's chosen links).
BRANCH_SEEDS = {"period": "custom", "panel": "restore", "review": "1", "scope": "all",
                "category": "invalid_value", "add": "1", "action": "done", "object": "1"}
# Keys a view finds by walking the form rather than by name: the filter rows.
WALKED_KEYS = {"syncs:filters": {"field-0", "operator-0", "value-0", "field-1"}}


PLANS: dict[str, list] = {}  # learned once per test session: the keys depend on no id


@pytest.fixture
def plan(world, admin):
    """(route, methods, keys read) per route, learned by opening each as an admin with
    every value of its path: first with a bare form (bound, so a form reads its fields),
    then with the branch seeds until no new key shows up."""
    if "routes" in PLANS:
        return PLANS["routes"]
    admin_client = Client(raise_request_exception=False)
    admin_client.force_login(admin.user)
    found = []
    for route in routes():
        combos = itertools.product(*(world.ids[name] for name in route.converters))
        urls = [address(route, dict(zip(route.converters, combo, strict=True)))
                for combo in combos]
        methods, keys = set(), set(WALKED_KEYS.get(route.name, ()))
        for url, method in itertools.product(urls, ("get", "post")):
            for _pass in range(3):
                data = {"probe": "1"} | {k: BRANCH_SEEDS.get(k, "1") for k in keys}
                with KeysRead() as read:
                    response, _after = send(admin_client, method, url, data, look=False)
                if response.status_code != 405:
                    methods.add(method)
                if read.keys - {"probe"} <= keys:
                    break
                keys |= read.keys - {"probe"}
        found.append((route, sorted(methods), keys))
    PLANS["routes"] = found
    return found


# /healthz answers 503 while no worker beats: that is its contract, not a crash.
HEALTH_CHECK_DOWN = ("health", 503)
# The operator is the installation's staff superuser: the crawl reaches the Django admin.
ROLES = ["admin", "marketer", "ops", "support", "outsider", "operator"]
# `make test` gives each role one sweep whose routes take two themes in turn, so the six
# roles still cover every theme (two of them twice); `make soak` gives every role every
# theme, a sweep each.
THEMES_PER_SWEEP = by_run(smoke=2, soak=1)
SWEEPS_PER_ROLE = by_run(smoke=1, soak=len(THEMES))


def sweeps_for(role: str) -> list[list]:
    """The themes of each of the role's sweeps."""
    per_role = SWEEPS_PER_ROLE * THEMES_PER_SWEEP
    start = ROLES.index(role) * per_role
    themes = [THEMES[(start + step) % len(THEMES)] for step in range(per_role)]
    return [themes[i:i + THEMES_PER_SWEEP] for i in range(0, per_role, THEMES_PER_SWEEP)]


@pytest.mark.parametrize("role", ROLES)
def test_no_request_of_any_role_ends_in_a_server_error_or_a_half_write(
        role, request, world, plan):
    membership = request.getfixturevalue(role)
    client = Client(raise_request_exception=False)
    client.force_login(membership.user)
    baseline = fingerprint()

    # No shrinking: a sweep is long, and its failures list says all that is needed.
    @settings(max_examples=1, deadline=None, database=None,
              phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def sweep(themes, data):
        failures = []
        for index, (route, methods, keys) in enumerate(plan):
            path = {name: data.draw(st.sampled_from(ids)) for name, ids in world.ids.items()}
            url = address(route, path)
            method = data.draw(st.sampled_from(methods or ["get"]))
            sent = data.draw(form(world, keys, themes[index % len(themes)]))
            htmx = data.draw(st.booleans())
            response, after = send(client, method, url, sent, htmx=htmx)
            COUNTS[role] += 1
            event(f"{role}: {response.status_code // 100}xx")
            status = response.status_code
            if "text/html" in response.get("Content-Type", ""):
                assert_carries_the_policy(response, url)  # every page, even a refusal
            if (status >= 500 and (route.name, status) != HEALTH_CHECK_DOWN) or (
                    400 <= status < 500 and after != baseline):
                failures.append((status, method.upper(), url,
                                 {k: repr(v)[:80] for k, v in sent.items()}, htmx,
                                 crash_site(response)))
        assert not failures, "\n".join(map(str, failures))

    try:
        for themes in sweeps_for(role):
            sweep(themes)
    finally:
        translation.deactivate()  # a crawled set_language must not leak into later tests
    record_count(role, COUNTS[role])


def record_count(role: str, count: int) -> None:
    """Add this role's request count to test-artifacts/crawl.json (xdist workers share it)."""
    ARTIFACT.parent.mkdir(exist_ok=True)
    with (ARTIFACT.parent / "crawl.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        found = json.loads(ARTIFACT.read_text()) if ARTIFACT.is_file() else {}
        ARTIFACT.write_text(json.dumps({**found, role: count}, indent=1, sort_keys=True))
