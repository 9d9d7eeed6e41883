"""The database checks a link's object sync and a history entry's link, not the portal and run they imply: a check per row at every commit (see Link.portal)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_invitation'),
        ('syncs', '0010_fewer_link_indexes'),
    ]

    operations = [
        migrations.AlterField(
            model_name='historyentry',
            name='portal',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.portal'),
        ),
        migrations.AlterField(
            model_name='historyentry',
            name='run',
            field=models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='syncs.run'),
        ),
        migrations.AlterField(
            model_name='link',
            name='portal',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.portal'),
        ),
    ]
