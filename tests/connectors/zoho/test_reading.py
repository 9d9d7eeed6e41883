"""Reading changes page by page: each record once per pass, whatever the page size."""

from tests.connectors.zoho.kit import make_connector


def test_a_pass_returns_each_record_once_however_small_the_pages(root, sandbox):
    connector = make_connector(root)
    org = sandbox.accounts["7700001"]
    with sandbox.lock:  # three more sharing one second: the window cannot move past them
        moment = sandbox.now()
        for n in range(3):
            org.add("Contacts", {"Last_Name": f"Same second {n}"}, moment)
    seen, cursor = [], None
    for _ in range(50):
        page = connector.read_changes("Contacts", cursor, limit=1)
        seen += [r.id for r in page.records]
        cursor = page.cursor
        if page.done:
            break
    assert len(seen) == len(set(seen)) == 7


def test_the_next_pass_reads_what_changed_after_the_last(root):
    connector = make_connector(root)
    first = connector.read_changes("Tasks", None)
    assert first.done and len(first.records) == 2
    (created,) = connector.create("Tasks", [("t", {"Subject": "Later"})])
    following = connector.read_changes("Tasks", first.cursor)
    assert created.record.id in {r.id for r in following.records}
