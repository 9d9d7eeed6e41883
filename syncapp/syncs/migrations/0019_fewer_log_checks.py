"""A history entry's link is no longer checked by the database: each row is written in
the transaction that saves its link (see HistoryEntry.portal)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('syncs', '0018_match_fields_and_candidates'),
    ]

    operations = [
        migrations.AlterField(
            model_name='historyentry',
            name='link',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='history', to='syncs.link'),
        ),
    ]
