"""HubSpot's listing, OAuth registration and objects, as the marketplace shows them."""

from dataclasses import replace

from connectors.hubspot.activities import ACTIVITY_OBJECTS
from connectors.hubspot.crm import LINE_ITEMS, RECORD_OBJECTS
from connectors.sdk import ConnectorSpec, OAuth2Spec, ObjectSpec, RateLimit
from connectors.sdk.text import _

# An original abstract mark in HubSpot's orange with its initial; not HubSpot's logo.
LOGO = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" role="img"
aria-label="HubSpot"><rect width="64" height="64" rx="14" fill="#FF7A59"/>
<circle cx="46" cy="18" r="6" fill="none" stroke="#fff" stroke-width="4"/>
<path d="M42 22 34 30" stroke="#fff" stroke-width="4" stroke-linecap="round"/>
<text x="25" y="47" text-anchor="middle" font-family="Helvetica,Arial,sans-serif"
font-size="28" font-weight="700" fill="#fff">H</text></svg>"""

# https://developers.hubspot.com/docs/api/working-with-oauth#scopes
# Engagements (calls, emails, tasks, notes, meetings) are covered by the contact
# scopes; products need `e-commerce`; tickets need `tickets`; the crm.schemas
# scopes let us read property definitions (custom fields).
SCOPES = (
    "oauth",
    "crm.objects.contacts.read", "crm.objects.contacts.write",
    "crm.objects.companies.read", "crm.objects.companies.write",
    "crm.objects.deals.read", "crm.objects.deals.write",
    "crm.objects.line_items.read", "crm.objects.line_items.write",
    "e-commerce", "tickets", "sales-email-read",
    "crm.schemas.contacts.read", "crm.schemas.companies.read", "crm.schemas.deals.read",
)

# A record's page in HubSpot: app.hubspot.com/contacts/<hub id>/record/<type id>/<id>
# for every CRM object ("contacts" names the CRM app, not the object).
# https://knowledge.hubspot.com/records/work-with-records
OBJECT_TYPE_IDS = {
    "contacts": "0-1", "companies": "0-2", "deals": "0-3", "tickets": "0-5",
    "products": "0-7", "line_items": "0-8", "calls": "0-48", "emails": "0-49",
    "meetings": "0-47", "notes": "0-46", "tasks": "0-27",
}


def _with_record_page(spec: ObjectSpec) -> ObjectSpec:
    type_id = OBJECT_TYPE_IDS[spec.name]
    return replace(spec, record_page=f"/contacts/{{hub_id}}/record/{type_id}/{{id}}")


SPEC = ConnectorSpec(
    key="hubspot",
    web_app="https://app.hubspot.com",
    name="HubSpot",
    tagline=_("Keep another HubSpot portal's CRM in step with yours."),
    description=_(
        "Two-way sync with a HubSpot account: contacts, companies, deals, products, "
        "tickets and activities (calls, emails, tasks, notes, meetings), with their "
        "associations. Changes are read incrementally by last-modified time, deleted "
        "records are detected from HubSpot's archive, and writes go in batches of 100."
    ),
    logo=LOGO,
    auth=OAuth2Spec(
        authorize_url="https://app.hubspot.com/oauth/authorize",
        token_url="https://api.hubapi.com/oauth/v1/token",  # noqa: S106 - a URL
        scopes=SCOPES,
        # HubSpot revokes with DELETE /oauth/v1/refresh-tokens/<token>, not RFC 7009.
        # https://developers.hubspot.com/docs/api/oauth/tokens#delete-a-refresh-token
        revoke_url="https://api.hubapi.com/oauth/v1/refresh-tokens",
        revoke_style="delete_refresh_token",
        # The token endpoint takes client_id and client_secret in the form body.
        token_endpoint_auth_method="client_secret_post",  # noqa: S106 - a method name
    ),
    objects=tuple(map(_with_record_page, (*RECORD_OBJECTS, *ACTIVITY_OBJECTS))),
    # Public (OAuth) apps: 100 requests per 10 seconds per HubSpot account.
    # https://developers.hubspot.com/docs/api/usage-details
    rate_limit=RateLimit(requests=100, per_seconds=10),
    docs_url="https://developers.hubspot.com/docs/api/crm/understanding-the-crm",
)

# Objects the connector serves, including those not offered for pairing.
ALL_OBJECTS: dict[str, ObjectSpec] = {
    o.name: o for o in (*SPEC.objects, _with_record_page(LINE_ITEMS))}


def object_spec(name: str) -> ObjectSpec:
    try:
        return ALL_OBJECTS[name]
    except KeyError:
        raise KeyError(f"hubspot has no object {name!r}") from None


def modified_property(object_name: str) -> str:
    """The last-modified property search filters on: contacts keep the legacy name.
    https://developers.hubspot.com/docs/api/crm/search#crm-objects"""
    return "lastmodifieddate" if object_name == "contacts" else "hs_lastmodifieddate"
