"""The Audit log page: super admins of the portal only, filters, keyset pages, and a CSV
export in which no cell is a formula."""

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from syncapp import audit
from syncapp.accounts.services import add_member
from syncapp.audit import listing
from syncapp.audit.models import AuditAction

pytestmark = pytest.mark.django_db

PAGE = reverse("audit:log")
EXPORT = reverse("audit:export")


@pytest.fixture
def logged(admin, ops, other_portal):
    """Entries by the admin and by ops, and one of another portal's."""
    audit.record(admin.user, AuditAction.SYNC_NOW, admin.portal, portal=admin.portal)
    audit.record(ops.user, AuditAction.EXPORT, "=HYPERLINK(\"http://evil.example\")",
                 portal=ops.portal)
    audit.record(None, AuditAction.TURNED_OFF, "Globex secret sync", portal=other_portal)


def test_a_super_admin_sees_the_portals_entries_and_not_another_portals(admin_client, logged):
    html = admin_client.get(PAGE).content.decode()
    assert "Sync now" in html and "ops@acme.test" in html
    assert "Globex secret sync" not in html
    assert 'href="/audit/"' in html  # the user menu links to it


def test_members_who_are_not_super_admins_are_refused(ops_client, support_client, logged):
    for client in (ops_client, support_client):
        reply = client.get(PAGE)
        assert reply.status_code == 403
        assert "Records exported" not in reply.content.decode()
        assert client.get(EXPORT).status_code == 403


def test_an_outsider_from_another_portal_sees_nothing_of_this_one(logged, other_portal):
    boss = add_member(other_portal, "boss@globex.test", "x", is_super_admin=True)
    client = Client()
    client.force_login(boss.user)
    html = client.get(PAGE).content.decode()
    assert "Globex secret sync" in html
    assert "ops@acme.test" not in html and "Sync now" not in html.split("<tbody>")[1]


def test_filters_by_person_action_and_object(admin_client, admin, ops, logged):
    by_ops = admin_client.get(PAGE, {"person": ops.user.pk}).content.decode()
    assert "Records exported" in by_ops.split("<tbody>")[1]
    assert "Sync now" not in by_ops.split("<tbody>")[1]
    by_action = admin_client.get(PAGE, {"action": "sync_now"}).content.decode()
    assert "Records exported" not in by_action.split("<tbody>")[1]
    assert admin_client.get(PAGE, {"period": "24h"}).status_code == 200


@pytest.mark.parametrize("bad", [{"action": "nope"}, {"person": "x"}, {"period": "1y"},
                                 {"after": "zz"}, {"object": "user"}])
def test_a_bad_filter_is_refused_naming_it(admin_client, bad):
    reply = admin_client.get(PAGE, bad)
    assert reply.status_code == 400
    assert next(iter(bad)) in reply.content.decode()


def test_pages_follow_the_keyset_cursor_without_gaps_or_repeats(admin_client, admin,
                                                               monkeypatch):
    monkeypatch.setattr(listing, "PAGE_SIZE", 2)
    made = [audit.record(admin.user, AuditAction.SYNC_NOW, f"sync {i}", portal=admin.portal)
            for i in range(5)]
    seen, url = [], PAGE
    while url:
        reply = admin_client.get(url)
        seen += [e.pk for e in reply.context["entries"]]
        url = PAGE + "?" + reply.context["next_url"] if reply.context["next_url"] else ""
    assert seen == [e.pk for e in reversed(made)]


def test_the_csv_holds_the_entries_with_formulas_neutralised(admin_client, logged):
    reply = admin_client.get(EXPORT)
    body = b"".join(reply.streaming_content).decode()
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:3] == ["When", "Person", "Action"]
    labels = [row[3] for row in rows[1:]]
    assert "'=HYPERLINK(\"http://evil.example\")" in labels
    assert "Globex secret sync" not in body
