"""The conformance suite's checks for the PostgreSQL table, against a real second
database. tests/connectors/conformance_kit.py assumes an HTTP sandbox with OAuth
(token refresh, revoked refresh tokens, Retry-After): none of that exists here, so
its read, page, write, delete and custom-field checks are written out below, and
the database's own limits (statement timeout, connection cap) stand in for its
rate-limit ones."""

import pytest

from connectors.postgres import PostgresConnector
from connectors.sdk import ErrorCategory
from connectors.sdk.errors import ConnectorError
from syncapp.crm.schema import DEFAULT_PROPERTIES
from tests.connectors.postgres import kit

OBJ = "public.users"


def read_all(connector, cursor=None, limit=4):
    found, seen = {}, []
    while True:
        page = connector.read_changes(OBJ, cursor, limit=limit)
        seen += [r.id for r in page.records]
        found.update({r.id: r for r in page.records})
        cursor = page.cursor or cursor
        if page.done:
            return found, seen, cursor


def test_spec_is_complete_for_the_marketplace():
    spec = PostgresConnector.spec
    assert (spec.key, spec.name, spec.auth.kind) == ("postgres", "PostgreSQL table", "dsn")
    assert spec.tagline and spec.description and spec.logo.startswith("<svg")


def test_default_mappings_name_real_columns_and_hub_properties(pg):
    spec_object = pg.object(OBJ)
    hub = {p.name for p in DEFAULT_PROPERTIES["contact"]}
    assert [(m.app_field, m.hub_property) for m in spec_object.default_mappings] == [
        ("email", "email"), ("first_name", "firstname"), ("last_name", "lastname")]
    assert all(spec_object.field(m.app_field) for m in spec_object.default_mappings)
    assert all(m.hub_property in hub for m in spec_object.default_mappings)
    assert spec_object.identifiers == (("email", "email"),)


def test_column_types_map_to_field_types_and_unsupported_ones_are_left_out(pg):
    fields = {f.name: (str(f.type), f.read_only) for f in pg.object(OBJ).fields}
    assert fields == {
        "id": ("number", True), "email": ("email", False), "first_name": ("text", False),
        "last_name": ("text", False), "age": ("number", False), "active": ("boolean", False),
        "born": ("date", False), "updated_at": ("datetime", True)}
    assert pg.account["table"]["skipped"] == ["tags"]


def test_account_info_names_the_database_and_table(pg):
    info = pg.account_info()
    assert info.id.endswith(f"/{kit.database_name()}/public.users")
    assert "public.users" in info.name and "password" not in info.name


def test_full_read_pages_through_every_row_once_despite_equal_timestamps(pg):
    kit.add_users(10, per_stamp=3)
    found, seen, _ = read_all(pg, limit=4)
    assert sorted(seen, key=int) == [str(i) for i in range(1, 11)]  # each once
    assert found["4"].values["email"] == "user4@pg.example"


def test_incremental_read_returns_what_changed_since_the_cursor(pg):
    kit.add_users(5)
    _, _, cursor = read_all(pg)
    kit.sql("UPDATE users SET first_name = 'Changed', updated_at = now() WHERE id = 2")
    found, seen, _ = read_all(pg, cursor)
    assert seen == ["2"] and found["2"].values["first_name"] == "Changed"


def test_read_by_ids_leaves_out_missing_rows(pg):
    kit.add_users(3)
    assert sorted(r.id for r in pg.read_by_ids(OBJ, ["1", "3", "99"])) == ["1", "3"]


def test_a_new_column_is_discovered(pg):
    kit.sql("ALTER TABLE users ADD COLUMN nickname text")
    assert [f.name for f in pg.discover_fields(OBJ)] == ["nickname"]


def test_batch_create_update_and_delete(pg):
    created = pg.create(OBJ, [("a", {"email": "a@pg.example", "age": "30"}),
                              ("b", {"email": "b@pg.example", "active": "true"})])
    assert all(o.ok for o in created)
    a, b = (o.record.id for o in created)
    updated = pg.update(OBJ, [(a, {"first_name": "Ann"}), (b, {"born": "1990-02-03"})])
    assert [o.record.values["first_name"] for o in updated] == ["Ann", None]
    assert updated[1].record.values["born"] == "1990-02-03"
    assert all(o.ok for o in pg.delete(OBJ, [a]))
    assert [r.id for r in pg.read_by_ids(OBJ, [a, b])] == [b]


def test_create_with_the_key_is_an_upsert_so_a_create_sent_twice_writes_once(pg):
    for _ in range(2):
        (outcome,) = pg.create(OBJ, [("r", {"id": "500", "email": "k@pg.example"})])
        assert outcome.ok
    assert kit.sql("SELECT count(*) FROM users WHERE id = 500") == [(1,)]


def test_one_bad_row_does_not_fail_the_others(pg):
    outcomes = pg.create(OBJ, [("good", {"email": "g@pg.example"}),
                               ("bad", {"age": "not a number"}),
                               ("also", {"email": "h@pg.example"})])
    assert [o.ok for o in outcomes] == [True, False, True]
    assert outcomes[1].error.category is ErrorCategory.INVALID_VALUE
    assert "integer" in outcomes[1].error.message


def test_an_update_of_a_deleted_row_says_deleted_in_the_app(pg):
    (outcome,) = pg.update(OBJ, [("404", {"first_name": "x"})])
    assert outcome.error.category is ErrorCategory.NOT_FOUND


def test_deleted_rows_come_from_the_trigger_log_once_it_is_set_up(pg):
    kit.add_users(3)
    assert not pg.deletes_reported(OBJ)
    assert pg.read_deleted(OBJ, None).records == []  # no trigger: the key diff's job
    kit.sql(PostgresConnector.setup_sql(pg.account))
    assert pg.deletes_reported(OBJ)
    kit.sql("DELETE FROM users WHERE id IN (1, 3)")
    page = pg.read_deleted(OBJ, None)
    assert [r.id for r in page.records] == ["1", "3"] and page.done
    assert pg.read_deleted(OBJ, page.cursor).records == []


def test_read_ids_lists_every_key_in_key_order(pg):
    kit.add_users(12)
    assert pg.read_ids(OBJ, None, 5) == ["1", "2", "3", "4", "5"]
    assert pg.read_ids(OBJ, "10", 5) == ["11", "12"]


def test_a_statement_over_the_timeout_stops_as_app_unavailable(users_table):
    slow = kit.users_connector(statement_timeout_ms=50)
    with pytest.raises(ConnectorError) as caught, slow.session() as conn:
        conn.execute("SELECT pg_sleep(1)")
    slow.close()
    assert caught.value.category is ErrorCategory.APP_UNAVAILABLE
    assert caught.value.transient


def test_connections_beyond_the_cap_wait_as_rate_limited(users_table):
    account = kit.table_account()
    first = kit.connector(account, max_connections=1)
    first.read_ids(OBJ, None)  # holds the one slot
    try:
        with pytest.raises(ConnectorError) as caught:
            kit.connector(account, max_connections=1).read_ids(OBJ, None)
        assert caught.value.category is ErrorCategory.RATE_LIMITED
    finally:
        first.close()
    again = kit.connector(account, max_connections=1)
    assert again.read_ids(OBJ, None) == []
    again.close()
