"""Record matching takes an ordered list of field pairs, and a duplicate names its
candidates. The one pair of before becomes a list of one."""

from django.db import migrations, models


def pairs_forward(apps, schema_editor):
    ObjectSync = apps.get_model("syncs", "ObjectSync")
    for sync in ObjectSync.objects.exclude(match_app_field="").exclude(match_hub_property=""):
        sync.match_fields = [[sync.match_app_field, sync.match_hub_property]]
        sync.save(update_fields=["match_fields"])


def pairs_backward(apps, schema_editor):
    ObjectSync = apps.get_model("syncs", "ObjectSync")
    for sync in ObjectSync.objects.exclude(match_fields=[]):
        sync.match_app_field, sync.match_hub_property = sync.match_fields[0]
        sync.save(update_fields=["match_app_field", "match_hub_property"])


class Migration(migrations.Migration):
    dependencies = [("syncs", "0017_run_undo")]

    operations = [
        migrations.AddField("objectsync", "match_fields",
                            models.JSONField(blank=True, default=list)),
        migrations.AddField("link", "candidates", models.JSONField(blank=True, default=dict)),
        migrations.RunPython(pairs_forward, pairs_backward),
        migrations.RemoveField("objectsync", "match_app_field"),
        migrations.RemoveField("objectsync", "match_hub_property"),
    ]
