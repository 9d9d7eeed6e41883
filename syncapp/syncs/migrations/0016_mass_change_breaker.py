"""The mass-change circuit breaker: each sync's thresholds and the changes a held run keeps
for review (syncs/held.py)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_invitation'),
        ('syncs', '0014_mapping_conflict_rule'),
    ]

    operations = [
        migrations.CreateModel(
            name='MassChangeGuard',
            fields=[
                ('object_sync', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='guard', serialize=False, to='syncs.objectsync')),
                ('changed_percent', models.PositiveSmallIntegerField(default=20)),
                ('changed_max', models.PositiveIntegerField(default=1000)),
                ('min_records', models.PositiveIntegerField(default=25)),
                ('creates_max', models.PositiveIntegerField(default=100)),
                ('deleted_percent', models.PositiveSmallIntegerField(default=20)),
                ('state', models.CharField(blank=True, choices=[('', 'Nothing held'), ('held', 'Needs review'), ('discarded', 'Discarded')], default='', max_length=10)),
                ('held_at', models.DateTimeField(blank=True, null=True)),
                ('held_run_id', models.BigIntegerField(blank=True, null=True)),
                ('summary', models.JSONField(blank=True, default=dict)),
                ('plan_key', models.CharField(blank=True, max_length=64)),
                ('approved_key', models.CharField(blank=True, max_length=64)),
                ('approved_run_id', models.BigIntegerField(blank=True, null=True)),
                ('cursors', models.JSONField(blank=True, default=dict)),
                ('difference', models.JSONField(blank=True, default=list)),
                ('left_different', models.JSONField(blank=True, default=list)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('portal', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.portal')),
            ],
            options={
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='HeldChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('update', 'Update'), ('create', 'Create'), ('delete', 'Turns deleted')], max_length=10)),
                ('side', models.CharField(max_length=5)),
                ('link_id', models.BigIntegerField(blank=True, null=True)),
                ('hub_id', models.BigIntegerField(blank=True, null=True)),
                ('app_id', models.CharField(blank=True, max_length=200)),
                ('name', models.CharField(blank=True, max_length=300)),
                ('field', models.CharField(blank=True, max_length=200)),
                ('before', models.JSONField(blank=True, null=True)),
                ('after', models.JSONField(blank=True, null=True)),
                ('object_sync', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='syncs.objectsync')),
                ('portal', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.portal')),
            ],
            options={
                'indexes': [models.Index(fields=['object_sync', 'id'], name='held_by_sync')],
            },
        ),
    ]
