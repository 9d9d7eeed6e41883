"""A link's object sync and hub record are no longer checked by the database: each link
is written by the engine in the batch transaction that read them (the model says what
the checks cost). Only the constraints go; no index changes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('crm', '0005_record_portal_unchecked'),
        ('syncs', '0019_fewer_log_checks'),
    ]

    operations = [
        migrations.AlterField(
            model_name='link',
            name='hub_record',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='crm.record'),
        ),
        migrations.AlterField(
            model_name='link',
            name='object_sync',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='links', to='syncs.objectsync'),
        ),
    ]
