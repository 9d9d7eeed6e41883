"""A sandbox organization: its data centre, its modules' records, fields and deletions.

Records are kept as Zoho answers them: API names as keys, lookups and owners as
`{"name": …, "id": …}`, times as `YYYY-MM-DDTHH:MM:SS+00:00`, ids as 19-digit
strings. A deleted record leaves an entry for `/deleted` (recycle bin).
"""

import datetime as dt
from dataclasses import dataclass, field

from connectors.sdk.sandbox import SandboxAccount

MODULES = ("Contacts", "Leads", "Accounts", "Deals", "Products", "Tasks")


def stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat()


@dataclass
class FieldMeta:
    """One field as /settings/fields describes it (and the sandbox validates by)."""

    api_name: str
    label: str
    data_type: str = "text"  # text, email, phone, website, integer, double, currency,
    # boolean, date, datetime, picklist, multiselectpicklist, lookup, ownerlookup, textarea
    mandatory: bool = False
    read_only: bool = False
    custom: bool = False
    unique: bool = False
    picklist: tuple[str, ...] = ()
    lookup: str = ""  # the module a lookup points into
    length: int = 255

    def describe(self, field_id: str) -> dict:
        return {
            "api_name": self.api_name, "field_label": self.label, "display_label": self.label,
            "data_type": self.data_type, "custom_field": self.custom,
            "read_only": self.read_only, "system_mandatory": self.mandatory,
            "id": field_id, "length": self.length,
            "unique": {"casesensitive": "false"} if self.unique else {},
            "pick_list_values": [{"display_value": v, "actual_value": v, "id": f"{field_id}{n}"}
                                 for n, v in enumerate(self.picklist)],
            "lookup": {"module": {"api_name": self.lookup}} if self.lookup else {},
        }


@dataclass
class ZohoOrg(SandboxAccount):
    location: str = "us"
    company_name: str = ""
    domain_name: str = ""
    currency: str = "USD"
    user: dict = field(default_factory=dict)  # the signed-in user: {"name", "id", "email"}
    fields: dict = field(default_factory=dict)  # module -> {api_name: FieldMeta}
    deleted: dict = field(default_factory=dict)  # module -> [deleted entries]
    next_id: int = 0
    page_tokens: dict = field(default_factory=dict)  # token -> (query key, offset)

    def new_id(self) -> str:
        self.next_id += 1
        return str(self.next_id)

    def rows(self, module: str) -> dict[str, dict]:
        return self.data[module]

    def owner(self) -> dict:
        return dict(self.user)

    def add(self, module: str, values: dict, moment: dt.datetime) -> dict:
        record_id = self.new_id()
        who = {"name": self.user["name"], "id": self.user["id"], "email": self.user["email"]}
        record = {"id": record_id, "Owner": dict(who), "Created_By": dict(who),
                  "Modified_By": dict(who), "Created_Time": stamp(moment),
                  "Modified_Time": stamp(moment), **values}
        self.data[module][record_id] = record
        return record

    def change(self, record: dict, values: dict, moment: dt.datetime) -> dict:
        record.update(values)
        record["Modified_Time"] = stamp(moment)
        return record

    def remove(self, module: str, record_id: str, moment: dt.datetime) -> None:
        record = self.data[module].pop(record_id)
        name = next((str(record[k]) for k in ("Full_Name", "Account_Name", "Deal_Name",
                                               "Product_Name", "Subject", "Last_Name")
                     if record.get(k)), record_id)
        who = {"name": self.user["name"], "id": self.user["id"]}
        self.deleted.setdefault(module, []).append({
            "id": record_id, "display_name": name, "type": "recycle",
            "deleted_by": who, "created_by": who, "deleted_time": stamp(moment)})
