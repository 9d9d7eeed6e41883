"""DESIGN.md's "Matching" table, declared once: which identifiers match each hub object.

Everything that speaks of identifiers reads it: the hub's indexed identifier columns
(crm/services.py), matching's rules (syncs/configure.build_config, hence every run and
the dry run), Review's shared values, the wizard's table and summary, and the health
pages' table. A connector declares which of its fields carry each identifier, by the
identifier's `key` (connectors.sdk.ObjectSpec.identifiers).
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy, gettext_noop

from syncapp.crm.identifiers import NORMALIZERS


@dataclass(frozen=True)
class Identifier:
    key: str  # how a connector names it in ObjectSpec.identifiers
    hub_property: str
    column: str  # the indexed Record column holding its normalised value
    normalizer: str  # a key of crm.identifiers.NORMALIZERS
    # How a record's history names it ("matched by company domain …"), in English:
    # pages translate it (syncs/match_words.py).
    label: str
    # DESIGN: the company domain matches only while the hub's domain property is mapped
    # as a default mapping.
    only_while_default_mapping: bool = False

    def normalize(self, raw: str | None) -> str | None:
        return NORMALIZERS[self.normalizer](raw)


EMAIL = Identifier("email", "email", "email_key", "email", gettext_noop("email"))
COMPANY_NAME = Identifier("name", "name", "name_key", "name", gettext_noop("name"))
DOMAIN = Identifier("domain", "domain", "domain_key", "domain", gettext_noop("company domain"),
                    only_while_default_mapping=True)
SKU = Identifier("sku", "hs_sku", "sku_key", "sku", gettext_noop("SKU"))
PRODUCT_NAME = Identifier("name", "name", "name_key", "name", gettext_noop("name"))

Groups = tuple[tuple[Identifier, ...], ...]


@dataclass(frozen=True)
class Row:
    """One row of the table: hub objects, the groups of identifiers tried in order (the
    identifiers of one group are asked together: either equal is a match), and how the
    screens word them."""

    hub_objects: tuple[str, ...]
    label: Promise  # the hub objects, as the table's first column
    groups: Groups
    words: Promise  # the identifiers, as the table's second column
    in_a_sentence: Promise | None = None  # "records are matched by …"


NO_IDENTIFIER = gettext_lazy("No specific identifier")
TABLE = (
    Row(("contact", "lead"), gettext_lazy("Contacts or leads"), ((EMAIL,),),
        gettext_lazy("Email address"), gettext_lazy("email address")),
    Row(("company",), gettext_lazy("Companies"), ((COMPANY_NAME, DOMAIN),),
        gettext_lazy("Company name or company domain name (the domain only while it is a "
                     "default mapping; never the website URL)"),
        gettext_lazy("company name or company domain")),
    Row(("product",), gettext_lazy("Products"), ((SKU,), (PRODUCT_NAME,)),
        gettext_lazy("SKU, else product name"), gettext_lazy("SKU, else product name")),
    Row(("deal",), gettext_lazy("Deals"), (), NO_IDENTIFIER),
    Row(("invoice",), gettext_lazy("Invoices"), (), NO_IDENTIFIER),
    Row(("ticket",), gettext_lazy("Tickets"), (), NO_IDENTIFIER),
    Row(("call", "email", "task", "note", "meeting"),
        gettext_lazy("Activities (calls, emails, tasks, notes, meetings)"), (), NO_IDENTIFIER),
)
_ROWS = {hub_object: row for row in TABLE for hub_object in row.hub_objects}
# Every indexed identifier column a record has, whatever its object type.
IDENTIFIER_COLUMNS = tuple(dict.fromkeys(
    i.column for row in TABLE for group in row.groups for i in group))


def groups_of(hub_object: str) -> Groups:
    """The groups of identifiers `hub_object` matches by, in the order they are tried."""
    row = _ROWS.get(hub_object)
    return row.groups if row else ()


def identifiers_of(hub_object: str) -> tuple[Identifier, ...]:
    return tuple(i for group in groups_of(hub_object) for i in group)


def has_identifier(hub_object: str) -> bool:
    return bool(groups_of(hub_object))


def by_property(hub_object: str, hub_property: str) -> Identifier | None:
    return next((i for i in identifiers_of(hub_object) if i.hub_property == hub_property),
                None)


def in_a_sentence(hub_object: str) -> Promise | None:
    """The object's identifiers as a sentence names them; None: it has none."""
    row = _ROWS.get(hub_object)
    return row.in_a_sentence if row else None
