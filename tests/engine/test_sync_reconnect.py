"""A refused refresh token stops the connection's syncs with a category, not a loop."""

import pytest

from syncapp.integrations.models import ConnectionStatus
from syncapp.syncs.models import RunStatus
from syncapp.syncs.run.runner import DONE, SyncRunner, runnable
from tests.kits.engine import make_sync, run

pytestmark = pytest.mark.django_db(transaction=True)


def test_refused_refresh_marks_needs_reconnect_and_stops_the_sync(portal, hubspot):
    sync = make_sync(hubspot, "contacts")
    run(hubspot, sync)
    hubspot.sandbox.expire_access_tokens()
    hubspot.sandbox.revoke_refresh_tokens()

    sync.refresh_from_db()
    assert SyncRunner(sync, connector=hubspot.connector()).run_for(10) == DONE

    hubspot.connection.refresh_from_db()
    sync.refresh_from_db()
    latest = sync.runs.order_by("-id").first()
    assert hubspot.connection.status == ConnectionStatus.NEEDS_RECONNECT
    assert latest.status == RunStatus.FAILED
    assert latest.error_category == "auth_expired"
    assert not runnable(sync)  # the scheduler leaves it alone until someone reconnects
