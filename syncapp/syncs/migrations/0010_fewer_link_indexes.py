"""Drop the indexes no query needs (each kept one is named in tests/engine/test_link_indexes.py)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_invitation'),
        ('crm', '0001_initial'),
        ('syncs', '0009_link_refused'),
    ]

    # Django's schema editor leaves a foreign key's index in place when db_index turns
    # off, so the database side drops them by name.
    operations = [migrations.SeparateDatabaseAndState(database_operations=[
        migrations.RunSQL(f"DROP INDEX IF EXISTS {name}",
                          f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({column})")
        for name, table, column in [
            ("syncs_historyentry_link_id_c91c553b", "syncs_historyentry", "link_id"),
            ("syncs_historyentry_portal_id_76fb5752", "syncs_historyentry", "portal_id"),
            ("syncs_link_object_sync_id_1ff132ad", "syncs_link", "object_sync_id"),
            ("syncs_link_portal_id_9fa7eada", "syncs_link", "portal_id"),
            ("syncs_link_hub_record_id_c15b534f", "syncs_link", "hub_record_id"),
        ]], state_operations=[
        migrations.AlterField(
            model_name='historyentry',
            name='link',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='history', to='syncs.link'),
        ),
        migrations.AlterField(
            model_name='historyentry',
            name='portal',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.portal'),
        ),
        migrations.AlterField(
            model_name='link',
            name='object_sync',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='links', to='syncs.objectsync'),
        ),
        migrations.AlterField(
            model_name='link',
            name='hub_record',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='crm.record'),
        ),
        migrations.AlterField(
            model_name='link',
            name='portal',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.portal'),
        ),
    ])]
