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

# A case has one customer, an account or a contact (a polymorphic lookup).
_CUSTOMER = lookup(
    "customerid",
    accounts=("account", "customerid_account"),
    contacts=("contact", "customerid_contact"),
)

INCIDENTS = Entity(
    spec=ObjectSpec(
        name="incidents",
        label="Cases",
        hub_object="ticket",
        fields=(
            Field("title", "Case Title"),
            Field("ticketnumber", "Case Number", read_only=True),
            Field("description", "Description", T.TEXTAREA),
            Field("prioritycode", "Priority", T.ENUMERATION, options=(
                Option("1", "High"), Option("2", "Normal"), Option("3", "Low"))),
            Field("caseorigincode", "Origin", T.ENUMERATION, options=(
                Option("1", "Phone"), Option("2", "Email"), Option("3", "Web"))),
            Field("casetypecode", "Case Type", T.ENUMERATION, options=(
                Option("1", "Question"), Option("2", "Problem"), Option("3", "Request"))),
            # Resolving a case is the CloseIncident action, not a PATCH.
            Field("statecode", "Status", T.ENUMERATION, read_only=True, options=(
                Option("0", "Active"), Option("1", "Resolved"), Option("2", "Cancelled"))),
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
