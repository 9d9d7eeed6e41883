"""Finished runs per (object sync, status), kept by Postgres itself.

Statement-level triggers with transition tables, as for the health pages' link
tallies (health/migrations/0002): every writer of syncs_run is counted alike, rows
are only ever inserted, and a run counts once it leaves 'running'.
"""

from django.db import migrations, models

FUNCTIONS = """
CREATE OR REPLACE FUNCTION monitoring_run_tally_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO monitoring_runtally (object_sync_id, status, n)
  SELECT object_sync_id, status, count(*) FROM new_runs
  WHERE status <> 'running' GROUP BY 1, 2;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION monitoring_run_tally_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO monitoring_runtally (object_sync_id, status, n)
  SELECT object_sync_id, status, -count(*) FROM old_runs
  WHERE status <> 'running' GROUP BY 1, 2;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION monitoring_run_tally_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  -- Most updates of a run (its counts, renewed while it runs) keep its status.
  INSERT INTO monitoring_runtally (object_sync_id, status, n)
  SELECT object_sync_id, status, sum(n) FROM (
    SELECT object_sync_id, status, -1 AS n FROM old_runs
    UNION ALL
    SELECT object_sync_id, status, 1 FROM new_runs
  ) AS moves WHERE status <> 'running' GROUP BY 1, 2 HAVING sum(n) <> 0;
  RETURN NULL;
END $$;
"""

TRIGGERS = """
LOCK TABLE syncs_run IN SHARE MODE;
INSERT INTO monitoring_runtally (object_sync_id, status, n)
SELECT object_sync_id, status, count(*) FROM syncs_run WHERE status <> 'running'
GROUP BY 1, 2;
CREATE TRIGGER monitoring_run_tally_on_insert AFTER INSERT ON syncs_run
  REFERENCING NEW TABLE AS new_runs
  FOR EACH STATEMENT EXECUTE FUNCTION monitoring_run_tally_insert();
CREATE TRIGGER monitoring_run_tally_on_update AFTER UPDATE ON syncs_run
  REFERENCING OLD TABLE AS old_runs NEW TABLE AS new_runs
  FOR EACH STATEMENT EXECUTE FUNCTION monitoring_run_tally_update();
CREATE TRIGGER monitoring_run_tally_on_delete AFTER DELETE ON syncs_run
  REFERENCING OLD TABLE AS old_runs
  FOR EACH STATEMENT EXECUTE FUNCTION monitoring_run_tally_delete();
"""

UNDO = """
DROP TRIGGER IF EXISTS monitoring_run_tally_on_insert ON syncs_run;
DROP TRIGGER IF EXISTS monitoring_run_tally_on_update ON syncs_run;
DROP TRIGGER IF EXISTS monitoring_run_tally_on_delete ON syncs_run;
DROP FUNCTION IF EXISTS monitoring_run_tally_insert();
DROP FUNCTION IF EXISTS monitoring_run_tally_update();
DROP FUNCTION IF EXISTS monitoring_run_tally_delete();
DELETE FROM monitoring_runtally;
"""


class Migration(migrations.Migration):
    initial = True

    dependencies = [("syncs", "0009_link_refused")]

    operations = [
        migrations.CreateModel(
            name="RunTally",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True,
                                           serialize=False, verbose_name="ID")),
                ("object_sync_id", models.BigIntegerField()),
                ("status", models.CharField(max_length=20)),
                ("n", models.BigIntegerField()),
            ],
        ),
        migrations.RunSQL(FUNCTIONS + TRIGGERS, UNDO),
    ]
