"""What the Zoho CRM connector declares: listing, OAuth, modules, fields and mappings.

Field names are Zoho's own API names (`Last_Name`, `Account_Name`); a lookup or an
owner is flattened to the other record's id. Custom fields come from
`GET /crm/v8/settings/fields?module=…` at run time (connector.discover_fields).
https://www.zoho.com/crm/developer/docs/api/v8/field-meta.html
"""

from connectors.sdk.spec import (
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

# An original mark: four tilted tiles in Zoho's four colours; not Zoho's logo.
LOGO = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" role="img"
aria-label="Zoho CRM"><rect width="64" height="64" rx="14" fill="#ffffff"/>
<rect x="8" y="20" width="11" height="22" rx="2" fill="#E42527" transform="rotate(-8 13 31)"/>
<rect x="21" y="18" width="11" height="24" rx="2" fill="#089949" transform="rotate(6 26 30)"/>
<rect x="34" y="20" width="11" height="22" rx="2" fill="#226DB4" transform="rotate(-6 39 31)"/>
<rect x="47" y="19" width="10" height="23" rx="2" fill="#F9B21D" transform="rotate(8 52 30)"/>
<path d="M8 50h48" stroke="#226DB4" stroke-width="3" stroke-linecap="round"/></svg>"""

# Every module is read by Modified_Time (If-Modified-Since) and lists its deletions
# (/deleted); writes take up to 100 records a request with an outcome per record.
# No conditional_writes: Zoho's record update has no precondition (no ETag).
CAPABILITIES = Capabilities(
    incremental="modified_time", deleted_records=True, batch_write=True, batch_size=100,
    concurrent_requests=2,
)


def _stamps() -> tuple[Field, ...]:
    return (
        Field("Created_Time", _("Created"), T.DATETIME, read_only=True),
        Field("Modified_Time", _("Last updated"), T.DATETIME, read_only=True),
        Field("Owner", _("Owner"), T.OWNER),
    )


def _options(*pairs: tuple[str, str]) -> tuple[Option, ...]:
    return tuple(Option(value, label) for value, label in pairs)


LEAD_SOURCES = _options(
    ("Advertisement", _("Advertisement")), ("Cold Call", _("Cold call")),
    ("Employee Referral", _("Employee referral")), ("Online Store", _("Online store")),
    ("Partner", _("Partner")), ("Trade Show", _("Trade show")), ("Web Download", _("Web download")),
)


def _person(street: str, zip_code: str) -> tuple[Field, ...]:
    prefix = "Mailing_" if street.startswith("Mailing") else ""
    return (
        Field("First_Name", _("First name")),
        Field("Last_Name", _("Last name"), required=True),
        Field("Email", _("Email"), T.EMAIL),
        Field("Phone", _("Phone"), T.PHONE),
        Field("Mobile", _("Mobile"), T.PHONE),
        Field(street, _("Street")),
        Field(f"{prefix}City", _("City")),
        Field(f"{prefix}State", _("State")),
        Field(zip_code, _("Postal code")),
        Field(f"{prefix}Country", _("Country")),
        Field("Lead_Source", _("Lead source"), T.ENUMERATION, options=LEAD_SOURCES),
        Field("Description", _("Description"), T.TEXTAREA),
    )


def _person_mappings(street: str, zip_code: str) -> tuple[Mapping, ...]:
    prefix = "Mailing_" if street.startswith("Mailing") else ""
    return (
        Mapping("Email", "email"), Mapping("First_Name", "firstname"),
        Mapping("Last_Name", "lastname", required=True), Mapping("Phone", "phone"),
        Mapping("Mobile", "mobilephone"), Mapping(street, "address"),
        Mapping(f"{prefix}City", "city"), Mapping(f"{prefix}State", "state"),
        Mapping(zip_code, "zip"), Mapping(f"{prefix}Country", "country"),
    )


CONTACTS = ObjectSpec(
    name="Contacts", label=pgettext("zoho", "Contacts"), hub_object="contact",
    fields=(
        *_person("Mailing_Street", "Mailing_Zip"),
        Field("Title", _("Title")),
        Field("Account_Name", _("Account name"), T.REFERENCE),
        Field("Date_of_Birth", _("Date of birth"), T.DATE),
        Field("Email_Opt_Out", _("Email opt out"), T.BOOLEAN),
        *_stamps(),
    ),
    identifiers=(("email", "Email"),),
    default_mappings=(
        *_person_mappings("Mailing_Street", "Mailing_Zip"), Mapping("Title", "jobtitle"),
        Mapping("Date_of_Birth", "date_of_birth"), Mapping("Email_Opt_Out", "hs_email_optout"),
    ),
    capabilities=CAPABILITIES, record_page="/crm/org{org_id}/tab/Contacts/{id}",
)

LEADS = ObjectSpec(
    name="Leads", label=pgettext("zoho", "Leads"), hub_object="lead",
    fields=(
        *_person("Street", "Zip_Code"),
        Field("Company", _("Company"), required=True),
        Field("Designation", _("Title")),
        Field("Website", _("Website"), T.URL),
        Field("Lead_Status", _("Lead status"), T.ENUMERATION, options=_options(
            ("Not Contacted", _("Not contacted")), ("Attempted to Contact",
             _("Attempted to contact")), ("Contacted", _("Contacted")),
            ("Junk Lead", _("Junk lead")), ("Lost Lead", _("Lost lead")),
            ("Pre-Qualified", _("Pre-qualified")))),
        *_stamps(),
    ),
    identifiers=(("email", "Email"),),
    default_mappings=(
        *_person_mappings("Street", "Zip_Code"), Mapping("Company", "company", required=True),
        Mapping("Designation", "jobtitle"), Mapping("Website", "website"),
    ),
    capabilities=CAPABILITIES, record_page="/crm/org{org_id}/tab/Leads/{id}",
)

ACCOUNTS = ObjectSpec(
    name="Accounts", label=pgettext("zoho", "Accounts"), hub_object="company",
    fields=(
        Field("Account_Name", _("Account name"), required=True),
        Field("Website", _("Website"), T.URL),
        Field("Phone", _("Phone"), T.PHONE),
        Field("Industry", _("Industry"), T.ENUMERATION, options=_options(
            ("Technology", _("Technology")), ("Retail", _("Retail")),
            ("Manufacturing", _("Manufacturing")), ("Education", _("Education")),
            ("Financial Services", _("Financial services")))),
        Field("Employees", _("Employees"), T.NUMBER),
        Field("Annual_Revenue", _("Annual revenue"), T.NUMBER),
        Field("Billing_Street", _("Billing street")),
        Field("Billing_City", _("Billing city")),
        Field("Billing_Country", _("Billing country")),
        Field("Description", _("Description"), T.TEXTAREA),
        *_stamps(),
    ),
    identifiers=(("name", "Account_Name"),),
    default_mappings=(
        Mapping("Account_Name", "name", required=True), Mapping("Website", "website"),
        Mapping("Phone", "phone"), Mapping("Employees", "numberofemployees"),
        Mapping("Annual_Revenue", "annualrevenue"), Mapping("Billing_Street", "address"),
        Mapping("Billing_City", "city"), Mapping("Billing_Country", "country"),
        Mapping("Description", "description"),
    ),
    capabilities=CAPABILITIES, record_page="/crm/org{org_id}/tab/Accounts/{id}",
)

STAGES = _options(
    ("Qualification", _("Qualification")), ("Needs Analysis", _("Needs analysis")),
    ("Proposal/Price Quote", _("Proposal/price quote")),
    ("Negotiation/Review", _("Negotiation/review")), ("Closed Won", _("Closed won")),
    ("Closed Lost", _("Closed lost")),
)

DEALS = ObjectSpec(
    name="Deals", label=pgettext("zoho", "Deals"), hub_object="deal",
    fields=(
        Field("Deal_Name", _("Deal name"), required=True),
        Field("Amount", _("Amount"), T.NUMBER),
        # Zoho requires a stage; a deal created without one starts at the first stage of
        # the standard pipeline (writes.CREATE_DEFAULTS).
        Field("Stage", _("Stage"), T.ENUMERATION, required=True, options=STAGES),
        Field("Closing_Date", _("Closing date"), T.DATE),
        Field("Account_Name", _("Account name"), T.REFERENCE),
        Field("Contact_Name", _("Contact name"), T.REFERENCE),
        Field("Description", _("Description"), T.TEXTAREA),
        *_stamps(),
    ),
    default_mappings=(
        Mapping("Deal_Name", "dealname", required=True), Mapping("Amount", "amount"),
        Mapping("Closing_Date", "closedate"), Mapping("Description", "description"),
    ),
    capabilities=CAPABILITIES, record_page="/crm/org{org_id}/tab/Potentials/{id}",
)

PRODUCTS = ObjectSpec(
    name="Products", label=pgettext("zoho", "Products"), hub_object="product",
    fields=(
        Field("Product_Name", _("Product name"), required=True),
        Field("Product_Code", _("Product code")),
        Field("Unit_Price", _("Unit price"), T.NUMBER),
        Field("Product_Active", _("Product active"), T.BOOLEAN),
        Field("Description", _("Description"), T.TEXTAREA),
        *_stamps(),
    ),
    identifiers=(("sku", "Product_Code"), ("name", "Product_Name")),
    default_mappings=(
        Mapping("Product_Name", "name", required=True), Mapping("Product_Code", "hs_sku"),
        Mapping("Unit_Price", "price"), Mapping("Description", "description"),
    ),
    capabilities=CAPABILITIES, record_page="/crm/org{org_id}/tab/Products/{id}",
)

TASKS = ObjectSpec(
    name="Tasks", label=pgettext("zoho", "Tasks"), hub_object="task",
    fields=(
        Field("Subject", _("Subject"), required=True),
        Field("Due_Date", _("Due date"), T.DATE),
        Field("Status", _("Status"), T.ENUMERATION, options=_options(
            ("Not Started", _("Not started")), ("Deferred", _("Deferred")),
            ("In Progress", _("In progress")), ("Completed", _("Completed")),
            ("Waiting for input", _("Waiting for input")))),
        Field("Priority", _("Priority"), T.ENUMERATION, options=_options(
            ("Highest", _("Highest")), ("High", _("High")), ("Normal", _("Normal")),
            ("Low", _("Low")), ("Lowest", _("Lowest")))),
        Field("Description", _("Description"), T.TEXTAREA),
        *_stamps(),
    ),
    default_mappings=(
        Mapping("Subject", "hs_task_subject", required=True),
        Mapping("Description", "hs_task_body"),
    ),
    capabilities=CAPABILITIES, record_page="/crm/org{org_id}/tab/Tasks/{id}",
)

SCOPES = (
    "ZohoCRM.modules.contacts.ALL", "ZohoCRM.modules.leads.ALL",
    "ZohoCRM.modules.accounts.ALL", "ZohoCRM.modules.deals.ALL",
    "ZohoCRM.modules.products.ALL", "ZohoCRM.modules.tasks.ALL",
    "ZohoCRM.settings.fields.READ", "ZohoCRM.org.READ",
)

SPEC = ConnectorSpec(
    key="zoho",
    name="Zoho CRM",
    tagline=_("Keep contacts, leads, accounts and deals in step with Zoho CRM."),
    description=_(
        "Two-way sync between the hub and a Zoho CRM organization in any data centre: "
        "contacts, leads, accounts with companies, deals, products and tasks, with "
        "their custom fields. Changes are read by modification time, deletions from "
        "Zoho's deleted records, and writes go 100 records a request."
    ),
    logo=LOGO,
    # The data centre's web app (https://crm.zoho.eu); a record's page is
    # /crm/org<org id>/tab/<module>/<id> (Deals are Potentials there).
    web_app="{web_domain}",
    auth=OAuth2Spec(
        # Every organization starts consent at the US accounts server; Zoho sends the
        # person back with `location` and `accounts-server`, where the token lives
        # (connector.oauth_url). https://www.zoho.com/crm/developer/docs/api/v8/multi-dc.html
        authorize_url="https://accounts.zoho.com/oauth/v2/auth",
        token_url="https://accounts.zoho.com/oauth/v2/token",  # noqa: S106 - a URL
        revoke_url="https://accounts.zoho.com/oauth/v2/token/revoke",
        scopes=SCOPES,
        scope_separator=",",
        # offline: a refresh token; consent: a new one on every reconnect.
        authorize_params=(("access_type", "offline"), ("prompt", "consent")),
        token_endpoint_auth_method="client_secret_post",  # noqa: S106 - a method name
        revoke_style="query_token",
        header_scheme="Zoho-oauthtoken",
        # Zoho answers a used or revoked code or refresh token with invalid_code.
        reconnect_errors=("invalid_code",),
    ),
    objects=(CONTACTS, LEADS, ACCOUNTS, DEALS, PRODUCTS, TASKS),
    # Zoho counts API credits per day and limits concurrent calls per organization
    # (Enterprise: 20); 10 a second keeps well inside both.
    rate_limit=RateLimit(requests=10, per_seconds=1),
    docs_url="https://www.zoho.com/crm/developer/docs/api/v8/",
)
