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
from connectors.sdk.text import _, pgettext

PERSON = (
    Field("emailaddress1", _("Email"), T.EMAIL),
    Field("firstname", _("First Name")),
    Field("lastname", _("Last Name")),
    Field("telephone1", _("Business Phone"), T.PHONE),
    Field("mobilephone", _("Mobile Phone"), T.PHONE),
    Field("jobtitle", _("Job Title")),
    Field("websiteurl", _("Website"), T.URL),
    *ADDRESS,
    Field("description", _("Description"), T.TEXTAREA),
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

CONTACT_METHODS = (Option("1", _("Any")), Option("2", _("Email")), Option("3", _("Phone")),
                   Option("4", _("Fax")), Option("5", _("Mail")))

_CONTACT_COMPANY = lookup("parentcustomerid", accounts=("account", "parentcustomerid_account"))

CONTACTS = Entity(
    spec=ObjectSpec(
        name="contacts",
        label=_("Contacts"),
        hub_object="contact",
        fields=(
            *PERSON,
            Field("fullname", _("Full Name"), read_only=True),
            Field("birthdate", _("Birthday"), T.DATE),
            Field("donotemail", _("Do not allow Emails"), T.BOOLEAN),
            Field("donotbulkemail", _("Do not allow Bulk Emails"), T.BOOLEAN),
            Field("preferredcontactmethodcode", _("Preferred Method of Contact"), T.ENUMERATION,
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
    _("Advertisement"), _("Employee Referral"), _("External Referral"), _("Partner"),
    _("Public Relations"),
    _("Seminar"), _("Trade Show"), _("Web"), _("Word of Mouth"), _("Other")), start=1))

_LEAD_ACCOUNT = lookup("parentaccountid", accounts=("account", "parentaccountid"))
_LEAD_CONTACT = lookup("parentcontactid", contacts=("contact", "parentcontactid"))

LEADS = Entity(
    spec=ObjectSpec(
        name="leads",
        label=pgettext("dynamics", "Leads"),
        hub_object="lead",
        fields=(
            Field("subject", _("Topic")),
            *PERSON,
            Field("companyname", _("Company Name")),
            Field("fullname", _("Name"), read_only=True),
            Field("leadsourcecode", _("Lead Source"), T.ENUMERATION, options=LEAD_SOURCES),
            Field("leadqualitycode", _("Rating"), T.ENUMERATION,
                  options=(Option("1", _("Hot")), Option("2", _("Warm")), Option("3", _("Cold")))),
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
