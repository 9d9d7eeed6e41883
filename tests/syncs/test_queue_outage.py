"""The wizard with Redis down: the review says its dry run cannot be asked for, and
Save and sync leaves the draft a draft, saying that nothing was started."""

import pytest

from syncapp.syncs.models import SyncState
from tests.kits.stack import redis_stopped
from tests.syncs.kit import messages_of, page, post_step, start, text_of

pytestmark = pytest.mark.django_db

UNREACHABLE = "The task queue is unreachable; nothing was started."


def test_review_and_save_and_sync_with_redis_down(admin_client, connection, settings,
                                                  tmp_path):
    sync = start(admin_client, connection)
    with redis_stopped(settings, tmp_path / "redis"):
        review = page(admin_client, "review", sync)
        assert UNREACHABLE in text_of(review)  # in place of the dry run

        reply = post_step(admin_client, "save", sync, {},
                          HTTP_REFERER=review.wsgi_request.build_absolute_uri())

        assert reply.status_code == 302
        assert UNREACHABLE in messages_of(reply)
    sync.refresh_from_db()
    assert sync.state == SyncState.DRAFT
