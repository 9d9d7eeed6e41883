# Undo a run (issue 16): a Run of kind "undo" names the run it puts back; history by run.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_invitation'),
        ('syncs', '0016_mass_change_breaker'),
    ]

    operations = [
        migrations.AddField(
            model_name='run',
            name='alive_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='run',
            name='undoes',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='undos', to='syncs.run'),
        ),
        migrations.AlterField(
            model_name='historyentry',
            name='run',
            field=models.ForeignKey(db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='syncs.run'),
        ),
        migrations.AlterField(
            model_name='run',
            name='kind',
            field=models.CharField(choices=[('initial', 'Initial sync'), ('incremental', 'Incremental sync'), ('resync', 'Resync'), ('restore', 'Restore'), ('undo', 'Undo')], max_length=20),
        ),
        migrations.AddIndex(
            model_name='historyentry',
            index=models.Index(fields=['run', 'link'], name='history_by_run'),
        ),
        migrations.AddIndex(
            model_name='run',
            index=models.Index(condition=models.Q(('kind', 'undo'), ('status', 'running')), fields=['alive_at'], name='run_undo_running'),
        ),
        migrations.AddConstraint(
            model_name='run',
            constraint=models.UniqueConstraint(condition=models.Q(('undoes__isnull', False), models.Q(('status', 'failed'), _negated=True)), fields=('undoes',), name='run_one_undo'),
        ),
    ]
