"""How long a change takes to reach the other side, with webhooks on and the default poll
interval, as `make run` works: a real worker and beat, Pipedrive's and HubSpot's sandboxes
delivering webhooks to the live server. Edits each way (vendor -> hub, hub -> vendor) for
each app, one after the other; every wait goes to test-artifacts/waits.jsonl and the
session prints their p95s. Measurements, not timed assertions: only that every edit
arrived (a lost webhook would still arrive by the poll). A smoke of 2 edits each way in
`make test`, 20 in `make soak`; the bench (bench/propagation.py) sets PROPAGATION_EDITS
and PROPAGATION_WAITS, and INBOUND_REAL_TIME=false to measure polling alone."""

import os
import time
from pathlib import Path

import pytest

from connectors.hubspot import HubSpotConnector
from connectors.pipedrive.connector import PipedriveConnector
from syncapp.crm.models import Record
from syncapp.crm.services import update_record
from syncapp.engine.breaker import Thresholds
from syncapp.inbound.models import Subscription
from syncapp.integrations import sandbox_state
from syncapp.integrations.catalog import build_connector
from syncapp.integrations.models import Connection
from syncapp.syncs.configure import create_object_sync
from syncapp.syncs.models import Link, LinkStatus, ObjectSync
from syncapp.syncs.review import save_thresholds
from syncapp.syncs.services import save_and_sync
from tests.kits import waits
from tests.kits.connect import connect_account
from tests.kits.inbound import forget_debounce, hubspot_app_webhooks
from tests.kits.soak import by_run
from tests.kits.stack import wait_until
from tests.kits.worker import beat_on, sync_worker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker,
              pytest.mark.grows_in_soak]
EDITS = int(os.environ.get("PROPAGATION_EDITS") or by_run(2, 20))
WAITS = Path(os.environ.get("PROPAGATION_WAITS") or waits.ARTIFACT)
# Longer than the default poll interval (120 s): an edit whose webhook was lost still
# arrives, by the poll.
ARRIVAL_S = 200
# app -> (login, app object, connector, its first-name field)
APPS = {
    "pipedrive": ("admin@northwind.example", "persons", PipedriveConnector, "first_name"),
    "hubspot": ("admin@acmecorp.example", "contacts", HubSpotConnector, "firstname"),
}


@pytest.fixture
def live_sandboxes(live_server, settings):
    settings.SITE_URL = live_server.url
    settings.SANDBOXES_ENABLED = True
    sandbox_state.reset()
    yield live_server.url
    sandbox_state.reset()


# Forty edits of one record within the hour would trip the mass-change breaker (25
# changes at least): the person measuring raises the limits, as on the sync's page.
PATIENT = Thresholds(changed_max=10_000, min_records=10_000)


def linked_pair(sync: ObjectSync) -> tuple[Record, str]:
    """A linked pair whose hub record no other sync links, so that each edit travels
    between two sides only (else any linked pair)."""
    links = Link.objects.filter(object_sync=sync, status=LinkStatus.IN_SYNC,
                                hub_record__isnull=False).exclude(app_id=None)
    shared = Link.objects.exclude(object_sync=sync).values("hub_record_id")
    link = links.exclude(hub_record_id__in=shared).first() or links.first()
    return link.hub_record, link.app_id


def hub_value(record: Record) -> str | None:
    record.refresh_from_db()
    return record.properties.get("firstname")


def vendor_value(sync: ObjectSync, app_id: str, field: str) -> str | None:
    (found,) = build_connector(sync.connection).read_by_ids(sync.app_object, [app_id])
    return found.values.get(field)


def timed(change, arrived) -> float:
    """Seconds from `change()` to `arrived()` being true."""
    start = time.monotonic()
    change()
    assert wait_until(arrived, timeout=ARRIVAL_S, every=0.2), "an edit never arrived"
    return round(time.monotonic() - start, 2)


def measure(app: str, sync: ObjectSync, record: Record, app_id: str) -> list[dict]:
    _login, app_object, _cls, field = APPS[app]
    vendor = build_connector(sync.connection)
    rows = []
    for i in range(EDITS):
        name = f"Vendor{i}"
        seconds = timed(lambda n=name: vendor.update(app_object, [(app_id, {field: n})]),
                        lambda n=name: hub_value(record) == n)
        rows.append({"app": app, "direction": "app_to_hub", "seconds": seconds})
        name = f"Hub{i}"
        seconds = timed(lambda n=name: update_record(record, {"firstname": n}),
                        lambda n=name: vendor_value(sync, app_id, field) == n)
        rows.append({"app": app, "direction": "hub_to_app", "seconds": seconds})
    return rows


def test_changes_reach_the_other_side_each_way_and_their_waits_are_recorded(
        admin_client, portal, live_sandboxes, tmp_path):
    site = live_sandboxes
    hubspot_app_webhooks(f"{site}/sandbox/hubspot", f"{site}/inbound/hubspot/",
                         "contact.propertyChange:firstname")
    syncs = {}
    with sync_worker(site, tmp_path / "worker.log") as queue, beat_on(queue, tmp_path):
        for app, (login, app_object, cls, _field) in APPS.items():
            connect_account(admin_client, app, login)
            connection = Connection.objects.get(portal=portal, app_key=app)
            syncs[app] = create_object_sync(connection, app_object, cls)  # default interval
            save_thresholds(syncs[app], PATIENT)
            forget_debounce(syncs[app])
            save_and_sync(syncs[app])
        ready = wait_until(lambda: all(ObjectSync.objects.get(pk=s.pk).initial_done
                                       for s in syncs.values())
                           and Subscription.objects.filter(app_object="persons").exists(),
                           timeout=180, every=0.5)
        assert ready, (tmp_path / "worker.log").read_text()[-3000:]
        rows = []
        for app, sync in syncs.items():
            rows += measure(app, sync, *linked_pair(sync))
    waits.write(rows, WAITS)
    assert len(rows) == 2 * EDITS * len(APPS)
