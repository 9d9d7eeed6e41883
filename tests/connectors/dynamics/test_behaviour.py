"""Dynamics 365 behaviours beyond the shared suite: two environments connected to
one portal (the help article's own example), change tracking in detail, and
associations kept in lookups. Every call is checked against the Dataverse
contract (connectors/dynamics/contract.py)."""

from urllib.parse import parse_qs, urlsplit

import pytest

from connectors.dynamics import DynamicsConnector
from connectors.dynamics.contract import ContractLog
from connectors.dynamics.sandbox import create_sandbox
from connectors.sdk import AssociationRecord, ConnectorError, ErrorCategory, HttpClient, OAuth2Auth
from tests.kits.sandbox import (
    MemoryTokenStore,
    connect,
    oauth_client,
    sandbox_server,
)

CONTOSO, FABRIKAM = "admin@contoso.example", "admin@fabrikam.example"


@pytest.fixture(scope="module")
def sandbox():
    return create_sandbox()


@pytest.fixture(scope="module")
def root(sandbox):
    with sandbox_server(sandbox) as url:
        yield url


@pytest.fixture
def contract():
    log = ContractLog()
    yield log
    assert not log.seen, "\n".join(log.seen[:20])


def make_connector(root: str, login: str, contract: ContractLog | None = None,
                   account: dict | None = None) -> tuple[DynamicsConnector, MemoryTokenStore]:
    """A connector with its own token, obtained through the consent page."""
    token = connect(DynamicsConnector, root, login)
    store = MemoryTokenStore(token)
    session = contract.session() if contract else None
    http = HttpClient(auth=OAuth2Auth(oauth_client(DynamicsConnector, root), store),
                      session=session, sleep=lambda s: None)
    connector = DynamicsConnector(http, api_bases=DynamicsConnector.sandbox_bases(root),
                                  account=token.extra if account is None else account)
    return connector, store


def drain(connector, object_name, cursor=None, limit=100):
    records = []
    while True:
        page = connector.read_changes(object_name, cursor, limit=limit)
        records.extend(page.records)
        cursor = page.cursor
        if page.done:
            return records, cursor


def drain_deleted(connector, object_name, cursor=None):
    gone = []
    while True:
        page = connector.read_deleted(object_name, cursor)
        gone.extend(page.records)
        cursor = page.cursor
        if page.done:
            return gone, cursor


def full_names(records):
    return {f"{r.values.get('firstname')} {r.values.get('lastname')}" for r in records}


# --- two Dynamics accounts in one portal -------------------------------------------------


def test_two_environments_with_two_tokens_each_see_only_their_own_records(root, contract):
    contoso, contoso_store = make_connector(root, CONTOSO, contract)
    fabrikam, fabrikam_store = make_connector(root, FABRIKAM, contract)
    assert contoso_store.token.access_token != fabrikam_store.token.access_token

    contoso_info, fabrikam_info = contoso.account_info(), fabrikam.account_info()
    assert (contoso_info.name, fabrikam_info.name) == ("Contoso", "Fabrikam")
    assert contoso_info.id != fabrikam_info.id
    assert contoso_info.extra["instance_url"] != fabrikam_info.extra["instance_url"]

    contoso_people, contoso_cursor = drain(contoso, "contacts")
    fabrikam_people, fabrikam_cursor = drain(fabrikam, "contacts")
    assert "Deanna Floyd" in full_names(contoso_people)
    assert "Ann Beebe" in full_names(fabrikam_people)
    assert not full_names(contoso_people) & full_names(fabrikam_people)
    assert not {r.id for r in contoso_people} & {r.id for r in fabrikam_people}

    made = contoso.create("contacts", [("r", {"lastname": "OnlyInContoso"})])[0]
    assert made.ok, made.error
    assert made.record.id in {r.id for r in drain(contoso, "contacts", contoso_cursor)[0]}
    assert drain(fabrikam, "contacts", fabrikam_cursor)[0] == []
    assert fabrikam.read_by_ids("contacts", [made.record.id]) == []


def test_a_token_cannot_reach_another_environment(root, contract):
    fabrikam, _ = make_connector(root, FABRIKAM, contract)
    fabrikam_url = fabrikam.account_info().extra["instance_url"]
    contoso, _ = make_connector(root, CONTOSO, contract, account={"instance_url": fabrikam_url})
    with pytest.raises(ConnectorError) as raised:
        contoso.read_changes("contacts", None)
    assert raised.value.category is ErrorCategory.PERMISSION_DENIED
    assert "not a member" in raised.value.vendor_message


