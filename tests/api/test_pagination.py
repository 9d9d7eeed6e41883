"""Cursor pages walk a list without gaps or repeats, even while rows are added."""

import pytest

from syncapp.syncs.models import Link, LinkStatus
from tests.api.conftest import is_problem

pytestmark = pytest.mark.django_db


def _walk(reader, path: str, limit: int, between=None) -> list[int]:
    seen, cursor = [], None
    while True:
        query = {"limit": limit, **({"cursor": cursor} if cursor else {})}
        page = reader.get(path, **query).json()
        assert len(page["items"]) <= limit
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return seen
        if between:
            between()


def test_every_record_once_in_order(reader, sync):
    Link.objects.bulk_create(Link(portal_id=sync.portal_id, object_sync=sync, app_id=f"p{i}",
                                  status=LinkStatus.EXCLUDED, exclusion_reason="filters")
                             for i in range(40))
    expected = list(Link.objects.filter(object_sync=sync, status=LinkStatus.EXCLUDED)
                    .order_by("-id").values_list("id", flat=True))
    seen = _walk(reader, f"/syncs/{sync.pk}/excluded", limit=7)
    assert seen == expected and len(set(seen)) == 42


def test_rows_added_while_paging_neither_repeat_nor_hide_older_ones(reader, sync, portal):
    before = list(Link.objects.filter(object_sync=sync, status=LinkStatus.FAILED)
                  .order_by("-id").values_list("id", flat=True))
    added = []

    def add_one():
        added.append(Link.objects.create(portal=portal, object_sync=sync, app_id=f"n{len(added)}",
                                         status=LinkStatus.FAILED,
                                         error_category="duplicate").pk)

    seen = _walk(reader, f"/syncs/{sync.pk}/failed", limit=2, between=add_one)
    assert seen == before  # newer rows belong to a fresh walk, not this one
    assert added and not set(added) & set(seen)


def test_a_limit_out_of_range_is_a_bad_request(reader, sync):
    is_problem(reader.get("/syncs", limit=0), 400)
    is_problem(reader.get("/syncs", limit=1000), 400)
