"""A link's object sync and hub record are no longer checked by the database: each link
is written by the engine in the batch transaction that read them (models/links.py says
what the checks cost). Only the constraints go; no index changes.

Tried once before and reverted, after a full bench at 1,000,000 ran 100 changes in
497 ms; without these two constraints, the same run at 1,000,000 took 33 ms (32 ms with
them), the catch-up run 0.98 s (0.95), and no statement of either run took 10 ms."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
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
