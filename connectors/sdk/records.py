"""The plain data that crosses the connector boundary."""

import datetime as dt
from dataclasses import dataclass, field

from connectors.sdk.errors import ConnectorError


@dataclass(frozen=True)
class AppRecord:
    """One app record: values keyed by the vendor's field names, as strings or None."""

    id: str
    values: dict
    modified_at: dt.datetime | None = None
    # The row's version as read (an ETag), where the vendor can make an update
    # conditional on it (Capabilities.conditional_writes); None elsewhere.
    version: str | None = None

    @property
    def stamp(self) -> str:
        """What tells this state of the record from any later one: the row's version
        where the vendor has one (it changes with every write, however close), else
        its modification time; "" when the app gives neither. The engine keeps the
        stamp its own write got back, to know that write's echo when it is read back
        (syncs/run/echoes.py)."""
        if self.version:
            return self.version
        return self.modified_at.isoformat() if self.modified_at else ""


@dataclass(frozen=True)
class Page:
    """A batch of changes and the cursor that continues after it.

    `cursor` is opaque to the engine; it is safe to store once the records of this
    page are applied. `done` says the connector has nothing more right now.
    """

    records: list[AppRecord]
    cursor: str | None
    done: bool


@dataclass(frozen=True)
class DeletedRecord:
    id: str
    deleted_at: dt.datetime | None = None


@dataclass(frozen=True)
class DeletedPage:
    records: list[DeletedRecord]
    cursor: str | None
    done: bool


@dataclass(frozen=True)
class WriteOutcome:
    """The result for one item of a batch: the app record, or why it failed."""

    ref: str  # the caller's reference for the item (e.g. the hub record id)
    record: AppRecord | None = None
    error: ConnectorError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class AssociationRecord:
    from_id: str
    to_id: str
    primary: bool = False


@dataclass(frozen=True)
class AccountInfo:
    """Who the connection belongs to at the vendor: two connections of one app
    to the same vendor account are refused."""

    id: str
    name: str
    extra: dict = field(default_factory=dict)
