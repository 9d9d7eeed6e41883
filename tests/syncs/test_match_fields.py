"""“Choose your fields” as an ordered list of pairs, and Review's list of identifier
values several records share (DESIGN "Matching")."""

import pytest

from syncapp.crm.services import create_record
from syncapp.integrations.catalog import build_connector
from tests.syncs.kit import CONFIGURE, page, post_step, start, text_of, url

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def configure(client, sync, pairs):
    return post_step(client, "configure", sync, {
        **CONFIGURE, "matching": "custom", "match_app_field": [a for a, _ in pairs],
        "match_hub_property": [h for _, h in pairs]})


def test_pairs_are_kept_in_their_order_and_review_says_which_decides(admin_client,
                                                                      connection):
    sync = start(admin_client, connection)

    response = configure(admin_client, sync, [("email", "email"), ("", ""),
                                              ("phone", "mobilephone")])

    assert response.status_code == 302
    sync.refresh_from_db()
    assert sync.match_fields == [["email", "email"], ["phone", "mobilephone"]]
    html = page(admin_client, "configure", sync).content.decode()
    assert html.count('name="match_app_field"') == 3  # the two pairs and a blank row
    review = text_of(page(admin_client, "review", sync))
    assert ("Pipedrive's “Email” = Syncapp's “Email”, then Pipedrive's “Phone” = "
            "Syncapp's “Mobile phone number”") in review
    assert "The first pair that finds any record decides" in review


BAD_LISTS = [
    ("no pair", [], "Choose at least one pair of fields to match records by."),
    ("half a pair", [("email", "")], "Choose both fields of each pair to match by."),
    ("a hub property that cannot identify a record", [("email", "lifecyclestage")],
     "Syncapp field “Lifecycle stage” cannot identify a record"),
    ("an app field that does not exist", [("shoe_size", "email")],
     "“shoe_size” is not a Pipedrive field."),
    ("the same pair twice", [("email", "email"), ("email", "email")],
     "The pair Email ↔ Email is listed twice."),
]


@pytest.mark.parametrize(("what", "pairs", "message"), BAD_LISTS,
                         ids=[row[0] for row in BAD_LISTS])
def test_a_bad_match_list_is_refused_with_its_reason_and_nothing_is_saved(
        admin_client, connection, what, pairs, message):
    sync = start(admin_client, connection)
    configure(admin_client, sync, [("email", "email")])
    sync.refresh_from_db()
    version = sync.version, sync.match_fields

    response = configure(admin_client, sync, pairs)

    assert response.status_code == 400
    assert message in text_of(response)
    sync.refresh_from_db()
    assert (sync.version, sync.match_fields) == version


def test_review_lists_identifier_values_several_records_share_on_either_side(
        admin_client, connection, portal):
    app = build_connector(connection)
    for name in ("Acme", "ACME ", "Initech"):
        (created,) = app.create("organizations", [(name, {"name": name})])
        assert created.ok, created.error
    for name in ("Globex", "globex", "Hooli"):
        create_record(portal, "company", {"name": name})
    sync = start(admin_client, connection, "organizations")

    html = text_of(admin_client.get(url("dry_run", sync), **HTMX))

    shared = html.split('data-list="shared"', 1)[1].split("</details>", 1)[0]
    assert "2 Syncapp records share Company name “globex”" in shared
    assert "Globex, globex" in shared
    assert "Pipedrive: 2 records share Name “acme”" in shared
    assert "Initech" not in shared and "Hooli" not in shared
