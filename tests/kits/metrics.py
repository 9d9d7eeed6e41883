"""Scraping /metrics as Prometheus does, and reading one sample back."""

from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

TOKEN = "scrape-token-for-tests"


def scrape(token: str = TOKEN) -> str:
    response = Client().get("/metrics", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("text/plain; version=")
    return response.content.decode()


def samples(text: str, name: str) -> dict[tuple, float]:
    """{sorted label pairs: value} of every sample called `name`."""
    return {tuple(sorted(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(text)
            for sample in family.samples if sample.name == name}


def value(text: str, name: str, **labels) -> float | None:
    """The sample `name` with exactly these labels, or None when there is none."""
    wanted = tuple(sorted((key, str(v)) for key, v in labels.items()))
    return samples(text, name).get(wanted)
