"""Organizations (API v2) <-> flat values.

Pipedrive keeps no company domain on an organization (only `website`), so
companies are matched on their name alone.
https://developers.pipedrive.com/docs/api/v1/Organizations#addOrganization
"""

from connectors.pipedrive import values as v
from connectors.pipedrive.adapter import (
    Adapter,
    Context,
    address_fields,
    as_text,
    copy_simple,
    read_address,
    write_address,
)

ADDRESS = "address"

_WRITERS = {
    "name": as_text,
    "website": as_text,
    "linkedin": as_text,
    "industry": v.to_int,  # the id of an option of the account's Industry field
    "annual_revenue": v.to_int,
    "employee_count": v.to_int,
    "owner_id": v.to_int,
}


class Organizations(Adapter):
    name = "organizations"
    api = "v2"
    path = "/organizations"
    fields_path = "/organizationFields"
    recents_item = "organization"

    def to_values(self, raw: dict, context: Context) -> dict:
        return {
            "name": v.text(raw.get("name")),
            **read_address(raw, ADDRESS),
            "website": v.text(raw.get("website")),
            "linkedin": v.text(raw.get("linkedin")),
            "industry": v.reference(raw.get("industry")),
            "annual_revenue": v.number(raw.get("annual_revenue")),
            "employee_count": v.number(raw.get("employee_count")),
            "owner_id": v.reference(raw.get("owner_id")),
            "add_time": v.timestamp(raw.get("add_time")),
            "update_time": v.timestamp(raw.get("update_time")),
        }

    def needs_current(self, values: dict) -> bool:
        return any(field in values for field in address_fields(ADDRESS))

    def to_payload(self, values: dict, current: dict | None, context: Context) -> dict:
        payload: dict = {}
        copy_simple(values, payload, _WRITERS)
        write_address(values, current, ADDRESS, payload)
        return payload
