"""Saving a sync's edited settings sends `sync.settings_changed` to the portal's
webhooks, with the same diff the audit entry records."""

import pytest

from syncapp.webhooks import tasks as webhook_tasks
from syncapp.webhooks.models import Delivery
from syncapp.webhooks.services import create
from tests.syncs.kit import CONFIGURE, post_step, start

pytestmark = pytest.mark.django_db


def test_an_edit_saved_is_sent_to_the_subscribed_webhooks(admin_client, connection, portal,
                                                          settings, monkeypatch):
    settings.OUTBOUND_ALLOW_PRIVATE = True
    queued: list[int] = []
    monkeypatch.setattr(webhook_tasks.deliver, "delay", queued.append)
    create(portal, "http://127.0.0.1:9/hook", ["sync.settings_changed"], by=None)
    create(portal, "http://127.0.0.1:9/other", ["run.failed"], by=None)
    sync = start(admin_client, connection)
    post_step(admin_client, "save", sync, {})
    assert not Delivery.objects.exists()  # a new sync's first save is no settings change

    post_step(admin_client, "configure", sync, {**CONFIGURE, "winner": "app"})
    post_step(admin_client, "save", sync, {})
    [delivery] = Delivery.objects.all()
    assert delivery.event == "sync.settings_changed"
    assert delivery.payload["data"]["sync_id"] == sync.pk
    assert delivery.payload["data"]["changes"]["winner"] == ["hub", "app"]
    assert queued == [delivery.pk]
