"""A record's portal is no longer checked by the database: each sync batch's records
are made for the portal it read (syncs/models/links.py says what the checks cost).
Only the constraint goes; the index stays."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_invitation'),
        ('crm', '0004_fewer_log_checks'),
    ]

    operations = [
        migrations.AlterField(
            model_name='record',
            name='portal',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.portal'),
        ),
    ]
