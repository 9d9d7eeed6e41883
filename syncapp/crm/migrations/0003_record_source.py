"""Records a sync creates carry a read-only "Record source" property; the lists filter
them through an indexed flag. Existing portals get the property's definition."""

from django.db import migrations, models
from django.db.models import Max

OBJECT_TYPES = ("contact", "lead", "company", "deal", "product", "invoice", "ticket", "call",
                "email", "task", "note", "meeting")


def define_record_source(apps, schema_editor):
    Portal = apps.get_model("accounts", "Portal")
    PropertyDefinition = apps.get_model("crm", "PropertyDefinition")
    rows = []
    for portal_id in Portal.objects.values_list("pk", flat=True):
        last = dict(PropertyDefinition.objects.filter(portal_id=portal_id)
                    .values_list("object_type").annotate(Max("position")))
        rows += [PropertyDefinition(portal_id=portal_id, object_type=object_type,
                                    name="record_source", label="Record source", type="text",
                                    position=(last.get(object_type) or 0) + 1)
                 for object_type in OBJECT_TYPES]
    PropertyDefinition.objects.bulk_create(rows, ignore_conflicts=True)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_invitation'),
        ('crm', '0002_remove_changelogentry_changelog_cursor_and_more'),
    ]

    operations = [
        migrations.AddField(
            model_name='record',
            name='created_by_sync',
            field=models.BooleanField(default=False),
        ),
        migrations.AddIndex(
            model_name='record',
            index=models.Index(condition=models.Q(('archived_at__isnull', True), ('created_by_sync', True)), fields=['portal', 'object_type', 'sort_key', 'id'], name='record_list_created_by_sync'),
        ),
        # Raw inserts (benches, test fixtures) name only the columns they know.
        migrations.RunSQL("ALTER TABLE crm_record ALTER COLUMN created_by_sync SET DEFAULT false",
                          migrations.RunSQL.noop),
        migrations.RunPython(define_record_source, migrations.RunPython.noop),
    ]
