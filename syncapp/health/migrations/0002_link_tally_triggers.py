"""Counters of links per (object sync, status, detail), kept by Postgres itself.

Statement-level triggers with transition tables add one small INSERT per engine
batch (not per row), and count every writer of syncs_link alike: the engine's
bulk writes, restores, retries and the cascade when a sync is deleted. Rows are
only ever inserted, so concurrent writers never wait on a counter row.
"""

from django.db import migrations

DETAIL = """
CREATE OR REPLACE FUNCTION health_link_detail(status text, category text, reason text)
RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN status = 'excluded' THEN coalesce(reason, '')
    WHEN status IN ('failed', 'deleted_in_hub', 'deleted_in_app') THEN coalesce(
      nullif(category, ''),
      CASE status WHEN 'deleted_in_hub' THEN 'deleted_in_hub'
                  WHEN 'deleted_in_app' THEN 'not_found' ELSE 'unknown' END)
    ELSE '' END
$$;
"""

FUNCTIONS = """
CREATE OR REPLACE FUNCTION health_tally_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO health_linktally (object_sync_id, status, detail, n)
  SELECT object_sync_id, status,
         health_link_detail(status, error_category, exclusion_reason), count(*)
  FROM new_links GROUP BY 1, 2, 3;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION health_tally_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO health_linktally (object_sync_id, status, detail, n)
  SELECT object_sync_id, status,
         health_link_detail(status, error_category, exclusion_reason), -count(*)
  FROM old_links GROUP BY 1, 2, 3;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION health_tally_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Most engine updates keep a link's status: those net to zero and write nothing.
  INSERT INTO health_linktally (object_sync_id, status, detail, n)
  SELECT object_sync_id, status, detail, sum(n) FROM (
    SELECT object_sync_id, status,
           health_link_detail(status, error_category, exclusion_reason) AS detail, -1 AS n
    FROM old_links
    UNION ALL
    SELECT object_sync_id, status,
           health_link_detail(status, error_category, exclusion_reason), 1
    FROM new_links
  ) AS moves GROUP BY 1, 2, 3 HAVING sum(n) <> 0;
  RETURN NULL;
END $$;
"""

TRIGGERS = """
LOCK TABLE syncs_link IN SHARE MODE;
INSERT INTO health_linktally (object_sync_id, status, detail, n)
SELECT object_sync_id, status, health_link_detail(status, error_category, exclusion_reason),
       count(*)
FROM syncs_link GROUP BY 1, 2, 3;
CREATE TRIGGER health_tally_on_insert AFTER INSERT ON syncs_link
  REFERENCING NEW TABLE AS new_links FOR EACH STATEMENT EXECUTE FUNCTION health_tally_insert();
CREATE TRIGGER health_tally_on_update AFTER UPDATE ON syncs_link
  REFERENCING OLD TABLE AS old_links NEW TABLE AS new_links
  FOR EACH STATEMENT EXECUTE FUNCTION health_tally_update();
CREATE TRIGGER health_tally_on_delete AFTER DELETE ON syncs_link
  REFERENCING OLD TABLE AS old_links FOR EACH STATEMENT EXECUTE FUNCTION health_tally_delete();
"""

UNDO = """
DROP TRIGGER IF EXISTS health_tally_on_insert ON syncs_link;
DROP TRIGGER IF EXISTS health_tally_on_update ON syncs_link;
DROP TRIGGER IF EXISTS health_tally_on_delete ON syncs_link;
DROP FUNCTION IF EXISTS health_tally_insert();
DROP FUNCTION IF EXISTS health_tally_update();
DROP FUNCTION IF EXISTS health_tally_delete();
DROP FUNCTION IF EXISTS health_link_detail(text, text, text);
DELETE FROM health_linktally;
"""


class Migration(migrations.Migration):
    dependencies = [("health", "0001_initial"), ("syncs", "0002_associations_pending")]

    operations = [migrations.RunSQL(DETAIL + FUNCTIONS + TRIGGERS, UNDO)]
