"""The demo seed: `make run` relies on it being complete, valid and idempotent."""

import datetime as dt
from collections import Counter
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from syncapp.accounts.models import Membership, Portal
from syncapp.accounts.permissions import Permission
from syncapp.crm.demo import COUNTS, DEMO_PASSWORD, DEMO_PORTAL, DEMO_USERS, generate
from syncapp.crm.models import Association, ChangeAction, ChangeLogEntry, Record
from syncapp.crm.schema import ACTIVITY_TYPES

pytestmark = pytest.mark.django_db


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def demo_portal() -> Portal:
    _seed()
    return Portal.objects.get(name=DEMO_PORTAL)


def _links(portal, from_type: str, to_type: str):
    return Association.objects.for_portal(portal).filter(
        from_record__object_type=from_type, to_record__object_type=to_type
    )


def _per_source(portal, from_type: str, to_type: str) -> Counter:
    return Counter(_links(portal, from_type, to_type).values_list("from_record", flat=True))


def test_counts_match_the_plan(demo_portal):
    counts = Counter(
        Record.objects.for_portal(demo_portal).live().values_list("object_type", flat=True)
    )
    assert counts == COUNTS
    assert counts["contact"] >= 500
    assert counts["company"] >= 100
    assert sum(counts[kind] for kind in ACTIVITY_TYPES) >= 150


def test_contacts_have_unique_emails_and_some_have_none(demo_portal):
    contacts = Record.objects.for_portal(demo_portal).filter(object_type="contact")
    emails = [key for key in contacts.values_list("email_key", flat=True) if key]
    assert len(emails) == len(set(emails))
    assert 0 < contacts.filter(email_key__isnull=True).count() < 60
    # Signed up with an email only: apps that require a name refuse them (the demo's
    # sync health then shows failed records too).
    nameless = [p for p in contacts.values_list("properties", flat=True)
                if p.get("email") and not p.get("firstname") and not p.get("lastname")]
    assert 0 < len(nameless) < 20
    companies = Record.objects.for_portal(demo_portal).filter(object_type="company")
    assert companies.exclude(domain_key=None).count() == COUNTS["company"]
    assert companies.values("name_key").distinct().count() == COUNTS["company"]


def test_contacts_have_one_primary_company_and_a_few_have_two(demo_portal):
    per_contact = _per_source(demo_portal, "contact", "company")
    assert len(per_contact) > COUNTS["contact"] * 0.7
    assert 0 < sum(1 for n in per_contact.values() if n == 2) < 40
    assert max(per_contact.values()) == 2
    primaries = Counter(
        _links(demo_portal, "contact", "company").filter(is_primary=True)
        .values_list("from_record", flat=True)
    )
    assert primaries == dict.fromkeys(per_contact, 1)


def test_deals_invoices_and_activities_are_associated(demo_portal):
    assert set(_per_source(demo_portal, "deal", "company").values()) == {1}
    assert len(_per_source(demo_portal, "deal", "company")) == COUNTS["deal"]
    deal_contacts = _per_source(demo_portal, "deal", "contact")
    assert len(deal_contacts) == COUNTS["deal"]
    assert set(deal_contacts.values()) <= {1, 2, 3}
    assert len(_per_source(demo_portal, "invoice", "contact")) == COUNTS["invoice"]
    assert not _links(demo_portal, "invoice", "company").exists()
    for kind in ACTIVITY_TYPES:
        assert len(_per_source(demo_portal, kind, "contact")) == COUNTS[kind]
    logged = ChangeLogEntry.objects.for_portal(demo_portal).filter(action=ChangeAction.ASSOCIATE)
    assert logged.count() == Association.objects.for_portal(demo_portal).count()


def test_second_run_adds_nothing(demo_portal):
    before = (Portal.objects.count(), Record.objects.count(), Association.objects.count(),
              ChangeLogEntry.objects.count(), get_user_model().objects.count())
    output = _seed()
    after = (Portal.objects.count(), Record.objects.count(), Association.objects.count(),
             ChangeLogEntry.objects.count(), get_user_model().objects.count())
    assert after == before
    assert "already exists" in output
    assert DEMO_USERS[0].email in output


def test_demo_users_log_in_with_their_roles(demo_portal):
    for user in DEMO_USERS:
        assert Client().login(username=user.email, password=DEMO_PASSWORD), user.email
    memberships = Membership.objects.filter(portal=demo_portal).select_related("user")
    roles = {membership.user.email: membership for membership in memberships}
    assert roles["admin@demo.syncapp.test"].permissions == set(Permission)
    assert roles["ops@demo.syncapp.test"].has(Permission.VIEW_HEALTH)
    assert not roles["ops@demo.syncapp.test"].has(Permission.SUPPORT)
    assert roles["support@demo.syncapp.test"].has(Permission.SUPPORT)


def test_generation_is_deterministic():
    day = dt.date(2025, 3, 1)
    first, second = generate(day), generate(day)
    assert first == second
    assert generate(day + dt.timedelta(days=1)).records["contact"] != first.records["contact"]