def test_a_kept_instance_url_skips_discovery(sandbox, root, contract):
    first, _ = make_connector(root, CONTOSO, contract)
    account = first.account_info().extra
    again, _ = make_connector(root, CONTOSO, contract, account=account)
    sandbox.calls.clear()
    assert again.account_info().name == "Contoso"  # named by the organization row itself
    drain(again, "accounts")
    assert not any("/globaldisco/" in path for _t, _m, path in sandbox.calls)


def test_discovery_skips_disabled_environments(sandbox, root, contract):
    env = sandbox.environment("contoso")
    env.other_instances = [{"Id": "0b7c6f1e-0d1c-4a55-9d57-2d1f1e0e3b11", "UniqueName": "unqold",
                            "UrlName": "contosoold", "FriendlyName": "A retired Contoso",
                            "State": 1, "Version": "9.2", "Url": f"{root}/contosoold",
                            "ApiUrl": f"{root}/contosoold"}]
    try:
        connector, _ = make_connector(root, CONTOSO, contract)
        assert connector.account_info().extra["instance_url"] == f"{root}/contoso"
    finally:
        env.other_instances = []


def test_sign_in_lets_the_admin_pick_the_microsoft_account():
    client = oauth_client(DynamicsConnector, "https://login.example")
    request = client.authorization_request()
    params = parse_qs(urlsplit(request.url).query)
    assert params["prompt"] == ["select_account"]
    assert params["code_challenge_method"] == ["S256"]
    assert "offline_access" in params["scope"][0]
    assert DynamicsConnector.spec.auth.revoke_url is None
    assert "revoke" not in DynamicsConnector.sandbox_paths


# --- change tracking -------------------------------------------------------------------


def test_a_delta_brings_changes_and_deletions_in_their_own_streams(root, contract):
    connector, _ = make_connector(root, CONTOSO, contract)
    made = [o.record.id for o in connector.create(
        "accounts", [(str(n), {"name": f"Delta Co {n}"}) for n in range(3)])]
    _, changes = drain(connector, "accounts")
    _, deletions = drain_deleted(connector, "accounts")

    connector.update("accounts", [(made[0], {"telephone1": "+1 555 0142"})])
    connector.delete("accounts", [made[1]])

    changed, _ = drain(connector, "accounts", changes)
    assert [r.id for r in changed] == [made[0]]
    assert changed[0].values["telephone1"] == "+1 555 0142"
    gone, _ = drain_deleted(connector, "accounts", deletions)
    assert [d.id for d in gone] == [made[1]]


def test_delta_pages_follow_next_links_and_end_on_a_delta_link(root, contract):
    connector, _ = make_connector(root, CONTOSO, contract)
    _, cursor = drain(connector, "tasks")
    made = {o.record.id for o in connector.create(
        "tasks", [(str(n), {"subject": f"Paged task {n}"}) for n in range(5)])}
    pages = []
    while True:
        page = connector.read_changes("tasks", cursor, limit=2)
        pages.append(page)
        cursor = page.cursor
        if page.done:
            break
    assert len(pages) == 3
    assert [len(p.records) for p in pages] == [2, 2, 1]
    assert {r.id for p in pages for r in p.records} == made
    assert "$skiptoken" in pages[0].cursor and "$deltatoken" in pages[-1].cursor


def test_cursors_do_not_name_the_host(root, contract):
    connector, _ = make_connector(root, CONTOSO, contract)
    _, cursor = drain(connector, "leads")
    assert cursor.startswith("leads?") and "://" not in cursor


def test_a_cursor_of_another_table_is_refused(root, contract):
    connector, _ = make_connector(root, CONTOSO, contract)
    _, cursor = drain(connector, "leads")
    with pytest.raises(ConnectorError):
        connector.read_changes("contacts", cursor)


def test_changes_made_during_a_full_read_are_not_lost(root, contract):
    connector, _ = make_connector(root, CONTOSO, contract)
    first = connector.read_changes("contacts", None, limit=2)
    assert not first.done
    seen = first.records[0]
    connector.update("contacts", [(seen.id, {"jobtitle": "Changed mid-read"})])
    added = connector.create("contacts", [("new", {"lastname": "Added mid-read"})])[0].record.id
    _, cursor = drain(connector, "contacts", first.cursor, limit=2)
    after, _ = drain(connector, "contacts", cursor)
    assert seen.id in {r.id for r in after}
    assert added in {r.id for r in after}


def test_an_expired_delta_link_starts_a_full_read_again(sandbox, root, contract):
    connector, _ = make_connector(root, CONTOSO, contract)
    everything, cursor = drain(connector, "products")
    sandbox.expire_delta_tokens()
    again, fresh = drain(connector, "products", cursor)
    assert {r.id for r in again} == {r.id for r in everything}
    assert fresh != cursor
    assert drain(connector, "products", fresh)[0] == []


