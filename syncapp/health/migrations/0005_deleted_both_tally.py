"""Links deleted on both sides count as failed, under their own category, like the
other deleted links (the tally function of 0002, with the new status)."""

from django.db import migrations

DETAIL = """
CREATE OR REPLACE FUNCTION health_link_detail(status text, category text, reason text)
RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN status = 'excluded' THEN coalesce(reason, '')
    WHEN status IN ('failed', 'deleted_in_hub', 'deleted_in_app', 'deleted_both') THEN coalesce(
      nullif(category, ''),
      CASE status WHEN 'deleted_in_hub' THEN 'deleted_in_hub'
                  WHEN 'deleted_in_app' THEN 'not_found'
                  WHEN 'deleted_both' THEN 'deleted_both' ELSE 'unknown' END)
    ELSE '' END
$$;
"""

PREVIOUS = """
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


class Migration(migrations.Migration):
    dependencies = [("health", "0004_export_language"), ("syncs", "0008_faults_statuses")]

    operations = [migrations.RunSQL(DETAIL, PREVIOUS)]
