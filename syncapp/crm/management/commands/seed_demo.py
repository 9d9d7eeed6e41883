"""`manage.py seed_demo`: the demo portal, its three logins and ~1,200 hub records.

Idempotent: when the demo portal exists it seeds nothing (and still prints the
logins), so `make run` calls it on every start and a second start reuses the data.
"""

import time
from collections.abc import Iterable

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from syncapp.accounts.models import Portal
from syncapp.accounts.services import add_member, create_portal
from syncapp.crm.demo import DEMO_PASSWORD, DEMO_PORTAL, DEMO_USERS, OBJECT_ORDER, generate
from syncapp.crm.models import Association, ChangeAction, ChangeLogEntry, Record
from syncapp.crm.services import bulk_create_records, orient

# Any fixed number: serialises concurrent seeders so the portal is created once.
_LOCK_KEY = 0x5EED_DE30


class Command(BaseCommand):
    help = "Create the demo portal with its users and hub data; does nothing if it exists."

    def handle(self, *args, **options):
        started = time.monotonic()
        counts = seed_demo()
        if counts is None:
            self.stdout.write(f"Demo portal “{DEMO_PORTAL}” already exists: nothing seeded.")
        else:
            summary = ", ".join(f"{count} {name}" for name, count in counts.items())
            elapsed = time.monotonic() - started
            self.stdout.write(self.style.SUCCESS(
                f"Seeded demo portal “{DEMO_PORTAL}” in {elapsed:.1f} s: {summary}."
            ))
        self.stdout.write(f"Demo logins (password “{DEMO_PASSWORD}”):")
        for user in DEMO_USERS:
            self.stdout.write(f"  {user.email:<28} {user.role}")


@transaction.atomic
def seed_demo() -> dict[str, int] | None:
    """Create the demo portal in one transaction; None when it already exists.

    One transaction means a crash leaves no half portal that later runs would
    mistake for a finished one.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
    if Portal.objects.filter(name=DEMO_PORTAL).exists():
        return None
    portal = create_portal(DEMO_PORTAL)
    for user in DEMO_USERS:
        add_member(portal, user.email, DEMO_PASSWORD, **dict.fromkeys(user.flags, True))
    data = generate(timezone.localdate())
    records = {
        object_type: bulk_create_records(portal, object_type, data.records[object_type])
        for object_type in OBJECT_ORDER
    }
    pairs = [
        (records[from_type][from_index], records[to_type][to_index])
        for from_type, from_index, to_type, to_index in data.links
    ]
    counts = {object_type: len(rows) for object_type, rows in records.items()}
    counts["associations"] = len(bulk_associate(portal, pairs))
    return counts


def bulk_associate(portal, pairs: Iterable[tuple[Record, Record]]) -> list[Association]:
    """What crm.services.associate does pair by pair, in a few queries.

    Only for records that have no associations yet (fresh bulk imports): then
    associate()'s rule reduces to "the first association of a record to each
    object type is its primary". Each association is change-logged like
    associate() logs it, so the sync engine sees seeded associations too.
    """
    rows, has_primary = [], set()
    for a, b in pairs:
        source, target = orient(a, b)
        key = (source.pk, target.object_type)
        rows.append(Association(
            portal=portal, from_record=source, to_record=target,
            is_primary=key not in has_primary,
        ))
        has_primary.add(key)
    Association.objects.bulk_create(rows, batch_size=1000)
    ChangeLogEntry.objects.bulk_create(
        [
            ChangeLogEntry(
                portal=portal, record=row.from_record, object_type=row.from_record.object_type,
                action=ChangeAction.ASSOCIATE, changes={"association": [None, row.to_record.pk]},
            )
            for row in rows
        ],
        batch_size=1000,
    )
    return rows
