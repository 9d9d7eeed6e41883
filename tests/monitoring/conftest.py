import pytest

from tests.kits.metrics import TOKEN


@pytest.fixture
def metrics_on(settings):
    """/metrics served, to a scraper holding TOKEN."""
    settings.METRICS_TOKEN = TOKEN
