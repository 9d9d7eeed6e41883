"""app.hubspot.com's record pages, as the connector links to them (spec.record_page):
/contacts/<hub id>/record/<object type id>/<record id>, for every CRM object."""

from connectors.hubspot.sandbox.schema import TYPE_IDS
from connectors.hubspot.sandbox.store import Portal
from connectors.sdk.sandbox import Sandbox, route
from connectors.sdk.sandbox.app_pages import record_missing, record_page

VENDOR = "HubSpot"
KINDS = {type_id: name for name, type_id in TYPE_IDS.items()}
# What each object's page shows as its title, first property found wins.
TITLES = ("dealname", "name", "subject", "hs_task_subject", "hs_call_title",
          "hs_meeting_title", "hs_email_subject", "email", "hs_note_body")


def title_of(properties: dict) -> str:
    person = " ".join(filter(None, (properties.get("firstname"), properties.get("lastname"))))
    return person or next((str(properties[p]) for p in TITLES if properties.get(p)), "")


class RecordPages(Sandbox):
    """Mixed into HubSpotSandbox: uses its accounts and lock."""

    @route("GET", "/contacts/{hub_id}/record/{type_id}/{record_id}", auth=False)
    def record_page(self, request, hub_id, type_id, record_id):
        kind = KINDS.get(type_id)
        with self.lock:
            portal = next((a for a in self.accounts.values()
                           if isinstance(a, Portal) and str(a.hub_id) == hub_id), None)
            record = portal.live(kind, record_id) if portal and kind else None
            if record is None or kind is None:
                return record_missing(VENDOR, "Record")
            properties = dict(record["properties"])
        details = sorted((name, value) for name, value in properties.items()
                         if not name.startswith("hs_") and name not in ("createdate",
                                                                          "lastmodifieddate"))
        return record_page(vendor=VENDOR, title=title_of(properties) or f"Record {record_id}",
                           details=[("Record ID", record_id), *details], kind=kind.title())
