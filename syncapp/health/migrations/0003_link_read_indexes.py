"""Indexes the health pages read syncs_link through, built without blocking the engine.

- record view: newest activity first per object sync, with or without a status;
- failed panel: one error category's links; excluded list: one reason's links
  (partial: only the few links that are not in sync are indexed).
They live here, beside the queries that need them, rather than on the engine's model.
"""

from django.db import migrations

INDEXES = {
    "health_link_activity": "(object_sync_id, updated_at, id)",
    "health_link_status_activity": "(object_sync_id, status, updated_at, id)",
    "health_link_problems": "(object_sync_id, error_category, id) "
                            "WHERE status IN ('failed', 'deleted_in_hub', 'deleted_in_app')",
    "health_link_exclusions": "(object_sync_id, exclusion_reason, id) "
                              "WHERE status = 'excluded'",
}


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run in a transaction
    dependencies = [("health", "0002_link_tally_triggers")]

    operations = [
        migrations.RunSQL(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON syncs_link {cols}",
                          f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
        for name, cols in INDEXES.items()
    ]
