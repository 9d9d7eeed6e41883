"""A connector's cursor comes back from the text the engine stored as it was written,
and a stored cursor that does not read back stops the run with "resync the object"."""

from dataclasses import dataclass

import pytest

from connectors.hubspot.reads import DeletedCursor
from connectors.pipedrive.client import ReadCursor as PipedriveCursor
from connectors.salesforce.reads import ChangeCursor as SalesforceCursor
from connectors.sdk import ConnectorError, ErrorCategory, StoredCursor
from connectors.zoho.reading import ReadCursor as ZohoCursor


@dataclass(frozen=True)
class Window(StoredCursor):
    app = "Acme CRM"
    since: str | None = None
    page: int = 1
    seen: tuple[str, ...] = ()


@pytest.mark.parametrize("cursor", [
    Window(), Window("2026-12-06T10:00:00Z", 3, ("a", "b")),
    DeletedCursor(since=1, seen=("7", "8")), PipedriveCursor("2026-12-06 10:00:00", 500),
    SalesforceCursor(after=("2026-12-06T10:00:00.000+0000", "003RO0000000001AAA")),
    ZohoCursor(since="2026-12-06T10:00:00+00:00", page=2, skip=("41", "42")),
], ids=["empty", "window", "hubspot", "pipedrive", "salesforce", "zoho"])
def test_a_cursor_comes_back_as_it_was_written(cursor):
    assert type(cursor).decode(cursor.encode()) == cursor


def test_none_is_the_first_pass_and_json_keeps_only_what_is_held():
    assert Window.decode(None) == Window()
    assert Window(seen=()).encode() == '{"page":1}'
    assert PipedriveCursor(page=3).encode() == PipedriveCursor.decode(
        PipedriveCursor(page=3).encode()).encode()  # base64 of the whole dataclass


@pytest.mark.parametrize("stored", ["not json", "[1, 2]", '{"page": 1, "offset": 5}',
                                    '{"page": {"x": 1}'])
def test_a_cursor_that_does_not_read_back_asks_for_a_resync(stored):
    with pytest.raises(ConnectorError) as refused:
        Window.decode(stored)
    assert refused.value.category is ErrorCategory.UNKNOWN
    assert "The stored Acme CRM cursor is unreadable; resync the object." in str(refused.value)


def test_a_base64_cursor_that_does_not_read_back_asks_for_a_resync():
    with pytest.raises(ConnectorError, match="stored Zoho CRM cursor is unreadable"):
        ZohoCursor.decode("%%%not-base64")
