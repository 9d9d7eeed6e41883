"""A record's form in the model-driven app, as the connector links to it
(spec.record_page): /<urlname>/main.aspx?pagetype=entityrecord&etn=<logical>&id=<guid>,
standing in for https://<urlname>.crm.dynamics.com/main.aspx?…"""

from connectors.dynamics.sandbox.schema import BY_LOGICAL
from connectors.dynamics.sandbox.store import Environment
from connectors.sdk.sandbox import Sandbox, route
from connectors.sdk.sandbox.app_pages import record_missing, record_page

VENDOR = "Microsoft Dynamics 365"
TITLES = ("fullname", "name", "title", "subject", "emailaddress1")


def title_of(row: dict) -> str:
    person = " ".join(filter(None, (row.get("firstname"), row.get("lastname"))))
    return person or next((str(row[c]) for c in TITLES if row.get(c)), "")


class RecordPages(Sandbox):
    """Mixed into DynamicsSandbox: uses its accounts (environments) and lock."""

    @route("GET", "/{org}/main\\.aspx", auth=False)
    def record_form(self, request, org):
        table = BY_LOGICAL.get(request.arg("etn") or "")
        record_id = (request.arg("id") or "").strip("{}").lower()
        if request.arg("pagetype") != "entityrecord" or table is None:
            return record_missing(VENDOR, "Page")
        with self.lock:
            env = next((a for a in self.accounts.values()
                        if isinstance(a, Environment) and a.url_name == org), None)
            row = env.store.rows(table).get(record_id) if env else None
            if row is None:
                return record_missing(VENDOR, table.schema_name)
            row = dict(row)
        details = sorted((column, row.get(column)) for column in table.columns
                         if isinstance(row.get(column), str | int | float))
        return record_page(vendor=VENDOR, title=title_of(row) or record_id,
                           details=[("ID", record_id), *details], kind=table.schema_name)
