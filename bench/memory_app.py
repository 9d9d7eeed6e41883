"""An app that lives in the benchmark's own process: a Connector with no HTTP.

Its records are kept compactly so that a million of them fit beside the engine:
a record nobody has written yet is generated from its number (the data set is a
pure function, see bench.data), and a written record is kept as one packed
string. Every create, update or delete appends the record's number to a change
log; `read_changes` walks that log from the cursor, skipping entries a later
change superseded, so incremental reads cost O(changes), as at a real vendor.

Like an app whose API user is dedicated to Syncapp (Dataverse's application user),
each record remembers whether its last write came from the connector; the
connector's incremental reads leave those out, as a "modified by someone else"
filter would: our own writes are not read back, a person's later edit is.
"""

from array import array
from collections.abc import Callable, Sequence

from connectors.sdk import (
    AppRecord,
    Capabilities,
    Connector,
    ConnectorError,
    ConnectorSpec,
    ErrorCategory,
    Field,
    FieldType,
    Mapping,
    OAuth2Spec,
    ObjectSpec,
    Page,
    WriteOutcome,
)

FIELDS = ("email", "firstname", "lastname", "phone", "company", "jobtitle", "city")
SEPARATOR = "\x1f"
GONE = -1

CONTACTS = ObjectSpec(
    name="contacts", label="Contacts", hub_object="contact",
    fields=tuple(Field(name, name.title(), FieldType.EMAIL if name == "email" else
                       FieldType.TEXT) for name in FIELDS),
    identifiers=(("email", "email"),),
    default_mappings=tuple(Mapping(name, name, required=name == "email") for name in FIELDS),
    # In process, a "batch write" is a loop: let the engine hand over whole batches.
    capabilities=Capabilities(incremental="modified_time", batch_write=True,
                              batch_size=10_000),
)

SPEC = ConnectorSpec(
    key="memory", name="In-memory app", tagline="The benchmark's app, in process.",
    description="Records kept in the benchmark's own memory; no HTTP.", logo="<svg/>",
    auth=OAuth2Spec(authorize_url="http://127.0.0.1/authorize",
                    token_url="http://127.0.0.1/token", scopes=()),  # noqa: S106 - a URL
    objects=(CONTACTS,),
)


def _pack(values: dict) -> str:
    return SEPARATOR.join(values.get(name) or "" for name in FIELDS)


def _unpack(packed: str) -> dict:
    return {name: value or None for name, value in zip(FIELDS, packed.split(SEPARATOR),
                                                       strict=True)}


class MemoryStore:
    """The app's data: records 1..n_base from `generate`, then whatever was written."""

    def __init__(self, n_base: int, generate: Callable[[int], dict]):
        self.generate = generate
        self.written: dict[int, str] = {}
        # Change log (record numbers, oldest first) and each record's latest position
        # in it; position GONE: deleted.
        self.log = array("q", range(1, n_base + 1))
        self.position = array("q", range(-1, n_base))  # index 0 unused
        # 1 where the record's last write came from the connector (index 0 unused).
        self.by_connector = bytearray(n_base + 1)
        self.next_number = n_base + 1

    def values(self, number: int) -> dict | None:
        if not 0 < number < len(self.position) or self.position[number] == GONE:
            return None
        packed = self.written.get(number)
        return _unpack(packed) if packed is not None else self.generate(number)

    def write(self, number: int, values: dict, by_connector: bool = False) -> None:
        """A write by a person, or by the connector (`by_connector`)."""
        if number == len(self.position):
            self.position.append(GONE)
            self.by_connector.append(0)
        self.by_connector[number] = by_connector
        self.written[number] = _pack(values)
        self.position[number] = len(self.log)
        self.log.append(number)

    def delete(self, number: int) -> bool:
        if self.values(number) is None:
            return False
        self.written.pop(number, None)
        self.position[number] = GONE
        return True

    def changes(self, start: int, limit: int, others_only: bool = False) -> tuple[list[int], int]:
        """Up to `limit` live record numbers changed at or after log position `start`;
        with `others_only`, those whose last write was not the connector's."""
        found, at, log, position = [], start, self.log, self.position
        ours = self.by_connector if others_only else bytearray(len(position))
        while at < len(log) and len(found) < limit:
            number = log[at]
            if position[number] == at and not ours[number]:
                found.append(number)
            at += 1
        return found, at

    def footprint_bytes(self) -> int:
        """What the store holds beyond the generator: for the report."""
        written = sum(len(v) + 57 for v in self.written.values())  # str header ≈ 57 bytes
        return written + 100 * len(self.written) + self.log.itemsize * (
            len(self.log) + len(self.position))


class MemoryConnector(Connector):
    """The Connector protocol over a MemoryStore, ids being the record numbers."""

    spec = SPEC

    def __init__(self, store: MemoryStore):
        super().__init__(http=None)
        self.store = store
        # App records read_changes returned so far: the bench reports how many of
        # them a run read back.
        self.records_read = 0

    def _record(self, number: int) -> AppRecord | None:
        values = self.store.values(number)
        # Its place in the change log is its version: every write moves it.
        return None if values is None else AppRecord(str(number), values,
                                                     version=str(self.store.position[number]))

    def read_changes(self, object_name: str, cursor: str | None, limit: int = 100) -> Page:
        # From a cursor on, our own writes are left out (see the module's docstring);
        # a read from the beginning returns every record.
        numbers, at = self.store.changes(int(cursor or 0), limit, others_only=cursor is not None)
        records = [self._record(n) for n in numbers]
        self.records_read += len(records)
        return Page(records, str(at), done=at >= len(self.store.log))

    def read_by_ids(self, object_name: str, ids: Sequence[str]) -> list[AppRecord]:
        found = (self._record(int(i)) for i in ids if i.isdigit())
        return [r for r in found if r is not None]

    def create(self, object_name: str, items: Sequence[tuple[str, dict]]) -> list[WriteOutcome]:
        outcomes = []
        for ref, values in items:
            number = self.store.next_number
            self.store.next_number += 1
            record = {name: values.get(name) for name in FIELDS}
            self.store.write(number, record, by_connector=True)
            outcomes.append(WriteOutcome(ref, self._record(number)))
        return outcomes

    def update(self, object_name: str, items: Sequence[tuple[str, dict]]) -> list[WriteOutcome]:
        outcomes = []
        for app_id, values in items:
            number = int(app_id) if app_id.isdigit() else 0
            current = self.store.values(number)
            if current is None:
                outcomes.append(WriteOutcome(app_id, error=_not_found(app_id)))
                continue
            current.update({k: v for k, v in values.items() if k in current})
            self.store.write(number, current, by_connector=True)
            outcomes.append(WriteOutcome(app_id, self._record(number)))
        return outcomes

    def delete(self, object_name: str, ids: Sequence[str]) -> list[WriteOutcome]:
        return [WriteOutcome(i) if i.isdigit() and self.store.delete(int(i))
                else WriteOutcome(i, error=_not_found(i)) for i in ids]


def _not_found(app_id: str) -> ConnectorError:
    return ConnectorError(ErrorCategory.NOT_FOUND, f"No record {app_id}.", status=404)
