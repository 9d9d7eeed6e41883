"""A batch's links are LinkRows, not Link instances: the same columns and defaults."""

from dataclasses import dataclass

import pytest
from django.core.exceptions import ImproperlyConfigured

from syncapp.core import bulkrows
from syncapp.syncs.models import Link, LinkStatus
from syncapp.syncs.run import store
from tests.kits.engine import make_sync

pytestmark = pytest.mark.django_db


def test_a_new_link_row_is_stored_as_a_link_model_would_be(portal, hubspot):
    sync = make_sync(hubspot, "contacts")
    row = store.new_link(sync.pk, portal.pk, app_id="7", match_key="ann@example.com")
    model = Link(portal=portal, object_sync=sync, app_id="8", match_key="bob@example.com")
    bulkrows.insert([row])
    model.save()

    own = {"id", "app_id", "match_key", "created_at", "updated_at"}

    def stored(pk):
        values = Link.objects.filter(pk=pk).values().get()
        return {k: v for k, v in values.items() if k not in own}

    assert stored(row.pk) == stored(model.pk)
    by_app, _ = store.links_for(sync.pk, ["7", "8"], [])
    assert [(link.pk, link.candidates, link.status) for link in by_app.values()] == [
        (row.pk, {}, model.status), (model.pk, {}, model.status)]


def test_link_rows_do_not_share_their_json_values(portal):
    first, second = store.new_link(1, portal.pk), store.new_link(1, portal.pk)
    first.candidates["hub"] = [1, 2]
    store.mark(first, LinkStatus.FAILED, category="duplicate", message="Two records match")

    assert second.candidates == {} and second.refused == {} and second.last_synced == {}


def test_a_row_type_that_misses_a_column_of_the_model_is_refused():
    @dataclass(slots=True, kw_only=True)
    class Partial:
        portal_id: int
        object_sync_id: int
        app_id: str | None = None
        status: str = "in_sync"

    with pytest.raises(ImproperlyConfigured, match=r"app_name, .*hub_record_id.*status"):
        store._check_mirrors(Partial, Link)
