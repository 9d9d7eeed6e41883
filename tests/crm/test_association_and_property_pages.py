"""A record's associations on its page, and the custom properties super admins add."""


from django.urls import reverse

from syncapp.crm.models import Association, PropertyDefinition, Record
from syncapp.crm.services import (
    Actor,
    associate,
    create_record,
)
from tests.crm.kit import assert_error_beside, contact

# --- associations ----------------------------------------------------------------------


def test_associate_and_remove_from_the_record_page(admin_client, portal):
    ada = contact(portal, "Ada", "ada@example.test")
    acme = create_record(portal, "company", {"name": "Acme Inc", "domain": "acme.test"})
    page = admin_client.get(reverse("crm:detail", args=["contact", ada.pk]), {"add": "company"})
    assert f'<option value="{acme.pk}">Acme Inc</option>' in page.content.decode()

    admin_client.post(reverse("crm:associate", args=["contact", ada.pk]), {"record": acme.pk})
    association = Association.objects.get(from_record=ada, to_record=acme)
    assert association.is_primary

    ada_page = admin_client.get(reverse("crm:detail", args=["contact", ada.pk])).content.decode()
    assert "Acme Inc" in ada_page
    assert "Primary" in ada_page
    acme_page = admin_client.get(reverse("crm:detail", args=["company", acme.pk])).content
    assert "Ada" in acme_page.decode()  # the other direction

    admin_client.post(reverse("crm:dissociate", args=["company", acme.pk, ada.pk]))
    assert not Association.objects.filter(pk=association.pk).exists()
    history = admin_client.get(reverse("crm:detail", args=["contact", ada.pk])).content.decode()
    assert "Association removed" in history


def test_association_picker_by_htmx_renders_alone(admin_client, portal):
    ada = contact(portal, "Ada", "ada@example.test")
    create_record(portal, "deal", {"dealname": "Big deal"})
    response = admin_client.get(
        reverse("crm:detail", args=["contact", ada.pk]), {"add": "deal"},
        headers={"HX-Request": "true", "HX-Target": "association-picker"},
    )
    content = response.content.decode()
    assert "<html" not in content
    assert "Big deal" in content


def test_association_of_unrelated_types_is_refused_with_a_message(admin_client, portal):
    deal = create_record(portal, "deal", {"dealname": "Big deal"})
    other_deal = create_record(portal, "deal", {"dealname": "Other"})
    response = admin_client.post(
        reverse("crm:associate", args=["deal", deal.pk]), {"record": other_deal.pk}, follow=True
    )
    assert "cannot be associated" in response.content.decode()
    assert not Association.objects.exists()


# --- custom properties ----------------------------------------------------------------------


def test_super_admin_adds_a_custom_dropdown_property(admin_client, portal):
    url = reverse("crm:properties", args=["contact"])
    response = admin_client.post(url, {
        "label": "Favourite colour", "name": "", "type": "enumeration",
        "options": "Red\nGreen\n\nRed\n",
    })
    assert response.status_code == 302
    definition = PropertyDefinition.objects.get(portal=portal, name="favourite_colour")
    assert definition.is_custom
    assert [o["value"] for o in definition.options] == ["Red", "Green"]
    assert "Favourite colour" in admin_client.get(url).content.decode()
    form = admin_client.get(reverse("crm:create", args=["contact"])).content.decode()
    assert 'name="favourite_colour"' in form

    admin_client.post(reverse("crm:create", args=["contact"]),
                      {"firstname": "Ada", "favourite_colour": "Green"})
    assert Record.objects.get(portal=portal).properties["favourite_colour"] == "Green"


def test_custom_property_name_must_be_unique(admin_client, portal):
    url = reverse("crm:properties", args=["contact"])
    count = PropertyDefinition.objects.count()
    response = admin_client.post(url, {"label": "Mail", "name": "email", "type": "text"})
    assert response.status_code == 200
    assert_error_beside(response, "name", "A property named “email” already exists.")
    assert PropertyDefinition.objects.count() == count


def test_dropdown_property_needs_options(admin_client):
    response = admin_client.post(reverse("crm:properties", args=["deal"]),
                                 {"label": "Region", "type": "enumeration", "options": ""})
    assert_error_beside(response, "options",
                        "A dropdown needs at least one option, one per line.")


def test_only_super_admins_add_properties(member_client, portal):
    url = reverse("crm:properties", args=["contact"])
    page = member_client.get(url)
    assert page.status_code == 200
    assert "Only super admins can add properties." in page.content.decode()
    assert "Email" in page.content.decode()

    count = PropertyDefinition.objects.count()
    refused = member_client.post(url, {"label": "Sneaky", "type": "text"})
    assert refused.status_code == 403
    assert "Super admin" in refused.content.decode()
    assert PropertyDefinition.objects.count() == count




def test_record_page_lists_associations_in_both_directions(admin_client, portal):
    ada = contact(portal, "Ada", "ada@example.test")
    deal = create_record(portal, "deal", {"dealname": "Big deal"})
    associate(deal, ada, Actor())
    content = admin_client.get(reverse("crm:detail", args=["contact", ada.pk])).content.decode()
    assert "Big deal" in content
    assert reverse("crm:detail", args=["deal", deal.pk]) in content
