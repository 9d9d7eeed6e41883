"""Associations: v4 reads and writes, the primary company, deals to products as line items."""

import pytest

from connectors.hubspot.associations import TYPES
from connectors.hubspot.spec import SPEC
from connectors.sdk import AssociationRecord
from connectors.sdk import ErrorCategory as Cat
from tests.connectors.hubspot.test_conformance import make_connector, running_sandbox

ACME_ID = "4410001"


@pytest.fixture
def stack():
    with running_sandbox() as (sandbox, root):
        yield sandbox, root


@pytest.fixture
def connector(stack):
    return make_connector(stack[1])[0]


def ids(sandbox, kind: str) -> list[str]:
    return [r["id"] for r in sandbox.accounts[ACME_ID].records(kind)]


def test_every_declared_association_has_hubspot_type_ids():
    for obj in SPEC.objects:
        for association in obj.associations:
            pair = (obj.name, association.to_object)
            assert pair in TYPES or pair == ("deals", "products"), pair


def test_a_contacts_primary_company_is_read(stack, connector):
    sandbox, _root = stack
    deanna, tracey = ids(sandbox, "contacts")[0], ids(sandbox, "contacts")[6]
    found = connector.read_associations("contacts", [deanna, tracey], "companies")
    assert found == [AssociationRecord(deanna, ids(sandbox, "companies")[0], primary=True)]


def test_writing_a_new_primary_company_moves_the_primary(stack, connector):
    sandbox, _root = stack
    ana = ids(sandbox, "contacts")[1]
    roth, initech = ids(sandbox, "companies")[0], ids(sandbox, "companies")[4]
    (outcome,) = connector.write_associations(
        "contacts", "companies", [AssociationRecord(ana, initech, primary=True)])
    assert outcome.ok and outcome.ref == f"{ana}->{initech}"
    found = {a.to_id: a.primary for a in connector.read_associations("contacts", [ana],
                                                                      "companies")}
    assert found == {roth: False, initech: True}


def test_an_association_to_a_missing_record_fails_alone(stack, connector):
    sandbox, _root = stack
    contact, company = ids(sandbox, "contacts")[5], ids(sandbox, "companies")[2]
    good, bad = connector.write_associations("contacts", "companies", [
        AssociationRecord(contact, company), AssociationRecord(contact, "999999")])
    assert good.ok
    assert bad.error.category is Cat.ASSOCIATION_FAILED and bad.error.transient


def test_a_company_with_many_contacts_is_read_past_one_page(stack, connector):
    sandbox, _root = stack
    sandbox.association_page = 2
    roth = ids(sandbox, "companies")[0]
    found = connector.read_associations("companies", [roth], "contacts")
    assert len({a.to_id for a in found}) == 3


def test_activities_associate_to_contacts_deals_and_companies(stack, connector):
    sandbox, _root = stack
    call, deal = ids(sandbox, "calls")[0], ids(sandbox, "deals")[1]
    assert connector.read_associations("calls", [call], "contacts")
    (outcome,) = connector.write_associations("calls", "deals",
                                              [AssociationRecord(call, deal)])
    assert outcome.ok
    assert [a.to_id for a in connector.read_associations("calls", [call], "deals")] == [deal]


def test_deal_products_are_read_from_line_items(stack, connector):
    sandbox, _root = stack
    deal, product = ids(sandbox, "deals")[0], ids(sandbox, "products")[0]
    assert connector.read_associations("deals", [deal], "products") == [
        AssociationRecord(deal, product)]


def test_a_deal_product_link_is_written_as_one_line_item(stack, connector):
    sandbox, _root = stack
    deal, product = ids(sandbox, "deals")[2], ids(sandbox, "products")[3]
    link = AssociationRecord(deal, product)
    before = len(ids(sandbox, "line_items"))
    assert connector.write_associations("deals", "products", [link, link])[0].ok
    assert connector.write_associations("deals", "products", [link])[0].ok  # idempotent
    assert len(ids(sandbox, "line_items")) == before + 1
    item = sandbox.accounts[ACME_ID].records("line_items")[-1]["properties"]
    assert (item["hs_product_id"], item["name"], item["quantity"]) == (
        product, "Sandbox Widget", "1")
    assert link in connector.read_associations("deals", [deal], "products")


def test_a_link_to_a_product_hubspot_does_not_have_fails_as_an_association(stack, connector):
    sandbox, _root = stack
    deal = ids(sandbox, "deals")[1]
    (outcome,) = connector.write_associations("deals", "products",
                                              [AssociationRecord(deal, "999999")])
    assert outcome.error.category is Cat.ASSOCIATION_FAILED
    assert "999999" in outcome.error.vendor_message
