"""The record's page in Zoho CRM's web app, where the connector's links point
(spec.record_page): /crm/org<org id>/tab/<module>/<id>, Deals under "Potentials"."""

from connectors.sdk.sandbox import route
from connectors.sdk.sandbox.app_pages import record_missing, record_page
from connectors.zoho.sandbox.modules import ModulesApi

VENDOR = "Zoho CRM"
TABS = {"Potentials": "Deals"}
TITLES = ("Full_Name", "Account_Name", "Deal_Name", "Product_Name", "Subject", "Last_Name")
HIDDEN = {"id", "Owner", "Created_By", "Modified_By"}


class RecordPages(ModulesApi):
    @route("GET", "/crm/org{org_id}/tab/{tab}/{record_id}", auth=False)
    def record_page(self, request, org_id, tab, record_id):
        module = TABS.get(tab, tab)
        with self.lock:
            org = self.accounts.get(org_id)
            record = org.rows(module).get(record_id) if org and module in org.fields else None
            if record is None:
                return record_missing(VENDOR, "Record")
            values = dict(record)
        title = next((str(values[k]) for k in TITLES if values.get(k)), f"Record {record_id}")
        details = [(name, value if not isinstance(value, dict) else value.get("name"))
                   for name, value in sorted(values.items()) if name not in HIDDEN]
        return record_page(vendor=VENDOR, title=title,
                           details=[("Record ID", record_id), *details], kind=module)
