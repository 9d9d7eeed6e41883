"""Support meets a record deleted on both sides: the failed panel, the resync dialog and
the restore review say that nothing live remains to copy it from, and offer to restore
Syncapp's archived record."""

import pytest
from django.urls import reverse

from syncapp.crm.services import archive_record, create_record
from syncapp.health.models import RepairJob
from syncapp.syncs.models import Link, LinkStatus
from tests.kits.health import quiet_sync

pytestmark = pytest.mark.django_db


@pytest.fixture
def sync(portal):
    """One record deleted in the app only, one deleted on both sides."""
    sync = quiet_sync(portal)
    for name, status in (("Ann", LinkStatus.DELETED_IN_APP), ("Bob", LinkStatus.DELETED_BOTH)):
        record = create_record(portal, "contact", {"email": f"{name}@both.example",
                                                   "firstname": name})
        if status == LinkStatus.DELETED_BOTH:
            archive_record(record)
        Link.objects.create(portal=portal, object_sync=sync, hub_record=record,
                            app_id=f"app-{name}", hub_name=name, status=status,
                            error_category="not_found" if name == "Ann" else "deleted_both")
    return sync


def url(name, *args, query=""):
    return reverse(f"health:{name}", args=["hubspot", *args]) + query


def test_the_failed_panel_names_records_deleted_on_both_sides(sync, support_client):
    html = support_client.get(url("failed", sync.pk) + "?category=deleted_both").content.decode()
    assert "Record deleted on both sides" in html
    assert "nothing live remains to copy it from" in html
    assert "Resync records deleted in Syncapp" in html  # restores the archived record
    assert "Retry all" not in html


def test_a_resync_into_the_app_explains_what_it_cannot_copy(sync, support_client):
    reply = support_client.post(url("resync", sync.pk), {"target": "app"}, follow=True)

    html = reply.content.decode()
    assert "1 record was deleted on both sides: nothing live remains to copy it from" in html
    job = RepairJob.objects.get()
    assert (job.target, job.total) == ("app", 1)  # Ann only


def test_the_restore_review_in_syncapp_offers_the_archived_record(sync, support_client):
    query = f"?account={sync.connection_id}&panel=restore&review=1&sync={sync.pk}&target=hub"
    html = support_client.get(url("records", query=query)).content.decode()
    assert "1 record will be restored" in html
    assert "it comes back from Syncapp's archived record only" in html
