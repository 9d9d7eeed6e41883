"""Nobody sees another portal's anything: not by URL, not by a form field.

The outsider is a super admin of Globex; every record here belongs to Acme.
"""

import pytest
from django.test import Client
from django.urls import reverse

from syncapp.accounts.services import add_member
from syncapp.crm.models import Association, ChangeLogEntry, PropertyDefinition, Record
from syncapp.crm.properties import create_custom_property
from syncapp.crm.services import associate, create_record


@pytest.fixture
def acme_contact(portal):
    return create_record(portal, "contact", {"firstname": "Ada", "email": "ada@acme.test"})


@pytest.fixture
def acme_company(portal, acme_contact):
    company = create_record(portal, "company", {"name": "Acme Inc"})
    associate(acme_contact, company)
    return company


@pytest.fixture
def globex_contact(other_portal):
    values = {"firstname": "Hank", "email": "hank@globex.test"}
    return create_record(other_portal, "contact", values)


def snapshot():
    """Everything a request could have changed."""
    return (
        list(Record.objects.order_by("pk").values_list("pk", "properties", "archived_at")),
        list(Association.objects.order_by("pk").values_list("pk", "from_record", "to_record")),
        ChangeLogEntry.objects.count(),
    )


# (url name, method, extra url args beyond the record, POST data)
ACME_URLS = [
    ("detail", "get", [], {}),
    ("edit", "get", [], {}),
    ("edit", "post", [], {"firstname": "Hijacked", "email": "evil@globex.test"}),
    ("delete", "post", [], {}),
    ("restore", "post", [], {}),
    ("associate", "post", [], "company"),
    ("dissociate", "post", ["company"], {}),
]


@pytest.mark.parametrize("case", ACME_URLS, ids=[f"{n}-{m}" for n, m, _e, _d in ACME_URLS])
def test_outsider_gets_404_for_every_url_of_another_portals_record(
    outsider_client, acme_contact, acme_company, case
):
    name, method, extra, data = case
    args = ["contact", acme_contact.pk] + [acme_company.pk for _ in extra]
    url = reverse(f"crm:{name}", args=args)
    if data == "company":
        data = {"record": acme_company.pk}
    before = snapshot()
    send = outsider_client.post if method == "post" else outsider_client.get
    response = send(url, data)
    assert response.status_code == 404
    assert snapshot() == before


def test_outsider_cannot_restore_another_portals_deleted_record(outsider_client, portal):
    record = create_record(portal, "contact", {"firstname": "Gone"})
    record.archived_at = record.created_at
    record.save()
    response = outsider_client.post(reverse("crm:restore", args=["contact", record.pk]))
    assert response.status_code == 404
    record.refresh_from_db()
    assert record.is_archived


def test_outsider_lists_and_searches_only_their_own_records(
    outsider_client, acme_contact, globex_contact
):
    url = reverse("crm:list", args=["contact"])
    content = outsider_client.get(url).content.decode()
    assert "Hank" in content
    assert "Ada" not in content
    searched = outsider_client.get(url, {"q": "ada"}).content.decode()
    assert "Ada" not in searched
    deleted = outsider_client.get(url, {"view": "deleted"}).content.decode()
    assert "Ada" not in deleted


def test_properties_page_lists_only_the_portals_own_custom_properties(
    outsider_client, portal, other_portal
):
    create_custom_property(portal, "contact", label="Acme secret", kind="text")
    create_custom_property(other_portal, "contact", label="Globex field", kind="text")
    content = outsider_client.get(reverse("crm:properties", args=["contact"])).content.decode()
    assert "Globex field" in content
    assert "Acme secret" not in content


def test_outsider_may_reuse_an_internal_name_another_portal_uses(outsider_client, portal):
    create_custom_property(portal, "contact", label="Shoe size", kind="number")
    response = outsider_client.post(
        reverse("crm:properties", args=["contact"]),
        {"label": "Shoe size", "name": "shoe_size", "type": "number"},
    )
    assert response.status_code == 302
    assert PropertyDefinition.objects.filter(name="shoe_size").count() == 2


def test_another_portals_record_id_in_the_association_form_is_404(
    outsider_client, globex_contact, acme_company
):
    before = snapshot()
    response = outsider_client.post(
        reverse("crm:associate", args=["contact", globex_contact.pk]),
        {"record": acme_company.pk},
    )
    assert response.status_code == 404
    assert not Association.objects.filter(from_record=globex_contact).exists()
    assert snapshot() == before


def test_another_portals_record_id_in_the_remove_url_is_404(
    outsider_client, globex_contact, acme_company
):
    url = reverse("crm:dissociate", args=["contact", globex_contact.pk, acme_company.pk])
    assert outsider_client.post(url).status_code == 404


def test_association_picker_offers_only_the_portals_own_records(
    outsider_client, globex_contact, acme_company
):
    page = outsider_client.get(
        reverse("crm:detail", args=["contact", globex_contact.pk]), {"add": "company"}
    )
    assert "Acme Inc" not in page.content.decode()


def test_member_of_two_portals_switches_and_sees_the_other_portals_data(
    admin, portal, other_portal, acme_contact, globex_contact
):
    add_member(other_portal, admin.user.username)
    client = Client()
    client.force_login(admin.user)
    list_url = reverse("crm:list", args=["contact"])
    assert "Ada" in client.get(list_url).content.decode()  # Acme first (by name)
    assert client.get(reverse("crm:detail", args=["contact", globex_contact.pk])).status_code == 404

    switched = client.post(reverse("accounts:switch_portal"),
                           {"portal": other_portal.pk, "next": list_url})
    assert switched.status_code == 302
    content = client.get(list_url).content.decode()
    assert "Hank" in content
    assert "Ada" not in content
    assert client.get(reverse("crm:detail", args=["contact", globex_contact.pk])).status_code == 200
    assert client.get(reverse("crm:detail", args=["contact", acme_contact.pk])).status_code == 404


def test_switching_to_a_portal_one_does_not_belong_to_is_404(admin_client, other_portal):
    response = admin_client.post(reverse("accounts:switch_portal"), {"portal": other_portal.pk})
    assert response.status_code == 404
    content = admin_client.get(reverse("crm:list", args=["contact"])).content.decode()
    assert "Acme Corp" in content
