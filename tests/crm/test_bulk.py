"""Sync batches writing many hub records at once (crm.bulk): one live email per person,
however the batch moves emails between its records, and one refusal never fails the rest."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from syncapp.core import bulkrows
from syncapp.crm import bulk
from syncapp.crm.models import ChangeLogEntry, Record
from syncapp.crm.services import RecordInvalid, create_record

pytestmark = pytest.mark.django_db


def _emails(*records):
    return [Record.objects.get(pk=r.pk).properties.get("email") for r in records]


def test_two_people_trading_emails_in_one_batch_both_get_theirs(portal):
    ann = create_record(portal, "contact", {"email": "ann@acme.test"})
    bob = create_record(portal, "contact", {"email": "bob@acme.test"})
    cy = create_record(portal, "contact", {"email": "cy@acme.test"})

    # Bob takes Ann's email, Ann takes Cy's, Cy takes a new one: a chain, in one batch.
    results = bulk.update_many(portal, {bob.pk: {"email": "ann@acme.test"},
                                        ann.pk: {"email": "cy@acme.test"},
                                        cy.pk: {"email": "cy2@acme.test"}})

    assert not [r for r in results.values() if isinstance(r, RecordInvalid)]
    assert _emails(ann, bob, cy) == ["cy@acme.test", "ann@acme.test", "cy2@acme.test"]


def test_an_exact_swap_of_emails_in_one_batch_applies(portal):
    ann = create_record(portal, "contact", {"email": "ann@acme.test"})
    bob = create_record(portal, "contact", {"email": "bob@acme.test"})

    bulk.update_many(portal, {ann.pk: {"email": "bob@acme.test"},
                              bob.pk: {"email": "ann@acme.test"}})

    assert _emails(ann, bob) == ["bob@acme.test", "ann@acme.test"]


def test_an_email_left_by_a_refused_update_stays_taken(portal):
    create_record(portal, "contact", {"email": "dee@acme.test"})
    ann = create_record(portal, "contact", {"email": "ann@acme.test"})
    bob = create_record(portal, "contact", {"email": "bob@acme.test"})
    cy = create_record(portal, "contact", {"email": "cy@acme.test"})

    # Ann wants Dee's email (refused), so she keeps hers, which Bob cannot take then;
    # Cy's change has nothing to do with theirs and goes through.
    results = bulk.update_many(portal, {ann.pk: {"email": "dee@acme.test"},
                                        bob.pk: {"email": "ann@acme.test"},
                                        cy.pk: {"email": "cy2@acme.test", "firstname": "Cy"}})

    assert "email" in results[ann.pk].errors and "email" in results[bob.pk].errors
    assert _emails(ann, bob, cy) == ["ann@acme.test", "bob@acme.test", "cy2@acme.test"]


def test_an_email_taken_by_someone_else_meanwhile_refuses_only_that_record(
        portal, monkeypatch):
    ann = create_record(portal, "contact", {"email": "ann@acme.test"})
    bob = create_record(portal, "contact", {"email": "bob@acme.test"})
    create_record(portal, "contact", {"email": "eve@acme.test"})
    # Eve's record came in after the batch looked for taken emails (another writer).
    monkeypatch.setattr(bulk, "_taken_emails", lambda *args: set())

    results = bulk.update_many(portal, {ann.pk: {"email": "eve@acme.test"},
                                        bob.pk: {"firstname": "Bob"}})

    assert "email" in results[ann.pk].errors
    assert results[bob.pk] == {"firstname": [None, "Bob"]}
    assert _emails(ann, bob) == ["ann@acme.test", "bob@acme.test"]
    assert Record.objects.get(pk=ann.pk).email_key == "ann@acme.test"


def test_creates_made_ready_before_someone_took_an_email_refuse_only_that_record(portal):
    """A sync batch makes its records ready while the batch before it commits; an email
    taken in between is refused on that record alone when the batch writes."""
    new = bulk.prepare_creates(portal, "contact", [{"email": "ann@acme.test"},
                                                   {"email": "bob@acme.test"}])
    eve = create_record(portal, "contact", {"email": "ann@acme.test", "firstname": "Eve"})

    results = bulk.insert_creates(new)

    assert "email" in results[0].errors
    assert Record.objects.get(email_key="ann@acme.test").pk == eve.pk
    assert _emails(results[1]) == ["bob@acme.test"]
    assert ChangeLogEntry.objects.filter(record_id=results[1].pk).count() == 1


def test_a_record_changed_since_it_was_read_is_left_as_it_is_at_no_extra_query(portal):
    """Optimistic writes (a sync batch's): the comparison is made on the rows locked for
    the write, so a batch costs the same statements with or without it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from syncapp.crm.models import ChangeLogEntry
    from syncapp.crm.services import update_record

    ann = create_record(portal, "contact", {"email": "ann@acme.test", "firstname": "Ann"})
    bob = create_record(portal, "contact", {"email": "bob@acme.test", "firstname": "Bob"})
    read = {r.pk: {"firstname": r.properties["firstname"], "jobtitle": None} for r in (ann, bob)}
    update_record(ann, {"firstname": "Annie"})  # someone's edit after the read

    with CaptureQueriesContext(connection) as optimistic:
        results = bulk.update_many(portal, {ann.pk: {"jobtitle": "CFO"},
                                            bob.pk: {"jobtitle": "CEO"}}, read=read)
    assert results[ann.pk] == bulk.ChangedSinceRead(("firstname",))
    assert results[bob.pk] == {"jobtitle": [None, "CEO"]}
    assert Record.objects.get(pk=ann.pk).properties == {"email": "ann@acme.test",
                                                        "firstname": "Annie"}
    assert not ChangeLogEntry.objects.filter(record_id=ann.pk, changes__has_key="jobtitle").exists()

    with CaptureQueriesContext(connection) as plain:
        bulk.update_many(portal, {ann.pk: {"jobtitle": "CTO"}, bob.pk: {"jobtitle": "COO"}})
    assert len(optimistic) == len(plain)


def test_a_batch_of_records_is_stored_at_the_moments_it_was_given(portal):
    """Moments go through COPY as text, each formatted once per statement: what is
    read back is the same instant, to the microsecond, whatever its time zone."""
    created = bulk.create_many(portal, "contact", [{"email": f"p{n}@acme.test"}
                                                   for n in range(3)])
    stored = {r.pk: (r.created_at, r.updated_at, r.properties)
              for r in Record.objects.filter(pk__in=[r.pk for r in created])}
    assert {r.pk: (r.created_at, r.updated_at, r.properties) for r in created} == stored
    assert len({moments[0] for moments in stored.values()}) == 1  # one statement, one time

    lisbon_summer = datetime(2026, 7, 1, 12, 30, 45, 123456, tzinfo=timezone(timedelta(hours=1)))
    for record in created[:2]:
        record.updated_at = lisbon_summer
    created[2].updated_at = lisbon_summer + timedelta(microseconds=1)
    bulkrows.update(created, ["updated_at"])
    assert [Record.objects.get(pk=r.pk).updated_at for r in created] == [
        lisbon_summer, lisbon_summer, lisbon_summer + timedelta(microseconds=1)]


def test_a_batch_read_gives_the_values_the_orm_gives(portal):
    """bulkrows.values reads with psycopg's own timestamp loader and orjson, not
    Django's: the records' values, times and zones must come out the same."""
    record = create_record(portal, "contact", {"email": "ann@acme.example",
                                               "firstname": "Ann", "city": "São Paulo"})
    Record.objects.filter(pk=record.pk).update(archived_at=datetime(2026, 1, 2, 3, 4, 5,
                                                                    678901, UTC))
    rows = Record.objects.filter(pk=record.pk).values_list(
        "id", "properties", "display_name", "archived_at", "updated_at")

    read = bulkrows.values(rows, json_columns=(1,))

    assert read == list(rows)
    assert [(r[3].tzinfo, r[4].tzinfo) for r in read] == [(t[3].tzinfo, t[4].tzinfo)
                                                          for t in rows]
    assert read[0][1]["city"] == "São Paulo"
