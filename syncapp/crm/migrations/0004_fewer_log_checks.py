"""The change log's portal, record and user are no longer checked by the database (each
entry is written with its record, in its transaction), and the portal and record lose
the indexes changelog_cursor and changelog_record_history already start with."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_invitation'),
        ('crm', '0003_record_source'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='changelogentry',
            name='portal',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.portal'),
        ),
        migrations.AlterField(
            model_name='changelogentry',
            name='record',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='changes', to='crm.record'),
        ),
        migrations.AlterField(
            model_name='changelogentry',
            name='user',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
    ]
