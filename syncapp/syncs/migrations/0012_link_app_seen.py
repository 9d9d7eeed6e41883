"""Link.app_seen: the stamp our last write to the app record got back (own echoes)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('syncs', '0011_fewer_foreign_key_checks'),
    ]

    # A column with a constant default: no table rewrite, whatever the links' number.
    operations = [
        migrations.AddField(
            model_name='link',
            name='app_seen',
            field=models.TextField(blank=True, default=''),
        ),
    ]
