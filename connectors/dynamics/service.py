"""Incidents (cases): Dynamics 365 Customer Service tickets.

https://learn.microsoft.com/dynamics365/developer/reference/entities/incident
"""

from connectors.dynamics.entities import (
    CAPABILITIES,
    LABELS,
    SYSTEM_TIMES,
    Entity,
    associations,
    lookup,
)
from connectors.sdk import Field, Mapping, ObjectSpec, Option
from connectors.sdk import FieldType as T
from connectors.sdk.text import _

# A case has one customer, an account or a contact (a polymorphic lookup).
_CUSTOMER = lookup(
    "customerid",
    accounts=("account", "customerid_account"),
    contacts=("contact", "customerid_contact"),
)

INCIDENTS = Entity(
    spec=ObjectSpec(
        name="incidents",
        label=_("Cases"),
        hub_object="ticket",
        fields=(
            Field("title", _("Case Title")),
            Field("ticketnumber", _("Case Number"), read_only=True),
            Field("description", _("Description"), T.TEXTAREA),
            Field("prioritycode", _("Priority"), T.ENUMERATION, options=(
                Option("1", _("High")), Option("2", _("Normal")), Option("3", _("Low")))),
            Field("caseorigincode", _("Origin"), T.ENUMERATION, options=(
                Option("1", _("Phone")), Option("2", _("Email")), Option("3", _("Web")))),
            Field("casetypecode", _("Case Type"), T.ENUMERATION, options=(
                Option("1", _("Question")), Option("2", _("Problem")), Option("3", _("Request")))),
            # Resolving a case is the CloseIncident action, not a PATCH.
            Field("statecode", _("Status"), T.ENUMERATION, read_only=True, options=(
                Option("0", _("Active")), Option("1", _("Resolved")), Option("2", _("Cancelled")))),
            *SYSTEM_TIMES,
        ),
        default_mappings=(
            Mapping("title", "subject", required=True),
            Mapping("description", "content"),
        ),
        capabilities=CAPABILITIES,
        associations=associations(_CUSTOMER, labels=LABELS),
    ),
    logical_name="incident",
    primary_id="incidentid",
    lookups=(_CUSTOMER,),
)
