"""The failed panel's partial index covers every status counted as failed.

0003 wrote "failed" out by hand, before a link could be deleted on both sides; the
panel asks for every status of syncs.models.COUNTED_AS_FAILED, which that predicate no
longer implied, so Postgres could not use the index. The new one's predicate is checked
against the definition by tests/health/test_failed_definition.py.
"""

from django.db import migrations

FAILED_STATUSES = "('failed', 'deleted_in_hub', 'deleted_in_app', 'deleted_both')"
OLD_STATUSES = "('failed', 'deleted_in_hub', 'deleted_in_app')"
COLUMNS = "(object_sync_id, error_category, id)"


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run in a transaction
    dependencies = [("health", "0004_export_language")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS health_link_failed ON syncs_link "
            f"{COLUMNS} WHERE status IN {FAILED_STATUSES}",
            "DROP INDEX CONCURRENTLY IF EXISTS health_link_failed"),
        migrations.RunSQL(
            "DROP INDEX CONCURRENTLY IF EXISTS health_link_problems",
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS health_link_problems ON syncs_link "
            f"{COLUMNS} WHERE status IN {OLD_STATUSES}"),
    ]
