"""Accounts: Dataverse's companies.

https://learn.microsoft.com/power-apps/developer/data-platform/reference/entities/account

Matching is by name only. An account has no domain column, only `websiteurl`,
and the product never matches on a website URL (see BEHAVIOR.md).
"""

from connectors.dynamics.entities import ADDRESS, CAPABILITIES, SYSTEM_TIMES, Entity
from connectors.sdk import Field, Mapping, ObjectSpec, Option
from connectors.sdk import FieldType as T
from connectors.sdk.text import _

# The account table's standard "Industry" choice (industrycode).
INDUSTRIES = tuple(Option(str(n), label) for n, label in enumerate((
    _("Accounting"), _("Agriculture and Non-petrol Natural Resource Extraction"),
    _("Broadcasting Printing and Publishing"), _("Brokers"), _("Building Supply Retail"),
    _("Business Services"), _("Consulting"), _("Consumer Services"),
    _("Design, Direction and Creative Management"), _("Distributors, Dispatchers and Processors"),
    _("Doctor's Offices and Clinics"), _("Durable Manufacturing"), _("Eating and Drinking Places"),
    _("Entertainment Retail"), _("Equipment Rental and Leasing"), _("Financial"),
    _("Food and Tobacco Processing"), _("Inbound Capital Intensive Processing"),
    _("Inbound Repair and Services"), _("Insurance"), _("Legal Services"),
    _("Non-Durable Merchandise Retail"), _("Outbound Consumer Service"),
    _("Petrochemical Extraction and Distribution"), _("Service Retail"), _("SIG Affiliations"),
    _("Social Services"), _("Special Outbound Trade Contractors"), _("Specialty Realty"),
    _("Transportation"), _("Utility Creation and Distribution"), _("Vehicle Retail"),
    _("Wholesale"),
), start=1))

ACCOUNTS = Entity(
    spec=ObjectSpec(
        name="accounts",
        label=_("Accounts"),
        hub_object="company",
        fields=(
            Field("name", _("Account Name")),
            Field("accountnumber", _("Account Number")),
            Field("websiteurl", _("Website"), T.URL),
            Field("telephone1", _("Main Phone"), T.PHONE),
            Field("emailaddress1", _("Email"), T.EMAIL),
            # Dataverse's industry list does not line up with the hub's, so the
            # choice is offered for custom mappings only.
            Field("industrycode", _("Industry"), T.ENUMERATION, options=INDUSTRIES),
            Field("numberofemployees", _("Number of Employees"), T.NUMBER),
            Field("revenue", _("Annual Revenue"), T.NUMBER),
            *ADDRESS,
            Field("description", _("Description"), T.TEXTAREA),
            *SYSTEM_TIMES,
        ),
        identifiers=(("name", "name"),),
        default_mappings=(
            Mapping("name", "name", required=True),
            Mapping("websiteurl", "website"),
            Mapping("telephone1", "phone"),
            Mapping("numberofemployees", "numberofemployees"),
            Mapping("revenue", "annualrevenue"),
            Mapping("address1_line1", "address"),
            Mapping("address1_city", "city"),
            Mapping("address1_country", "country"),
            Mapping("description", "description"),
        ),
        capabilities=CAPABILITIES,
    ),
    logical_name="account",
    primary_id="accountid",
)
