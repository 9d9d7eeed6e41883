"""Contacts and leads: Dataverse's people tables.

Column names are the tables' logical names, as the Web API uses them:
https://learn.microsoft.com/power-apps/developer/data-platform/reference/entities/contact
https://learn.microsoft.com/power-apps/developer/data-platform/reference/entities/lead
"""

from connectors.dynamics.entities import (
    ADDRESS,
    CAPABILITIES,
    LABELS,
    SYSTEM_TIMES,
    Entity,
    associations,
    lookup,
)
from connectors.sdk import Field, Mapping, ObjectSpec, Option
from connectors.sdk import FieldType as T

PERSON = (
    Field("emailaddress1", "Email", T.EMAIL),
    Field("firstname", "First Name"),
    Field("lastname", "Last Name"),
    Field("telephone1", "Business Phone", T.PHONE),
    Field("mobilephone", "Mobile Phone", T.PHONE),
    Field("jobtitle", "Job Title"),
    Field("websiteurl", "Website", T.URL),
    *ADDRESS,
    Field("description", "Description", T.TEXTAREA),
)

PERSON_MAPPINGS = (
    Mapping("emailaddress1", "email", required=True),
    Mapping("firstname", "firstname"),
    Mapping("lastname", "lastname"),
    Mapping("telephone1", "phone"),
    Mapping("mobilephone", "mobilephone"),
    Mapping("jobtitle", "jobtitle"),
    Mapping("websiteurl", "website"),
    Mapping("address1_line1", "address"),
    Mapping("address1_city", "city"),
    Mapping("address1_stateorprovince", "state"),
    Mapping("address1_postalcode", "zip"),
    Mapping("address1_country", "country"),
)

CONTACT_METHODS = (Option("1", "Any"), Option("2", "Email"), Option("3", "Phone"),
                   Option("4", "Fax"), Option("5", "Mail"))

_CONTACT_COMPANY = lookup("parentcustomerid", accounts=("account", "parentcustomerid_account"))

CONTACTS = Entity(
    spec=ObjectSpec(
        name="contacts",
        label="Contacts",
        hub_object="contact",
        fields=(
            *PERSON,
            Field("fullname", "Full Name", read_only=True),
            Field("birthdate", "Birthday", T.DATE),
            Field("donotemail", "Do not allow Emails", T.BOOLEAN),
            Field("donotbulkemail", "Do not allow Bulk Emails", T.BOOLEAN),
            Field("preferredcontactmethodcode", "Preferred Method of Contact", T.ENUMERATION,
                  options=CONTACT_METHODS),
            *SYSTEM_TIMES,
        ),
        identifiers=(("email", "emailaddress1"),),
        default_mappings=(
            *PERSON_MAPPINGS,
            Mapping("birthdate", "date_of_birth"),
            Mapping("donotemail", "hs_email_optout"),
        ),
        capabilities=CAPABILITIES,
        associations=associations(_CONTACT_COMPANY, labels=LABELS),
    ),
    logical_name="contact",
    primary_id="contactid",
    lookups=(_CONTACT_COMPANY,),
)

LEAD_SOURCES = tuple(Option(str(n), label) for n, label in enumerate((
    "Advertisement", "Employee Referral", "External Referral", "Partner", "Public Relations",
    "Seminar", "Trade Show", "Web", "Word of Mouth", "Other"), start=1))

_LEAD_ACCOUNT = lookup("parentaccountid", accounts=("account", "parentaccountid"))
_LEAD_CONTACT = lookup("parentcontactid", contacts=("contact", "parentcontactid"))

LEADS = Entity(
    spec=ObjectSpec(
        name="leads",
        label="Leads",
        hub_object="lead",
        fields=(
            Field("subject", "Topic"),
            *PERSON,
            Field("companyname", "Company Name"),
            Field("fullname", "Name", read_only=True),
            Field("leadsourcecode", "Lead Source", T.ENUMERATION, options=LEAD_SOURCES),
            Field("leadqualitycode", "Rating", T.ENUMERATION,
                  options=(Option("1", "Hot"), Option("2", "Warm"), Option("3", "Cold"))),
            *SYSTEM_TIMES,
        ),
        identifiers=(("email", "emailaddress1"),),
        default_mappings=(*PERSON_MAPPINGS, Mapping("companyname", "company")),
        capabilities=CAPABILITIES,
        associations=associations(_LEAD_ACCOUNT, _LEAD_CONTACT, labels=LABELS),
    ),
    logical_name="lead",
    primary_id="leadid",
    lookups=(_LEAD_ACCOUNT, _LEAD_CONTACT),
)
