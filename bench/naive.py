"""The same work done record by record through the ORM: get, compare, save.

What a hand-written sync script does: for each app record, look its hub record up
by email, compare (with the engine's own pure rules, so only the I/O differs),
save what changed on either side and a link; then, for each hub record, check
whether it is linked and create it in the app if not. Every save commits on its
own (autocommit), as such a script's would.

It runs on a second portal holding the same N hub records, over an evenly spread
sample of each side (every (N/S)th record, so matches, conflicts and new records
come in their proportions), and the time is extrapolated to N: seconds for N =
sample seconds x N / S.
"""

import time

from bench.data import DataSet
from bench.engine import make_sync
from bench.memory_app import MemoryConnector, MemoryStore
from syncapp.crm.identifiers import normalize_email
from syncapp.crm.models import ChangeAction, ChangeLogEntry, Record
from syncapp.crm.services import _apply, _diff
from syncapp.engine.planner import app_values_from_hub, plan_pair
from syncapp.syncs.configure import build_config
from syncapp.syncs.models import Link, LinkStatus
from syncapp.syncs.run.executor import observed_last


class NaiveSync:
    def __init__(self, portal, data: DataSet):
        self.portal, self.data = portal, data
        self.connector = MemoryConnector(MemoryStore(data.n, data.app_by_number))
        self.sync = make_sync(portal)
        self.config = build_config(self.sync, MemoryConnector)

    def sample_seconds(self, sample: int) -> tuple[float, int]:
        """Seconds for `sample` records of each side, and the sample size used."""
        sample = max(1, min(sample, self.data.n))
        stride = self.data.n // sample
        first_pk = Record.objects.filter(portal=self.portal).order_by("pk").values_list(
            "pk", flat=True).first()
        indexes = [k * stride for k in range(sample)]
        started = time.perf_counter()
        for i in indexes:
            self.app_record(str(i + 1))
        for i in indexes:
            self.hub_record(first_pk + i)
        return time.perf_counter() - started, sample

    def app_record(self, app_id: str) -> None:
        (app,) = self.connector.read_by_ids("contacts", [app_id])
        hub = Record.objects.filter(
            portal=self.portal, object_type="contact", archived_at__isnull=True,
            email_key=normalize_email(app.values.get("email"))).first()
        if hub is None:
            hub = Record(portal=self.portal, object_type="contact")
            values = {k: v for k, v in app.values.items() if v is not None}
            self._save_hub(hub, values, ChangeAction.CREATE, _diff({}, values))
            last = observed_last(self.config, hub.properties, app.values)
        else:
            plan = plan_pair(self.config, hub.properties, app.values, None)
            if plan.hub_writes:
                old = dict(hub.properties)
                new = {k: v for k, v in {**old, **plan.hub_writes}.items() if v is not None}
                self._save_hub(hub, new, ChangeAction.UPDATE, _diff(old, new))
            if plan.app_writes:
                self.connector.update("contacts", [(app.id, plan.app_writes)])
            last = plan.last
        Link.objects.create(portal=self.portal, object_sync=self.sync, hub_record=hub,
                            app_id=app.id, status=LinkStatus.IN_SYNC, last_synced=last,
                            hub_name=hub.display_name)

    def hub_record(self, hub_id: int) -> None:
        hub = Record.objects.get(pk=hub_id)
        if Link.objects.filter(object_sync=self.sync, hub_record=hub).exists():
            return
        values = app_values_from_hub(self.config, hub.properties)
        (outcome,) = self.connector.create("contacts", [(str(hub.pk), values)])
        Link.objects.create(portal=self.portal, object_sync=self.sync, hub_record=hub,
                            app_id=outcome.record.id, status=LinkStatus.IN_SYNC,
                            last_synced=observed_last(self.config, hub.properties,
                                                      outcome.record.values),
                            hub_name=hub.display_name)

    def _save_hub(self, hub: Record, values: dict, action: str, changes: dict) -> None:
        _apply(hub, values)
        hub.save()
        ChangeLogEntry.objects.create(portal=self.portal, record=hub, object_type="contact",
                                      action=action, changes=changes,
                                      object_sync_id=self.sync.pk)
