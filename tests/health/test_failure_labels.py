"""A failed record's message names fields by their labels; the history keeps the
vendor's own words. Pipedrive names custom fields by a 40-hex key per company."""

import pytest
from django.urls import reverse

from syncapp.crm.services import create_record
from syncapp.syncs.models import FieldMapping, HistoryEntry, Link, LinkStatus
from syncapp.syncs.run.field_labels import FieldLabels
from tests.kits.engine import make_sync, pipedrive, run  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db(transaction=True)


def lead_source_key(app) -> str:
    fields = app.connector().custom_fields("persons")
    return next(key for key, (field, _kind) in fields.items() if field.label == "Lead source")


def test_a_refused_custom_field_is_named_by_its_label_in_the_failed_panel(
        portal, pipedrive, ops_client):  # noqa: F811 - the fixture
    key = lead_source_key(pipedrive)
    sync = make_sync(pipedrive, "persons")
    # 999 is no option of the "Lead source" dropdown: Pipedrive refuses the create.
    FieldMapping.objects.create(object_sync=sync, app_field=key, hub_property="company",
                                direction="to_app", is_default=False)
    record = create_record(portal, "contact", {"email": "ada@labels.example",
                                               "firstname": "Ada", "company": "999"})
    run(pipedrive, sync)

    link = Link.objects.get(object_sync=sync, hub_record=record)
    assert link.status == LinkStatus.FAILED
    assert "Lead source" in link.error_message
    assert key not in link.error_message
    history = HistoryEntry.objects.get(link=link, action="failed")
    assert key in history.reason  # the vendor's words, as Pipedrive sent them

    panel = ops_client.get(reverse("health:failed", args=["pipedrive", sync.pk])
                           + f"?category={link.error_category}").content.decode()
    assert "Lead source" in panel
    assert key not in panel


class StaticFields:
    """A connector whose only custom field is known, or which cannot be reached."""

    def __init__(self, fields=None):
        self._fields = fields

    def fields(self, _object_name):
        if self._fields is None:
            raise NotImplementedError
        return self._fields


def test_messages_without_a_known_key_read_as_the_vendor_wrote_them():
    from connectors.sdk.spec import Field

    key = "a" * 40
    known = FieldLabels(StaticFields((Field(name=key, label="Lead source", custom=True),
                                      Field(name="name", label="Name"))), "persons")
    assert known.readable(f"Validation failed: custom_fields.{key}: Invalid value") == \
        "Validation failed: Lead source: Invalid value"
    assert known.readable("name: must not be empty") == "name: must not be empty"
    unreachable = FieldLabels(StaticFields(), "persons")
    assert unreachable.readable(f"{key}: bad") == f"{key}: bad"
