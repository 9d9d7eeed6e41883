"""A paginator follows page cursors to the end and refuses one that comes round again."""

import pytest

from connectors.pipedrive import PipedriveConnector
from connectors.pipedrive.client import ReadCursor, next_window
from connectors.sdk import ErrorCategory, HttpClient, Paginator, RepeatedCursorError
from connectors.sdk.sandbox import Response, Sandbox
from tests.kits.sandbox import sandbox_server


class Listing(Sandbox):
    """GET /items?cursor=… answers the page at that cursor and the next one's cursor,
    as `links` says (cursor -> next cursor); a server that forgets where it is points
    a page back at one already served."""

    def __init__(self, links: dict[str, str | None]):
        super().__init__()
        self.links = links
        self.asked: list[str] = []

    def handle(self, request):
        cursor = request.arg("cursor") or "start"
        self.asked.append(cursor)
        return Response.json({"items": [f"item at {cursor}"], "next": self.links[cursor]})


def read_all(url: str) -> list[str]:
    http = HttpClient(sleep=lambda seconds: None, max_attempts=1)

    def fetch(cursor: str | None):
        body = http.request("GET", url + "/items", params={"cursor": cursor} if cursor else {}).body
        return body["items"], body["next"]

    return [item for items in Paginator[str]("Toy").pages(fetch) for item in items]


def test_a_listing_is_followed_to_its_last_page_once():
    sandbox = Listing({"start": "p2", "p2": "p3", "p3": None})
    with sandbox_server(sandbox) as url:
        assert read_all(url) == ["item at start", "item at p2", "item at p3"]
    assert sandbox.asked == ["start", "p2", "p3"]


def test_a_server_answering_the_same_cursor_twice_is_refused_not_followed_for_ever():
    sandbox = Listing({"start": "p2", "p2": "p3", "p3": "p2"})
    with sandbox_server(sandbox) as url, pytest.raises(RepeatedCursorError) as raised:
        read_all(url)
    assert raised.value.category is ErrorCategory.APP_UNAVAILABLE
    assert "Toy repeated a page cursor" in raised.value.message
    assert raised.value.vendor_message == "p2"
    assert sandbox.asked == ["start", "p2", "p3"]


def test_one_page_a_call_refuses_the_cursor_it_was_asked_with():
    assert Paginator("Toy", "p2").advance("p3") == "p3"
    assert Paginator("Toy", "p2").advance(None) is None
    with pytest.raises(RepeatedCursorError):
        Paginator("Toy", "p2").advance("p2")


# --- Pipedrive had no guard: every paging style it uses now has one --------------------


class StuckPipedrive(Sandbox):
    """Every list answers no records and says more follow, at the same place."""

    def __init__(self):
        super().__init__()
        self.hits = 0

    def handle(self, request):
        self.hits += 1
        return Response.json({"success": True, "data": [], "additional_data": {
            "next_cursor": "c1", "pagination": {"more_items_in_collection": True}}})


@pytest.fixture
def stuck():
    sandbox = StuckPipedrive()
    with sandbox_server(sandbox) as url:
        http = HttpClient(sleep=lambda seconds: None, max_attempts=1)
        bases = {"v1": url + "/api/v1", "v2": url + "/api/v2"}
        yield sandbox, PipedriveConnector(http, api_bases=bases, account={})


def test_pipedrive_custom_fields_stop_at_a_repeated_cursor(stuck):
    sandbox, connector = stuck
    with pytest.raises(RepeatedCursorError):
        connector.fields("persons")
    assert sandbox.hits == 2


def test_a_pipedrive_v2_read_refuses_the_cursor_it_was_asked_with(stuck):
    _sandbox, connector = stuck
    first = connector.read_changes("persons", None)
    assert not first.done and ReadCursor.decode(first.cursor).page == "c1"
    with pytest.raises(RepeatedCursorError):
        connector.read_changes("persons", first.cursor)


@pytest.mark.parametrize("read", ["read_changes", "read_deleted"])
def test_a_pipedrive_v1_page_that_stays_put_is_refused(stuck, read):
    """"More items" with an empty page would ask for the same window again."""
    _sandbox, connector = stuck
    object_name = "notes" if read == "read_changes" else "persons"
    with pytest.raises(RepeatedCursorError):
        getattr(connector, read)(object_name, ReadCursor("2027-01-01T00:00:00Z", 0).encode())


def test_a_pipedrive_v1_window_that_moves_on_is_followed():
    state = ReadCursor("2027-01-01T00:00:00Z", 0)
    moved = next_window(state, ["2027-01-01T00:00:00Z", "2027-01-01T00:00:05Z"], more=True)
    assert moved.position == ("2027-01-01T00:00:05Z", 0)
    with pytest.raises(RepeatedCursorError):
        next_window(state, [], more=True)
