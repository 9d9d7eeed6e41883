"""What the PostgreSQL connector declares, and the object one chosen table becomes.

The spec has no static objects: a connection reaches one table (or view) the admin
chose when connecting, described in the connection's account details (`account
["table"]`, see catalog.describe). `table_object` turns that description into the
ObjectSpec the wizard, the engine and the health pages see.
"""

from connectors.sdk.spec import (
    Capabilities,
    ConnectorSpec,
    Direction,
    DsnSpec,
    Field,
    FieldType,
    Mapping,
    ObjectSpec,
    RateLimit,
)
from connectors.sdk.text import _

T = FieldType

LOGO = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" role="img"
aria-label="PostgreSQL"><rect width="64" height="64" rx="14" fill="#336791"/>
<ellipse cx="32" cy="20" rx="16" ry="7" fill="none" stroke="#fff" stroke-width="4"/>
<path d="M16 20v24c0 4 7 7 16 7s16-3 16-7V20M16 32c0 4 7 7 16 7s16-3 16-7"
fill="none" stroke="#fff" stroke-width="4"/></svg>"""

SPEC = ConnectorSpec(
    key="postgres",
    name="PostgreSQL table",
    tagline=_("Keep a table of your own database in step with your CRM"),
    description=_(
        "Sync one table or view of your PostgreSQL database, such as users or accounts, "
        "with contacts, companies or any other object. Changes are read by the table's "
        "“updated at” column; writes use INSERT … ON CONFLICT. A view syncs one way, "
        "into Syncapp."
    ),
    logo=LOGO,
    auth=DsnSpec(example="postgresql://sync_user:password@db.example.com:5432/app",
                 scopes=("SELECT", "INSERT", "UPDATE")),
    objects=(),
    # The database's own limits are a statement timeout and a connection cap
    # (connectors/postgres/session.py); this only spaces a run's statements.
    rate_limit=RateLimit(requests=200, per_seconds=1),
    docs_url="https://www.postgresql.org/docs/current/sql-insert.html#SQL-ON-CONFLICT",
)

# information_schema.columns.data_type -> the product's field types. Other types
# (json, arrays, bytea, intervals, enums, …) are left out of the fields.
TYPES = {
    "text": T.TEXT, "character varying": T.TEXT, "character": T.TEXT, "uuid": T.TEXT,
    "citext": T.TEXT, "name": T.TEXT,
    "smallint": T.NUMBER, "integer": T.NUMBER, "bigint": T.NUMBER, "numeric": T.NUMBER,
    "real": T.NUMBER, "double precision": T.NUMBER,
    "boolean": T.BOOLEAN,
    "date": T.DATE,
    "timestamp with time zone": T.DATETIME, "timestamp without time zone": T.DATETIME,
}
TIMESTAMP_TYPES = {"timestamp with time zone", "timestamp without time zone"}
KEY_TYPES = {"text", "character varying", "character", "uuid", "smallint", "integer",
             "bigint", "numeric"}
# Text columns whose name says what they hold.
NAMED_TYPES = {"email": T.EMAIL, "email_address": T.EMAIL, "phone": T.PHONE,
               "website": T.URL, "url": T.URL}

# Columns named like a hub property map to it by default (column -> property), per
# hub object; the identifier each object is matched by comes from the same names.
DEFAULT_MAPPINGS = {
    "contact": {"email": "email", "email_address": "email", "first_name": "firstname",
                "firstname": "firstname", "last_name": "lastname", "lastname": "lastname",
                "phone": "phone", "job_title": "jobtitle", "jobtitle": "jobtitle",
                "city": "city", "website": "website"},
    "company": {"name": "name", "domain": "domain", "phone": "phone", "city": "city",
                "website": "website"},
    "product": {"name": "name", "sku": "hs_sku", "price": "price",
                "description": "description"},
}
DEFAULT_MAPPINGS["lead"] = DEFAULT_MAPPINGS["contact"]
IDENTIFIER_PROPERTIES = {"email": "email", "name": "name", "domain": "domain", "sku": "hs_sku"}
IDENTIFIERS = {"contact": ("email",), "lead": ("email",), "company": ("name", "domain"),
               "product": ("sku", "name")}


def field_type(column: dict) -> FieldType | None:
    kind = TYPES.get(column["type"])
    if kind is T.TEXT:
        return NAMED_TYPES.get(column["name"].lower(), T.TEXT)
    return kind


def _field(column: dict, table: dict) -> Field | None:
    kind = field_type(column)
    if kind is None:
        return None
    generated = column.get("generated", False)
    read_only = (table["kind"] == "view" or generated or column["name"] == table["updated_at"]
                 or (column["name"] == table["pk"] and column.get("has_default", False)))
    required = not column["nullable"] and not column.get("has_default") and not read_only
    return Field(column["name"], column["name"], kind, required=required, read_only=read_only)


def table_object(table: dict) -> ObjectSpec:
    """The ObjectSpec of a chosen table, from its description (catalog.describe)."""
    fields = tuple(f for f in (_field(c, table) for c in table["columns"]) if f)
    names = {f.name for f in fields}
    by_column = DEFAULT_MAPPINGS.get(table["hub_object"], {})
    mappings = tuple(
        Mapping(column, prop) for column, prop in by_column.items() if column in names)
    identifiers = tuple(
        (identifier, column) for identifier in IDENTIFIERS.get(table["hub_object"], ())
        for column in names if by_column.get(column) == IDENTIFIER_PROPERTIES[identifier])
    # A view is never written; nor is a table the user may not INSERT into and UPDATE.
    view = table["kind"] == "view" or not {"INSERT", "UPDATE"} <= set(table["privileges"])
    return ObjectSpec(
        name=table["object"], label=table["object"], hub_object=table["hub_object"],
        fields=fields, identifiers=_first_per_identifier(sorted(identifiers)),
        default_mappings=mappings,
        capabilities=Capabilities(
            incremental="modified_time", deleted_records=True, batch_write=True,
            batch_size=100, concurrent_requests=1, key_diff=True,
            directions=(Direction.TO_HUB,) if view else (
                Direction.TWO_WAY, Direction.TO_HUB, Direction.TO_APP)),
    )


def _first_per_identifier(pairs) -> tuple[tuple[str, str], ...]:
    seen: dict[str, str] = {}
    for identifier, column in pairs:
        seen.setdefault(identifier, column)
    return tuple(seen.items())