def test_values_arrive_in_canonical_form(root, contract):
    connector, _ = make_connector(root, CONTOSO, contract)
    accounts, _ = drain(connector, "accounts")
    white = next(r for r in accounts if r.values["name"] == "White-Lane")
    assert white.values["revenue"] == "2500000"
    assert white.values["industrycode"] == "6"
    assert white.values["websiteurl"] == "https://www.whitelane.com"
    assert white.values["new_region"] == "South"  # a custom column
    people, _ = drain(connector, "contacts")
    eric = next(r for r in people if r.values["firstname"] == "Eric")
    assert eric.values["birthdate"] == "1984-05-17"
    robert = next(r for r in people if r.values["firstname"] == "Robert")
    assert robert.values["donotemail"] == "true"
    assert robert.modified_at is not None


# --- associations (lookups) ------------------------------------------------------------


def test_contacts_are_read_with_their_company(root, contract):
    connector, _ = make_connector(root, CONTOSO, contract)
    accounts, _ = drain(connector, "accounts")
    keller = next(r.id for r in accounts if r.values["name"] == "Keller Inc")
    people, _ = drain(connector, "contacts")
    links = connector.read_associations("contacts", [r.id for r in people], "accounts")
    staff = {link.from_id for link in links if link.to_id == keller}
    assert len(staff) == 4  # a company with several contacts
    assert all(link.primary for link in links)


def test_a_polymorphic_lookup_is_read_only_for_its_table(root, contract):
    connector, _ = make_connector(root, CONTOSO, contract)
    calls, _ = drain(connector, "phonecalls")
    ids = [r.id for r in calls]
    to_contacts = connector.read_associations("phonecalls", ids, "contacts")
    to_deals = connector.read_associations("phonecalls", ids, "opportunities")
    assert len(to_contacts) == 1 and len(to_deals) == 1
    assert to_contacts[0].from_id != to_deals[0].from_id
    assert connector.read_associations("products", ids, "contacts") == []


def test_associations_are_written_through_bindings(root, contract):
    connector, _ = make_connector(root, CONTOSO, contract)
    company = connector.create("accounts", [("c", {"name": "Bound Co"})])[0].record.id
    person = connector.create("contacts", [("p", {"lastname": "Bound"})])[0].record.id
    missing = "00000000-0000-0000-0000-00000000abcd"
    outcomes = connector.write_associations("contacts", "accounts", [
        AssociationRecord(person, company), AssociationRecord(person, missing),
        AssociationRecord(missing, company)])
    assert outcomes[0].ok
    assert outcomes[1].error.category is ErrorCategory.ASSOCIATION_FAILED
    assert outcomes[2].error.category is ErrorCategory.NOT_FOUND
    assert connector.read_associations("contacts", [person], "accounts") == [
        AssociationRecord(person, company, primary=True)]


def test_an_association_the_app_does_not_keep_is_refused(root, contract):
    connector, _ = make_connector(root, CONTOSO, contract)
    outcome = connector.write_associations("products", "contacts", [
        AssociationRecord("00000000-0000-0000-0000-000000000001",
                          "00000000-0000-0000-0000-000000000002")])[0]
    assert outcome.error.category is ErrorCategory.REJECTED


# --- optimistic concurrency: If-Match with the row's ETag ---------------------------------


def test_an_update_made_on_an_old_etag_is_refused_and_the_row_left_as_it_is(root, contract):
    """The engine passes the versions it read (conditional_writes): a row someone
    changed since is answered 412 and reported CHANGED_SINCE_READ, not a failure."""
    connector, _ = make_connector(root, CONTOSO, contract)
    assert connector.object("contacts").capabilities.conditional_writes
    row_id = connector.create("contacts", [("p", {"lastname": "Etag"})])[0].record.id
    (read,) = connector.read_by_ids("contacts", [row_id])
    assert read.version and read.version.startswith('W/"')
    assert connector.update("contacts", [(row_id, {"jobtitle": "Someone"})])[0].ok

    stale = connector.update("contacts", [(row_id, {"jobtitle": "Us"})],
                             versions={row_id: read.version})[0]
    assert stale.error.category is ErrorCategory.CHANGED_SINCE_READ
    assert stale.error.status == 412
    assert connector.read_by_ids("contacts", [row_id])[0].values["jobtitle"] == "Someone"

    (now,) = connector.read_by_ids("contacts", [row_id])
    fresh = connector.update("contacts", [(row_id, {"jobtitle": "Us"})],
                             versions={row_id: now.version})[0]
    assert fresh.ok and fresh.record.values["jobtitle"] == "Us"
    assert fresh.record.version != now.version  # every write takes a new version
