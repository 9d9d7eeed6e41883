"""Record addresses in the vendor's web app come from each connector's spec."""

import pytest

from connectors.sdk.registry import connectors
from connectors.sdk.weblinks import record_url


@pytest.mark.parametrize("key", sorted(connectors()))
def test_every_declared_record_page_is_an_address_in_the_vendors_app(key):
    spec = connectors()[key].spec
    account = {"api_domain": "https://acme.pipedrive.com", "hub_id": "42",
               "instance_url": "https://acme.crm.dynamics.com",
               "web_domain": "https://crm.zoho.eu", "org_id": "20071234"}
    for obj in spec.objects:
        if obj.record_page:
            url = record_url(spec, obj.name, "7/8", account)
            assert url and url.startswith("https://"), (obj.name, url)
            assert "7%2F8" in url  # the id is one piece of the address, whatever it holds


def test_a_vendor_detail_that_is_not_a_web_address_makes_no_link():
    spec = connectors()["pipedrive"].spec
    assert record_url(spec, "persons", "1", {"api_domain": "javascript:alert(1)//"}) is None
    assert record_url(spec, "persons", "1", {}) is None
    assert record_url(spec, "notes", "1", {"api_domain": "https://a.pipedrive.com"}) is None
