"""The engine's side of the benchmark: a real ObjectSync run by the real SyncRunner."""

import os
import resource
import statistics
import time
from pathlib import Path

from django.db import connection

from bench.data import DataSet
from bench.memory_app import MemoryConnector, MemoryStore
from syncapp.core.heap import settle_heap
from syncapp.crm.models import Record
from syncapp.crm.services import update_record
from syncapp.integrations.models import Connection
from syncapp.syncs.configure import create_object_sync
from syncapp.syncs.models import ObjectSync, SyncState
from syncapp.syncs.run.runner import DONE, SyncRunner, load_for_run

SLICE_S = 20.0  # as the Celery task: one runner per slice, re-created for the next


def make_sync(portal, winner: str = "hub") -> ObjectSync:
    conn = Connection.objects.create(portal=portal, app_key="memory", account_id="bench",
                                     account_name="In-memory app")
    sync = create_object_sync(conn, "contacts", MemoryConnector, winner=winner)
    sync.state = SyncState.ON
    sync.save()
    return sync


class CpuClock:
    """CPU seconds of this process and of the Postgres server (when on this machine):
    on a busy machine they say more than wall time about the engine's own cost.

    The server's is every process of it: the backends of both the engine's connections
    (the initial sync commits on a second one, syncs/run/ahead.py), those that ended
    meanwhile (counted in the postmaster's children's time) and its writers. Other
    clients of the server count too: measure on an otherwise idle server."""

    def __init__(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
        try:
            self.postmaster = int(_stat(backend)[1])
        except (OSError, IndexError, ValueError):
            self.postmaster = None
        self.start = self.read()

    def read(self) -> tuple[float, float | None]:
        own = resource.getrusage(resource.RUSAGE_SELF)
        return own.ru_utime + own.ru_stime, self._server()

    def _server(self) -> float | None:
        if self.postmaster is None:
            return None
        try:
            fields = _stat(self.postmaster)
            ticks = sum(int(f) for f in fields[11:15])  # its own time and its reaped children's
        except (OSError, IndexError, ValueError):
            return None
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = _stat(int(entry.name))
                if int(fields[1]) == self.postmaster:
                    ticks += int(fields[11]) + int(fields[12])
            except (OSError, IndexError, ValueError):
                continue  # ended while we looked: its time is in the postmaster's now
        return ticks / os.sysconf("SC_CLK_TCK")

    def spent(self) -> tuple[float, float | None]:
        (own0, db0), (own1, db1) = self.start, self.read()
        return own1 - own0, (db1 - db0 if db0 is not None and db1 is not None else None)


def _stat(pid: int) -> list[str]:
    """/proc/<pid>/stat's fields after the command name (state, ppid, …, utime at 11)."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def run_until_done(sync: ObjectSync, connector, batch: int, max_slices: int = 100_000) -> float:
    """Seconds to run `sync` to the end, slice after slice as Celery would."""
    started = time.perf_counter()
    for _ in range(max_slices):
        sync = load_for_run(sync.pk)  # as the task loads it
        if SyncRunner(sync, connector=connector, batch=batch).run_for(SLICE_S) == DONE:
            return time.perf_counter() - started
    raise RuntimeError("the run never finished")


class EngineBench:
    def __init__(self, portal, data: DataSet, batch: int):
        self.portal, self.data, self.batch = portal, data, batch
        self.store = MemoryStore(data.n, data.app_by_number)
        self.connector = MemoryConnector(self.store)
        self.sync = make_sync(portal)

    def initial(self) -> tuple[float, float, float | None]:
        """Wall seconds, then CPU seconds of this process and of its Postgres backend."""
        settle_heap()  # as each worker process does when it starts (syncapp/celery.py)
        clock = CpuClock()
        wall = run_until_done(self.sync, self.connector, self.batch)
        return (wall, *clock.spent())

    def catch_up(self) -> tuple[float, int]:
        """Seconds of the first incremental run after the initial sync, and how many app
        records it read (what the initial sync wrote comes back as changes: echoes)."""
        before = self.connector.records_read
        seconds = run_until_done(self.sync, self.connector, self.batch)
        return seconds, self.connector.records_read - before

    def noop_ms(self, repeat: int = 5) -> float:
        times = [run_until_done(self.sync, self.connector, self.batch) for _ in range(repeat)]
        return statistics.median(times) * 1000

    def hundred_changes_ms(self, repeat: int = 5) -> float:
        """The median of `repeat` runs, each after its own 50 contacts were edited in the
        app and 50 in the hub: one run's time moved with what the runs before it left in
        Postgres's buffers (at 1,000,000, 65-209 ms for the same code)."""
        times = [self._hundred_changes_s(round_) for round_ in range(repeat)]
        return statistics.median(times) * 1000

    def _hundred_changes_s(self, round_: int) -> float:
        n = self.data.n
        for k in range(50):
            number = 1 + (k * 7919 + round_ * 104_729) % n
            values = self.store.values(number)
            values["jobtitle"] = f"Changed in app {round_}-{k}"
            self.store.write(number, values)
        for k in range(50):
            i = (k * 7919 + 13 + round_ * 104_729) % n
            record = Record.objects.get(portal=self.portal, email_key=f"person{i}@example.com")
            update_record(record, {"city": f"Changed in hub {round_}-{k}"})
        return run_until_done(self.sync, self.connector, self.batch)
