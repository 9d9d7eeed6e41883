# An undo of a run is audited (issue 16).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0005_mass_change_actions'),
    ]

    operations = [
        migrations.AlterField(
            model_name='auditentry',
            name='action',
            field=models.CharField(choices=[('connected', 'Account connected'), ('reconnected', 'Account reconnected'), ('disconnected', 'Account disconnected'), ('sync_created', 'Sync created'), ('settings_changed', 'Sync settings changed'), ('turned_off', 'Sync turned off'), ('turned_on', 'Sync turned on'), ('sync_deleted', 'Sync deleted'), ('sync_now', 'Sync now'), ('resync', 'Records resynced'), ('retry', 'Failed records retried'), ('restore', 'Records restored'), ('undo', 'Run undone'), ('export', 'Records exported'), ('login_failed', 'Sign-in failed'), ('login_locked_out', 'Sign-in locked out'), ('invite_sent', 'Invitation sent'), ('invite_resent', 'Invitation sent again'), ('invite_accepted', 'Invitation accepted'), ('invite_revoked', 'Invitation revoked'), ('role_changed', 'Roles changed'), ('member_removed', 'Member removed'), ('api_key_created', 'API key created'), ('api_key_revoked', 'API key revoked'), ('webhook_created', 'Webhook created'), ('webhook_rotated', 'Webhook secret rotated'), ('webhook_deleted', 'Webhook deleted'), ('alert_rule_changed', 'Alert rules changed'), ('alert_muted', 'Alert rule muted'), ('alert_snoozed', 'Alert rule snoozed'), ('alert_unmuted', 'Alert rule unmuted'), ('run_held', 'Run held for review'), ('held_approved', 'Held changes approved'), ('held_discarded', 'Held changes discarded'), ('thresholds_changed', 'Mass-change thresholds changed')], max_length=32),
        ),
    ]
