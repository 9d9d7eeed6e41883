"""Matching, Review and the health pages read the identifier a connector declares.

The identifier table is the product's (crm/identifier_table.py); which app field
carries each identifier is the connector's declaration (ObjectSpec.identifiers). A toy
Pipedrive whose persons carry the email identifier in another field is matched,
reviewed and reported by that field, with nothing else changed.
"""

from dataclasses import replace

import pytest
from django.urls import reverse

from connectors.pipedrive import PipedriveConnector
from connectors.sdk import registry
from syncapp.crm.services import create_record
from syncapp.integrations.catalog import build_connector
from syncapp.syncs.models import LinkStatus, SyncState
from syncapp.syncs.run.runner import DONE, SyncRunner
from tests.syncs.kit import start, text_of, url

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
LABELS = {"email": "Email", "job_title": "Job title"}
OTHER = {"email": "job_title", "job_title": "email"}


def carrying_email_in(app_field: str) -> type[PipedriveConnector]:
    spec = PipedriveConnector.spec
    objects = tuple(replace(o, identifiers=(("email", app_field),)) if o.name == "persons"
                    else o for o in spec.objects)

    class ToyPipedrive(PipedriveConnector):
        pass

    ToyPipedrive.spec = replace(spec, objects=objects)
    return ToyPipedrive


@pytest.fixture(params=["email", "job_title"])
def carrier(request, monkeypatch) -> str:
    """The app field the installed Pipedrive declares as carrying the email identifier."""
    installed = registry.connectors()
    toy = carrying_email_in(request.param)
    monkeypatch.setattr(registry, "connectors", lambda: {**installed, "pipedrive": toy})
    return request.param


def person(app, carrier: str, name: str, carried: str, elsewhere: str) -> str:
    """A person whose carrier field holds `carried`, and the other field `elsewhere`."""
    values = {"name": name, carrier: carried, OTHER[carrier]: elsewhere}
    (created,) = app.create("persons", [(name, values)])
    assert created.ok, created.error
    return created.record.id


def test_matching_review_and_health_follow_the_field_declared_as_carrying_the_email(
        carrier, admin_client, connection, portal):
    app = build_connector(connection)
    existing = [r.id for r in app.read_changes("persons", None, limit=500).records]
    if existing:
        app.delete("persons", existing)
    ann = person(app, carrier, "Ann", "ann@work.example", "ann@home.example")
    person(app, carrier, "Dup One", "dup@work.example", "one@home.example")
    person(app, carrier, "Dup Two", "dup@work.example", "two@home.example")
    person(app, carrier, "Nobody", "", "nobody@home.example")
    hub_ann = create_record(portal, "contact", {"email": "ann@work.example",
                                                "firstname": "Ann"})
    sync = start(admin_client, connection)

    review = text_of(admin_client.get(url("dry_run", sync), **HTMX))

    shared = review.split('data-list="shared"', 1)[1].split("</details>", 1)[0]
    assert f"Pipedrive: 2 records share {LABELS[carrier]} “dup@work.example”" in shared
    assert "home.example" not in shared
    assert "matched by email “ann@work.example”" in review

    sync.state = SyncState.ON
    sync.save()
    for _slice in range(20):
        sync.refresh_from_db()
        if SyncRunner(sync, connector=build_connector(connection)).run_for(60) == DONE:
            break
    link = sync.links.get(app_id=ann)
    assert link.hub_record_id == hub_ann.pk
    assert link.status == LinkStatus.IN_SYNC

    excluded = text_of(admin_client.get(reverse("health:excluded",
                                                args=["pipedrive", sync.pk])))
    assert "Nobody" in excluded
    assert "No email address" in excluded
    assert "Dup One" not in excluded
