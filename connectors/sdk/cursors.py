"""A connector's read cursor, stored by the engine as opaque text.

Every connector keeps where a pass of changed or deleted records stands in a frozen
dataclass; `StoredCursor` is how it becomes text and comes back. The text is JSON of the
fields that hold something (or, with `encoding = "base64"`, the whole dataclass as JSON
in URL-safe base64). A stored cursor that does not read back is an error of its own
("resync the object"), never a silent restart from the beginning.

    @dataclass(frozen=True)
    class ChangeCursor(StoredCursor):
        app = "Acme CRM"
        since: str | None = None
        seen: tuple[str, ...] = ()
"""

import base64
import binascii
import json
from dataclasses import asdict, fields
from typing import Any, ClassVar, Self

from connectors.sdk.errors import ConnectorError, ErrorCategory


class StoredCursor:
    __dataclass_fields__: ClassVar[dict[str, Any]]  # a dataclass of the subclass's fields
    app: ClassVar[str]  # the vendor's name, for the message when a cursor does not read back
    encoding: ClassVar[str] = "json"  # or "base64"

    def encode(self) -> str:
        if self.encoding == "base64":
            raw = json.dumps(asdict(self), separators=(",", ":")).encode()
            return base64.urlsafe_b64encode(raw).decode().rstrip("=")
        held = {k: v for k, v in asdict(self).items()
                if v is not None and v != ()}
        return json.dumps(held, separators=(",", ":"), sort_keys=True)

    @classmethod
    def decode(cls, text: str | None) -> Self:
        """The cursor `encode` wrote; an empty one for None (the first pass)."""
        if not text:
            return cls()
        try:
            if cls.encoding == "base64":
                data = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
            else:
                data = json.loads(text)
            names = {f.name for f in fields(cls)}
            if not isinstance(data, dict) or not set(data) <= names:
                raise ValueError(text)
            # JSON has no tuples: the lists it gives back were tuples when written.
            return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in data.items()})
        except (ValueError, binascii.Error, TypeError):
            raise ConnectorError(ErrorCategory.UNKNOWN, f"The stored {cls.app} cursor is "
                                 "unreadable; resync the object.") from None
