"""A connection in a mixed state, made by the real engine against the HubSpot sandbox:
records in sync, excluded for several reasons, deleted on each side — plus failed
links of several categories written directly, since the sandbox rarely refuses."""

from dataclasses import dataclass, field

from connectors.sdk.errors import ErrorCategory
from syncapp.crm.services import archive_record, create_record
from syncapp.syncs.models import Link, LinkStatus, ObjectSync, SyncFilter
from tests.engine.kit import App, make_sync, run

FAILURES = {  # category -> how many failed links of it
    ErrorCategory.INVALID_VALUE: 3,
    ErrorCategory.DUPLICATE: 2,
    ErrorCategory.RATE_LIMITED: 1,
}


@dataclass
class Mixed:
    sync: ObjectSync
    app: App
    deleted_in_app: list[str] = field(default_factory=list)  # emails
    deleted_in_hub: list[str] = field(default_factory=list)
    failed: list[Link] = field(default_factory=list)


def build_mixed(portal, hubspot: App) -> Mixed:
    hubspot.clear("contacts")
    for i in range(4):
        hubspot.create("contacts", email=f"app{i}@mixed.example", firstname=f"App{i}")
    hubspot.create("contacts", firstname="No", lastname="Email")  # excluded: no email
    hub = [create_record(portal, "contact", {"email": f"hub{i}@mixed.example",
                                             "firstname": f"Hub{i}", "city": "Lisbon"})
           for i in range(4)]
    create_record(portal, "contact", {"firstname": "Emailless", "city": "Lisbon"})
    create_record(portal, "contact", {"email": "porto@mixed.example", "city": "Porto"})
    sync = make_sync(hubspot, "contacts")
    SyncFilter.objects.create(object_sync=sync, side="hub", field="city", operator="is",
                              value="Lisbon")  # excluded: does not match the filters
    run(hubspot, sync)
    mixed = Mixed(sync, hubspot)

    gone_in_app = Link.objects.get(object_sync=sync, hub_record=hub[0])
    hubspot.delete("contacts", gone_in_app.app_id)
    mixed.deleted_in_app.append("hub0@mixed.example")
    archive_record(hub[1])
    mixed.deleted_in_hub.append("hub1@mixed.example")
    run(hubspot, sync)
    mixed.failed = add_failed_links(portal, sync)
    return mixed


def add_failed_links(portal, sync: ObjectSync, failures=None) -> list[Link]:
    """Hub records whose create in the app failed, one link per record, by category."""
    links = []
    for category, count in (failures or FAILURES).items():
        for i in range(count):
            record = create_record(portal, "contact", {
                "email": f"{category}{i}@failed.example", "firstname": f"F{i}",
                "lastname": str(category), "city": "Lisbon"})
            links.append(Link.objects.create(
                portal=portal, object_sync=sync, hub_record=record, status=LinkStatus.FAILED,
                error_category=str(category), hub_name=record.display_name,
                error_message=f"HubSpot refused it ({category})."))
    return links
