"""What the Pipedrive connector declares: listing, OAuth, objects, fields and mappings.

Field names are the vendor's own; nested structures are flattened (the primary
email is `email`, `postal_address.locality` is `postal_address_locality`).
"""

from connectors.sdk.spec import (
    AssociationSpec,
    Capabilities,
    ConnectorSpec,
    Field,
    FieldType,
    Mapping,
    OAuth2Spec,
    ObjectSpec,
    Option,
    RateLimit,
)
from connectors.sdk.text import _, pgettext

T = FieldType

LOGO = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" role="img"
aria-label="Pipedrive"><rect width="64" height="64" rx="14" fill="#017737"/>
<circle cx="34" cy="27" r="11" fill="none" stroke="#fff" stroke-width="6"/>
<path d="M23 27v22" stroke="#fff" stroke-width="6" stroke-linecap="round"/></svg>"""

# Every object can be read incrementally by update time, and its deletions are
# listed by /v1/recents. Pipedrive has no batch endpoints: one call per record. No
# conditional_writes: Pipedrive's API has no precondition on an update (no ETag or
# If-Match), so an edit made there after our read is overwritten by the last write.
# 40 a second is the budget's steady pace; at up to 300 ms a request that needs 12 in
# flight (the client's shared limiter keeps the pace).
CAPABILITIES = Capabilities(
    incremental="modified_time", deleted_records=True, batch_write=False, webhooks=True,
    concurrent_requests=12,
)


def _stamps() -> tuple[Field, ...]:
    return (
        Field("add_time", _("Created"), T.DATETIME, read_only=True),
        Field("update_time", _("Last updated"), T.DATETIME, read_only=True),
    )


def _address(prefix: str) -> tuple[Field, ...]:
    return (
        Field(prefix, _("Address")),
        Field(f"{prefix}_locality", _("City")),
        Field(f"{prefix}_admin_area_level_1", _("State/region")),
        Field(f"{prefix}_postal_code", _("Postal code")),
        Field(f"{prefix}_country", _("Country")),
    )


def _options(*pairs: tuple[str, str]) -> tuple[Option, ...]:
    return tuple(Option(value, label) for value, label in pairs)


def _link(to_object: str, label: str, via: str) -> AssociationSpec:
    return AssociationSpec(to_object=to_object, label=label, via_field=via)


PERSONS = ObjectSpec(
    record_page="/person/{id}",
    name="persons",
    label=_("Persons"),
    hub_object="contact",
    fields=(
        # Pipedrive requires a name; a write composes it from first and last name.
        Field("name", _("Name")),
        Field("first_name", _("First name")),
        Field("last_name", _("Last name")),
        Field("email", _("Email"), T.EMAIL),
        Field("phone", _("Phone"), T.PHONE),
        Field("job_title", _("Job title")),
        Field("birthday", _("Birthday"), T.DATE),
        *_address("postal_address"),
        Field("org_id", _("Organization"), T.REFERENCE),
        Field("owner_id", _("Owner"), T.OWNER),
        *_stamps(),
    ),
    identifiers=(("email", "email"),),
    default_mappings=(
        Mapping("email", "email", required=True),
        Mapping("first_name", "firstname"),
        Mapping("last_name", "lastname"),
        Mapping("phone", "phone"),
        Mapping("job_title", "jobtitle"),
        Mapping("birthday", "date_of_birth"),
        Mapping("postal_address", "address"),
        Mapping("postal_address_locality", "city"),
        Mapping("postal_address_admin_area_level_1", "state"),
        Mapping("postal_address_postal_code", "zip"),
        Mapping("postal_address_country", "country"),
    ),
    capabilities=CAPABILITIES,
    associations=(_link("organizations", _("Organization"), "org_id"),),
)

ORGANIZATIONS = ObjectSpec(
    record_page="/organization/{id}",
    name="organizations",
    label=_("Organizations"),
    hub_object="company",
    fields=(
        Field("name", _("Name"), required=True),
        *_address("address"),
        Field("website", _("Website"), T.URL),
        Field("linkedin", _("LinkedIn profile"), T.URL),
        # Option ids of the company's own Industry field, hence no static options.
        Field("industry", _("Industry"), T.ENUMERATION),
        Field("annual_revenue", _("Annual revenue"), T.NUMBER),
        Field("employee_count", _("Number of employees"), T.NUMBER),
        Field("owner_id", _("Owner"), T.OWNER),
        *_stamps(),
    ),
    # Pipedrive has no domain field: companies match on name only.
    identifiers=(("name", "name"),),
    default_mappings=(
        Mapping("name", "name", required=True),
        Mapping("address", "address"),
        Mapping("address_locality", "city"),
        Mapping("address_country", "country"),
        Mapping("website", "website"),
        Mapping("annual_revenue", "annualrevenue"),
        Mapping("employee_count", "numberofemployees"),
    ),
    capabilities=CAPABILITIES,
)

DEALS = ObjectSpec(
    record_page="/deal/{id}",
    name="deals",
    label=_("Deals"),
    hub_object="deal",
    fields=(
        Field("title", _("Title"), required=True),
        Field("value", _("Value"), T.NUMBER),
        Field("currency", _("Currency")),
        Field("status", _("Status"), T.ENUMERATION, options=_options(
            ("open", _("Open")), ("won", _("Won")), ("lost", _("Lost")))),
        Field("stage_id", _("Stage ID"), T.NUMBER),
        Field("pipeline_id", _("Pipeline ID"), T.NUMBER),
        Field("probability", _("Probability"), T.NUMBER),
        Field("expected_close_date", _("Expected close date"), T.DATE),
        Field("lost_reason", _("Lost reason")),
        Field("close_time", _("Closed on"), T.DATETIME, read_only=True),
        Field("won_time", _("Won on"), T.DATETIME, read_only=True),
        Field("lost_time", _("Lost on"), T.DATETIME, read_only=True),
        Field("person_id", _("Contact person"), T.REFERENCE),
        Field("org_id", _("Organization"), T.REFERENCE),
        Field("owner_id", _("Owner"), T.OWNER),
        *_stamps(),
    ),
    default_mappings=(
        Mapping("title", "dealname", required=True),
        Mapping("value", "amount"),
        Mapping("expected_close_date", "closedate"),
    ),
    capabilities=CAPABILITIES,
    associations=(
        _link("organizations", _("Organization"), "org_id"),
        _link("persons", _("Contact person"), "person_id"),
    ),
)

PRODUCTS = ObjectSpec(
    record_page="/product/{id}",
    name="products",
    label=_("Products"),
    hub_object="product",
    fields=(
        Field("name", _("Name"), required=True),
        Field("code", _("Product code")),
        Field("description", _("Description"), T.TEXTAREA),
        Field("unit", _("Unit")),
        Field("tax", _("Tax %"), T.NUMBER),
        Field("price", _("Unit price"), T.NUMBER),
        Field("cost", _("Unit cost"), T.NUMBER),
        Field("currency", _("Price currency")),
        Field("billing_frequency", _("Billing frequency"), T.ENUMERATION, options=_options(
            ("one-time", _("One time")), ("annually", _("Annually")),
            ("semi-annually", _("Semi annually")), ("quarterly", _("Quarterly")),
            ("monthly", _("Monthly")), ("weekly", _("Weekly")))),
        Field("owner_id", _("Owner"), T.OWNER),
        *_stamps(),
    ),
    identifiers=(("sku", "code"), ("name", "name")),  # the product code is the SKU
    default_mappings=(
        Mapping("name", "name", required=True),
        Mapping("code", "hs_sku"),
        Mapping("description", "description"),
        Mapping("price", "price"),
        Mapping("cost", "hs_cost_of_goods_sold"),
    ),
    capabilities=CAPABILITIES,
)

ACTIVITIES = ObjectSpec(
    name="activities",
    label=_("Activities"),
    hub_object="task",  # see activities.py for why tasks
    fields=(
        Field("subject", _("Subject")),
        Field("type", _("Type"), T.ENUMERATION, options=_options(
            ("call", _("Call")), ("meeting", _("Meeting")), ("task", _("Task")),
            ("deadline", _("Deadline")), ("email", _("Email")), ("lunch", _("Lunch")))),
        Field("due_at", _("Due"), T.DATETIME),
        Field("duration", _("Duration (HH:MM)")),
        Field("done", _("Done"), T.BOOLEAN),
        Field("busy", _("Busy"), T.BOOLEAN),
        Field("note", _("Note"), T.TEXTAREA),
        Field("public_description", _("Public description"), T.TEXTAREA),
        Field("location", _("Location")),
        Field("priority", _("Priority"), T.NUMBER),
        Field("marked_as_done_time", _("Marked as done"), T.DATETIME, read_only=True),
        Field("person_id", _("Person"), T.REFERENCE),
        Field("org_id", _("Organization"), T.REFERENCE),
        Field("deal_id", _("Deal"), T.REFERENCE),
        Field("owner_id", _("Assigned to"), T.OWNER),
        *_stamps(),
    ),
    default_mappings=(
        Mapping("subject", "hs_task_subject"),
        Mapping("note", "hs_task_body"),
        Mapping("due_at", "hs_timestamp"),
    ),
    capabilities=CAPABILITIES,
    associations=(
        _link("persons", _("Person"), "person_id"),
        _link("organizations", _("Organization"), "org_id"),
        _link("deals", _("Deal"), "deal_id"),
    ),
)

NOTES = ObjectSpec(
    name="notes",
    label=pgettext("pipedrive", "Notes"),
    hub_object="note",
    fields=(
        Field("content", _("Content"), T.TEXTAREA, required=True),
        Field("add_time", _("Date"), T.DATETIME),
        Field("person_id", _("Person"), T.REFERENCE),
        Field("org_id", _("Organization"), T.REFERENCE),
        Field("deal_id", _("Deal"), T.REFERENCE),
        Field("lead_id", _("Lead")),
        Field("user_id", _("Author"), T.OWNER),
        Field("update_time", _("Last updated"), T.DATETIME, read_only=True),
    ),
    default_mappings=(
        Mapping("content", "hs_note_body", required=True),
        Mapping("add_time", "hs_timestamp"),
    ),
    capabilities=CAPABILITIES,
    associations=(
        _link("persons", _("Person"), "person_id"),
        _link("organizations", _("Organization"), "org_id"),
        _link("deals", _("Deal"), "deal_id"),
    ),
)

SPEC = ConnectorSpec(
    key="pipedrive",
    # The company's own host serves both the API and the web app, where a record's
    # page is /person/123, /organization/4, /deal/5, /product/6.
    web_app="{api_domain}",
    name="Pipedrive",
    tagline=_("Keep persons, organizations, deals and activities in step with Pipedrive."),
    description=_(
        "Two-way sync between the hub and a Pipedrive company: persons with contacts, "
        "organizations with companies, deals, products, activities (as tasks) and notes, "
        "with their custom fields. Changes are read by update time; deletions are "
        "picked up from Pipedrive's recent changes."
    ),
    logo=LOGO,
    auth=OAuth2Spec(
        authorize_url="https://oauth.pipedrive.com/oauth/authorize",
        token_url="https://oauth.pipedrive.com/oauth/token",  # noqa: S106 - a URL
        revoke_url="https://oauth.pipedrive.com/oauth/revoke",
        # Scopes are chosen on the app in Pipedrive's Developer Hub; these are the
        # ones it needs (admin: webhooks). Pipedrive documents no PKCE.
        scopes=("base", "contacts:full", "deals:full", "products:full", "activities:full",
                "recents:read", "admin"),
        pkce=False,
    ),
    objects=(PERSONS, ORGANIZATIONS, DEALS, PRODUCTS, ACTIVITIES, NOTES),
    # The smallest plan's burst limit for OAuth apps: 80 requests per 2 s per token.
    rate_limit=RateLimit(requests=80, per_seconds=2),
    docs_url="https://developers.pipedrive.com/docs/api/v1",
)
