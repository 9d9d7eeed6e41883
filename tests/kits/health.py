"""A connection in a mixed state, made by the real engine against the HubSpot sandbox:
records in sync, excluded for several reasons, deleted on each side — plus failed
links of several categories written directly, since the sandbox rarely refuses."""

from dataclasses import dataclass, field

from connectors.sdk.errors import ErrorCategory
from syncapp.crm.services import archive_record, create_record
from syncapp.syncs.models import Link, LinkStatus, ObjectSync, SyncFilter
from tests.kits.engine import App, make_sync, run

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


def quiet_sync(portal, account: str = "acct-1") -> ObjectSync:
    """A HubSpot contacts sync with no sandbox behind it: for pages and exports that
    only read links."""
    from connectors.hubspot import HubSpotConnector
    from syncapp.integrations.models import Connection
    from syncapp.syncs.configure import create_object_sync

    connection = Connection.objects.create(portal=portal, app_key="hubspot",
                                           account_id=account, account_name=account)
    sync = create_object_sync(connection, "contacts", HubSpotConnector)
    sync.state = "on"
    sync.save()
    return sync


def many_links(sync, count: int, **values) -> list[Link]:
    """`count` links without records behind them (app-side names and ids only)."""
    rows = [Link(portal_id=sync.portal_id, object_sync=sync, app_id=f"a{sync.pk}-{i}",
                 app_name=f"Person {i}", status=values.get("status", LinkStatus.IN_SYNC),
                 **{k: v for k, v in values.items() if k != "status"})
            for i in range(count)]
    return Link.objects.bulk_create(rows)
