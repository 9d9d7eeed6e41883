"""The bench's dashboard phase loads its million links in one statement of its own
(bench/dashboard.py): a column the links gain must be filled there too, or `make bench`
stops at that phase. A few hundred links here, as the bench loads a million."""

import pytest

from bench.dashboard import build
from syncapp.syncs.models import Link, LinkStatus

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_dashboard_phase_loads_its_links_into_todays_table():
    _user, conn = build(300)

    links = Link.objects.filter(portal_id=conn.portal_id)
    assert links.count() > 250
    assert set(links.values_list("status", flat=True)) == {
        LinkStatus.IN_SYNC, LinkStatus.FAILED, LinkStatus.EXCLUDED}
