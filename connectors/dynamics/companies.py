"""Accounts: Dataverse's companies.

https://learn.microsoft.com/power-apps/developer/data-platform/reference/entities/account

Matching is by name only. An account has no domain column, only `websiteurl`,
and the product never matches on a website URL (see BEHAVIOR.md).
"""

from connectors.dynamics.entities import ADDRESS, CAPABILITIES, SYSTEM_TIMES, Entity
from connectors.sdk import Field, Mapping, ObjectSpec, Option
from connectors.sdk import FieldType as T

# The account table's standard "Industry" choice (industrycode).
INDUSTRIES = tuple(Option(str(n), label) for n, label in enumerate((
    "Accounting", "Agriculture and Non-petrol Natural Resource Extraction",
    "Broadcasting Printing and Publishing", "Brokers", "Building Supply Retail",
    "Business Services", "Consulting", "Consumer Services",
    "Design, Direction and Creative Management", "Distributors, Dispatchers and Processors",
    "Doctor's Offices and Clinics", "Durable Manufacturing", "Eating and Drinking Places",
    "Entertainment Retail", "Equipment Rental and Leasing", "Financial",
    "Food and Tobacco Processing", "Inbound Capital Intensive Processing",
    "Inbound Repair and Services", "Insurance", "Legal Services",
    "Non-Durable Merchandise Retail", "Outbound Consumer Service",
    "Petrochemical Extraction and Distribution", "Service Retail", "SIG Affiliations",
    "Social Services", "Special Outbound Trade Contractors", "Specialty Realty",
    "Transportation", "Utility Creation and Distribution", "Vehicle Retail", "Wholesale",
), start=1))

ACCOUNTS = Entity(
    spec=ObjectSpec(
        name="accounts",
        label="Accounts",
        hub_object="company",
        fields=(
            Field("name", "Account Name"),
            Field("accountnumber", "Account Number"),
            Field("websiteurl", "Website", T.URL),
            Field("telephone1", "Main Phone", T.PHONE),
            Field("emailaddress1", "Email", T.EMAIL),
            # Dataverse's industry list does not line up with the hub's, so the
            # choice is offered for custom mappings only.
            Field("industrycode", "Industry", T.ENUMERATION, options=INDUSTRIES),
            Field("numberofemployees", "Number of Employees", T.NUMBER),
            Field("revenue", "Annual Revenue", T.NUMBER),
            *ADDRESS,
            Field("description", "Description", T.TEXTAREA),
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
