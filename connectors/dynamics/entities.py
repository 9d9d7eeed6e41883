"""What the connector must know about a Dataverse table beyond its ObjectSpec.

The ObjectSpec (named after the table's entity set: "contacts") is what the
product shows; an Entity adds the Dataverse names the Web API needs: the
logical name (for metadata), the primary key column, and the lookups through
which the table associates to others.
"""

from dataclasses import dataclass

from connectors.dynamics.batch import MAX_REQUESTS
from connectors.sdk import AssociationSpec, Capabilities, Field, ObjectSpec
from connectors.sdk import FieldType as T
from connectors.sdk.text import _


@dataclass(frozen=True)
class Lookup:
    """A single-valued lookup column and how to bind it to each target table.

    Reading: the Web API returns `_<attribute>_value`, with the target table in the
    `Microsoft.Dynamics.CRM.lookuplogicalname` annotation (polymorphic lookups such
    as `regardingobjectid` point at several tables). Writing: a navigation property
    per target, e.g. `parentcustomerid_account@odata.bind: "/accounts(<id>)"`.
    https://learn.microsoft.com/power-apps/developer/data-platform/webapi/associate-disassociate-entities-using-web-api
    """

    attribute: str
    # target entity set -> (target logical name, navigation property to bind)
    targets: dict[str, tuple[str, str]]

    @property
    def value_key(self) -> str:
        return f"_{self.attribute}_value"


@dataclass(frozen=True)
class Entity:
    spec: ObjectSpec
    logical_name: str
    primary_id: str
    lookups: tuple[Lookup, ...] = ()
    # Some system tables (annotation) cannot take custom columns: their
    # EntityMetadata has CanCreateAttributes = false.
    customizable: bool = True

    @property
    def set_name(self) -> str:
        return self.spec.name

    def lookup_to(self, to_object: str) -> Lookup | None:
        return next((lk for lk in self.lookups if to_object in lk.targets), None)


def lookup(attribute: str, **targets: tuple[str, str]) -> Lookup:
    return Lookup(attribute, dict(targets))


def associations(*lookups: Lookup, labels: dict[str, str]) -> tuple[AssociationSpec, ...]:
    """The AssociationSpecs an Entity's lookups give, one per target table."""
    return tuple(
        AssociationSpec(to_object=target, label=labels[target], via_field=lk.attribute)
        for lk in lookups for target in lk.targets
    )


LABELS = {"accounts": _("Account"), "contacts": _("Contact"), "opportunities": _("Opportunity")}


def regarding(activity: str) -> Lookup:
    """An activity's polymorphic "Regarding" lookup (regardingobjectid).

    Its navigation properties carry the activity's own name:
    `regardingobjectid_contact_phonecall`, `regardingobjectid_account_task`, …
    """
    return lookup(
        "regardingobjectid",
        contacts=("contact", f"regardingobjectid_contact_{activity}"),
        accounts=("account", f"regardingobjectid_account_{activity}"),
        opportunities=("opportunity", f"regardingobjectid_opportunity_{activity}"),
    )


# Change tracking gives changes and deletions through one delta link; $batch
# takes up to 1,000 requests and counts as one against the 6,000 per 5 minutes,
# so full batches spend the fewest requests per record.
# https://learn.microsoft.com/power-apps/developer/data-platform/webapi/execute-batch-operations-using-web-api
# Updates are conditional on the row's @odata.etag as read (If-Match): Dataverse
# answers a row changed since with 412, so a person's edit in Dynamics is never
# overwritten by a stale plan.
CAPABILITIES = Capabilities(
    incremental="change_token", deleted_records=True, batch_write=True,
    batch_size=MAX_REQUESTS, conditional_writes=True, webhooks=True,
)

SYSTEM_TIMES = (
    Field("createdon", _("Created on"), T.DATETIME, read_only=True),
    Field("modifiedon", _("Modified on"), T.DATETIME, read_only=True),
)

ADDRESS = (
    Field("address1_line1", _("Address 1: Street 1")),
    Field("address1_city", _("Address 1: City")),
    Field("address1_stateorprovince", _("Address 1: State/Province")),
    Field("address1_postalcode", _("Address 1: ZIP/Postal Code")),
    Field("address1_country", _("Address 1: Country/Region")),
)
