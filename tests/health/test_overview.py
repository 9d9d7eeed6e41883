"""The connection's state says what to do, and the chart adds up the runs' counts."""

import datetime as dt

import pytest
from django.utils import timezone

from syncapp.health.overview import connection_state, hourly_activity
from syncapp.integrations.models import ConnectionStatus
from syncapp.syncs.models import Run, RunStatus, SyncState
from tests.kits.health import quiet_sync

pytestmark = pytest.mark.django_db


def state_of(sync) -> str:
    sync.refresh_from_db()
    return connection_state(sync.connection, [sync], "HubSpot").code


@pytest.fixture
def sync(portal):
    return quiet_sync(portal)


def test_a_connection_without_syncs_is_connected(portal):
    sync = quiet_sync(portal)
    sync.delete()
    state = connection_state(sync.connection, [], "HubSpot")
    assert state.code == "connected"
    assert "Set up a sync" in state.todo


def test_idle_then_syncing_while_a_run_is_in_progress(sync):
    assert state_of(sync) == "idle"
    Run.objects.create(portal=sync.portal, object_sync=sync, kind="incremental")
    assert state_of(sync) == "syncing"


def test_every_sync_off_is_paused(sync):
    sync.state = SyncState.OFF
    sync.save()
    assert state_of(sync) == "paused"


@pytest.mark.parametrize(("reason", "code", "todo"), [
    ("auth_expired", "needs_reconnect", "Reconnect"),
    ("app_unavailable", "app_unavailable", "status page"),
    ("rate_limited", "paused", "resumes by itself"),
])
def test_a_paused_sync_says_why_and_what_to_do(sync, reason, code, todo):
    sync.pause_reason, sync.pause_message = reason, "HubSpot said so."
    sync.save()
    state = connection_state(sync.connection, [sync], "HubSpot")
    assert state.code == code
    assert todo in state.todo


def test_a_refused_sign_in_needs_a_reconnect(sync):
    sync.connection.status = ConnectionStatus.NEEDS_RECONNECT
    sync.connection.save()
    assert state_of(sync) == "needs_reconnect"


def test_the_chart_sums_the_runs_of_each_hour_for_seven_days(sync):
    now = timezone.now()
    for hours_ago, counts in ((0, {"created_app": 3, "updated_hub": 2, "failed": 1}),
                              (0, {"matched": 4}), (30, {"restored": 5, "failed": 2}),
                              (24 * 8, {"created_hub": 100})):
        run = Run.objects.create(portal=sync.portal, object_sync=sync, kind="incremental",
                                 status=RunStatus.SUCCEEDED, counts=counts)
        Run.objects.filter(pk=run.pk).update(started_at=now - dt.timedelta(hours=hours_ago))

    chart = hourly_activity([sync.pk], now)

    assert len(chart.bars) == 168
    assert (chart.total_synced, chart.total_failed) == (14, 3)  # the 8-day-old run is out
    assert (chart.bars[-1].synced, chart.bars[-1].failed) == (9, 1)
    assert chart.peak == 10
