"""The conformance suite every connector runs, against its sandbox, through Prism.

A connector's test module subclasses `ConnectorConformance` and fills in the
class attributes and the three value helpers. Where the vendor publishes an
OpenAPI spec, `prism_specs` names it per API and every call of the suite goes
through Prism; a contract violation fails the test.
"""

import re
import time
from collections.abc import Callable
from contextlib import ExitStack
from html import unescape
from pathlib import Path

import pytest
import requests

from connectors.sdk import ConnectorError, ErrorCategory, HttpClient, OAuth2Auth
from connectors.sdk.connector import Connector
from connectors.sdk.weblinks import record_url
from syncapp.crm.identifier_table import identifiers_of
from syncapp.crm.schema import DEFAULT_PROPERTIES
from tests.kits.sandbox import (
    MemoryTokenStore,
    ViolationLog,
    connect,
    oauth_client,
    prism_proxy,
    sandbox_server,
)


class ConnectorConformance:
    connector_cls: type[Connector]
    login: str  # a seeded sandbox account
    objects_under_test: tuple[str, ...] = ()
    prism_specs: dict[str, Path] = {}  # API name -> vendor spec; empty: no published spec
    known_defects: dict[tuple[str, str], str] = {}

    # Per object: (new values for record n, changed values, values the vendor refuses:
    # a wrong type, a missing required field, …). Or override the three methods below.
    values: dict[str, tuple[Callable[[int], dict], dict, dict]] = {}

    def new_values(self, object_name: str, n: int) -> dict:
        return self.values[object_name][0](n)

    def changed_values(self, object_name: str) -> dict:
        return dict(self.values[object_name][1])

    def invalid_values(self, object_name: str) -> dict:
        return dict(self.values[object_name][2])

    # --- the stack: sandbox on real HTTP, Prism in front, a real OAuth token -------------

    @pytest.fixture(scope="class")
    def sandbox(self):
        from connectors.sdk.registry import load

        return load(self.connector_cls.sandbox)()

    @pytest.fixture(scope="class")
    def sandbox_root(self, sandbox):
        with sandbox_server(sandbox) as url:
            yield url

    @pytest.fixture(scope="class")
    def violations(self):
        return ViolationLog(known_defects=dict(self.known_defects))

    @pytest.fixture(scope="class")
    def api_bases(self, sandbox_root, tmp_path_factory):
        direct = self.connector_cls.sandbox_bases(sandbox_root)
        with ExitStack() as stack:
            for api, spec in self.prism_specs.items():
                log = tmp_path_factory.mktemp("prism") / f"{api}.log"
                direct[api] = stack.enter_context(prism_proxy(spec, direct[api], log))
            yield direct

    @pytest.fixture
    def store(self, sandbox_root):
        return MemoryTokenStore(connect(self.connector_cls, sandbox_root, self.login))

    @pytest.fixture
    def connector(self, store, sandbox_root, api_bases, violations):
        auth = OAuth2Auth(oauth_client(self.connector_cls, sandbox_root), store)
        http = HttpClient(auth=auth, session=violations.session(), sleep=lambda s: None)
        return self.connector_cls(http, api_bases=api_bases, account=store.token.extra)

    @pytest.fixture(autouse=True)
    def _contract_clean(self, violations, request):
        yield
        if self.prism_specs and "connector" in request.fixturenames:
            violations.assert_clean()
            violations.judged = 0

    # --- the spec ----------------------------------------------------------------------

    def test_spec_is_complete_for_the_marketplace(self):
        spec = self.connector_cls.spec
        assert spec.key and spec.name and spec.tagline and spec.description
        assert spec.logo.lstrip().startswith("<svg")
        assert spec.auth.scopes
        assert {"authorize", "token"} <= set(self.connector_cls.sandbox_paths)

    def test_default_mappings_name_real_fields_and_hub_properties(self, object_name):
        obj = self.connector_cls.spec.object(object_name)
        hub_properties = {p.name for p in DEFAULT_PROPERTIES[obj.hub_object]}
        for mapping in obj.default_mappings:
            assert obj.field(mapping.app_field), mapping
            assert mapping.hub_property in hub_properties, mapping
        matched_by = {i.key for i in identifiers_of(obj.hub_object)}
        for identifier, app_field in obj.identifiers:
            assert identifier in matched_by, identifier
            assert obj.field(app_field), app_field

    # --- the record in the vendor's own app ---------------------------------------------

    def test_record_page_is_declared_in_the_spec_and_opens_the_record(
            self, request, sandbox_root, object_name):
        spec = self.connector_cls.spec
        if object_name not in {o.name for o in spec.objects} or not spec.object(
                object_name).record_page:
            pytest.skip("the vendor's app has no page for one record of this object")
        connector = request.getfixturevalue("connector")  # only now: a skip calls nobody
        record = _read_all(connector, object_name, page_size=50)[0]
        account = {**connector.account, **connector.account_info().extra}
        url = record_url(spec, object_name, record.id, account,
                         self.connector_cls.sandbox_web_root(sandbox_root))
        assert url and url.startswith(sandbox_root), url
        page = _open_signed_in(url, self.login)
        assert page.status_code == 200, page.text[:300]
        shown = [v for v in record.values.values() if isinstance(v, str) and len(v) > 2]
        assert any(value in unescape(page.text) for value in shown), page.text[:500]

    # --- reads -------------------------------------------------------------------------

    def test_account_info_names_the_vendor_account(self, connector):
        info = connector.account_info()
        assert info.id and info.name

    def test_full_read_pages_through_every_record_once(self, connector, object_name):
        records = _read_all(connector, object_name, page_size=3)
        ids = [r.id for r in records]
        assert ids, "the sandbox should be seeded with records of every object under test"
        assert len(ids) == len(set(ids))

    def test_incremental_read_returns_what_changed_since_the_cursor(self, connector, object_name):
        _records, cursor = _drain(connector, object_name, None)
        created = connector.create(object_name, [("ref-1", self.new_values(object_name, 1))])
        assert created[0].ok, created[0].error
        app_id = created[0].record.id
        changed, _ = _drain(connector, object_name, cursor)
        assert app_id in {r.id for r in changed}

    def test_read_by_ids_leaves_out_missing_records(self, connector, object_name):
        some = _read_all(connector, object_name, page_size=50)[:2]
        found = connector.read_by_ids(object_name, [r.id for r in some] + ["999999999"])
        assert {r.id for r in found} == {r.id for r in some}

    def test_custom_fields_are_discovered(self, connector, object_name):
        static = {f.name for f in connector.object(object_name).fields}
        assert any(f.custom and f.name not in static for f in connector.fields(object_name))

    # --- writes ------------------------------------------------------------------------

    def test_batch_create_update_and_delete(self, connector, object_name):
        items = [(f"ref-{n}", self.new_values(object_name, n)) for n in range(3)]
        created = connector.create(object_name, items)
        assert [o.ref for o in created] == [ref for ref, _ in items]
        assert all(o.ok for o in created), [o.error for o in created]
        ids = [o.record.id for o in created]

        updated = connector.update(object_name, [(ids[0], self.changed_values(object_name))])
        assert updated[0].ok, updated[0].error
        (reread,) = connector.read_by_ids(object_name, [ids[0]])
        for name, value in self.changed_values(object_name).items():
            assert reread.values.get(name) == value

        deleted = connector.delete(object_name, ids[1:])
        assert all(o.ok for o in deleted), [o.error for o in deleted]
        assert {r.id for r in connector.read_by_ids(object_name, ids)} == {ids[0]}

    def test_one_bad_record_does_not_fail_the_batch(self, connector, object_name):
        items = [
            ("good", self.new_values(object_name, 7)),
            ("bad", self.invalid_values(object_name)),
        ]
        good, bad = connector.create(object_name, items)
        assert good.ok and not bad.ok
        assert bad.error.category in {ErrorCategory.INVALID_VALUE, ErrorCategory.REQUIRED_MISSING,
                                      ErrorCategory.REJECTED}
        assert bad.error.vendor_message

    def test_deleted_records_are_reported_where_the_app_can(self, connector, object_name):
        if not connector.object(object_name).capabilities.deleted_records:
            pytest.skip("the app cannot list deleted records of this object")
        cursor = _drain_deleted(connector, object_name, None)[1]
        created = connector.create(object_name, [("r", self.new_values(object_name, 9))])
        connector.delete(object_name, [created[0].record.id])
        gone, _ = _drain_deleted(connector, object_name, cursor)
        assert created[0].record.id in {d.id for d in gone}

    # --- failures ----------------------------------------------------------------------

    def test_expired_access_token_is_refreshed_once_and_the_call_succeeds(
        self, connector, store, sandbox, object_name
    ):
        sandbox.expire_access_tokens()
        before = store.token.access_token
        assert _read_all(connector, object_name, page_size=50)
        assert store.token.access_token != before
        assert store.saves == 1

    def test_revoked_refresh_token_means_reconnect(self, connector, store, sandbox, object_name):
        sandbox.expire_access_tokens()
        sandbox.revoke_refresh_tokens()
        with pytest.raises(ConnectorError) as raised:
            connector.read_changes(object_name, None)
        assert raised.value.category is ErrorCategory.AUTH_EXPIRED
        assert store.reconnect_error is not None

    def test_retry_after_is_honoured(self, connector, sandbox, object_name):
        waits = []

        def sleep(seconds):
            waits.append(seconds)
            time.sleep(seconds)

        connector.http.sleep = sleep
        sandbox.rate = (2, 2.0)
        try:
            for _ in range(3):
                connector.read_changes(object_name, None, limit=1)
        finally:
            sandbox.rate = None
        assert waits
        assert min(waits) >= 1  # the sandbox said Retry-After: 1 or 2 (whole seconds)

    def test_a_long_retry_after_pauses_the_run_instead_of_sleeping(
        self, connector, sandbox, object_name
    ):
        waits = []
        connector.http.sleep = waits.append
        # Warm up first: a connector may fetch metadata (custom fields) once per instance.
        connector.read_changes(object_name, None, limit=1)
        sandbox.rate = (1, 600.0)
        try:
            connector.read_changes(object_name, None, limit=1)
            with pytest.raises(ConnectorError) as raised:
                connector.read_changes(object_name, None, limit=1)
        finally:
            sandbox.rate = None
        assert raised.value.category is ErrorCategory.RATE_LIMITED
        assert raised.value.retry_after > 60
        assert waits == []


def _drain(connector, object_name, cursor, page_size=100):
    records = []
    for _ in range(10_000):
        page = connector.read_changes(object_name, cursor, limit=page_size)
        records.extend(page.records)
        cursor = page.cursor or cursor
        if page.done:
            return records, cursor
    raise AssertionError("read_changes never said it was done")


def _read_all(connector, object_name, page_size):
    return _drain(connector, object_name, None, page_size)[0]


def _drain_deleted(connector, object_name, cursor):
    records = []
    for _ in range(10_000):
        page = connector.read_deleted(object_name, cursor)
        records.extend(page.records)
        cursor = page.cursor or cursor
        if page.done:
            return records, cursor
    raise AssertionError("read_deleted never said it was done")


def _open_signed_in(url: str, login: str) -> requests.Response:
    """GET a page of the vendor's app; where it asks to sign in, sign in as a person
    would (the sandbox accounts' password is "sandbox") and come back."""
    session = requests.Session()
    page = session.get(url, timeout=10)
    form = re.search(r'<form method="post" action="([^"]+)">', page.text)
    if form and 'name="password"' in page.text:
        page = session.post(unescape(form.group(1)), timeout=10,
                            data={"login": login, "password": "sandbox"})
    return page
