"""History: one row per changed record per batch, each field with its rule (issue 4/8).

`actions` lists what a batch did to the record; `changes` becomes {side: {field: [old,
new, rule]}} (HistoryEntry's docstring). Rows written before hold {field: [old, new]}
for their one side and one reason for all their fields: one UPDATE nests them under
their side (no field gets a rule: the row's reason covers them all, as it does a
create's), so undo reads a single shape. One statement, not batches: it rewrites each
row once, with the sync stopped as for any migration.
"""

import django.contrib.postgres.fields
from django.db import migrations, models

TABLE = "syncs_historyentry"

TO_ROWS_PER_RECORD = f"""
UPDATE {TABLE} SET actions = ARRAY[action],
  changes = CASE WHEN changes = '{{}}'::jsonb THEN changes
                 ELSE jsonb_build_object(side, changes) END
"""

# Back to {field: [old, new]}: a row that wrote both sides keeps both sides' fields
# (the hub's win a name both use) under side "hub", each without its rule.
TO_ROWS_PER_SIDE = f"""
UPDATE {TABLE} SET side = CASE WHEN side = 'both' THEN 'hub' ELSE side END,
  changes = COALESCE((
    SELECT jsonb_object_agg(f.key, jsonb_build_array(f.value->0, f.value->1) ORDER BY s.key)
    FROM jsonb_each(changes) AS s, jsonb_each(s.value) AS f
    WHERE jsonb_typeof(s.value) = 'object'), '{{}}'::jsonb)
"""


class Migration(migrations.Migration):

    dependencies = [
        ('syncs', '0012_link_app_seen'),
    ]

    operations = [
        migrations.AddField(
            model_name='historyentry',
            name='actions',
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.CharField(max_length=20), blank=True, default=list,
                size=None),
        ),
        # Kept in the database too: a worker of the previous release, still writing
        # during a deploy, names no `actions` (HistoryEntry.all_actions falls back).
        migrations.RunSQL(f"ALTER TABLE {TABLE} ALTER COLUMN actions SET DEFAULT '{{}}'",
                          migrations.RunSQL.noop),
        migrations.RunSQL(TO_ROWS_PER_RECORD, TO_ROWS_PER_SIDE),
    ]
