"""One sandbox environment's rows, with Dataverse's write rules and versions.

Every create, update and delete takes the next row version (Dataverse's
`versionnumber`, a rowversion shared by the whole database); change tracking is
answered from those versions and from a log of deletions.
"""

import datetime as dt
import uuid
from dataclasses import dataclass, field

from connectors.dynamics.sandbox.schema import BY_LOGICAL, Column, Table
from connectors.sdk.sandbox import SandboxAccount

INT32 = (-2147483648, 2147483647)
PAYLOAD_HELP = ("Error identified in Payload provided by the user for Entity :'{set}', For more "
                "information on this error please follow this help link "
                "https://go.microsoft.com/fwlink/?linkid=2195293  ---->  InnerException : "
                "Microsoft.OData.ODataException: {inner}")


class DataverseError(Exception):
    """An error the way the Web API reports it: status, hex code, message."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def payload_error(table: Table, inner: str) -> DataverseError:
    return DataverseError(400, "0x80048d19", PAYLOAD_HELP.format(set=table.set_name, inner=inner))


def not_found(logical: str, row_id: str) -> DataverseError:
    return DataverseError(404, "0x80040217", f"{logical} With Id = {row_id} Does Not Exist")


def now_text(clock=None) -> str:
    moment = clock() if clock else dt.datetime.now(dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class OrgStore:
    tables: dict[str, dict[str, dict]] = field(default_factory=dict)  # set -> id -> row
    version: int = 1000
    deletions: list[tuple[int, str, str]] = field(default_factory=list)  # (version, set, id)
    oldest_valid_delta: int = 0  # delta tokens older than this have expired
    autonumbers: dict[str, int] = field(default_factory=dict)

    def rows(self, table: Table) -> dict[str, dict]:
        return self.tables.setdefault(table.set_name, {})

    def _stamp(self, row: dict, moment: str) -> None:
        self.version += 1
        row["versionnumber"] = self.version
        row["modifiedon"] = moment

    # --- writes ---------------------------------------------------------------------

    def create(self, table: Table, payload: dict, moment: str) -> dict:
        values, binds = self.validate(table, payload)
        row_id = str(values.pop(table.primary_id, None) or uuid.uuid4()).lower()
        if row_id in self.rows(table):
            raise DataverseError(412, "0x80040237", "A record with matching key values already "
                                 "exists.")
        row = dict.fromkeys(table.columns) | values | {table.primary_id: row_id}
        row.update(binds)
        row["createdon"] = moment
        if table.has_state:
            row["statecode"] = 0
        if table.autonumber:
            column, prefix = table.autonumber
            number = self.autonumbers.get(table.set_name, 1000) + 1
            self.autonumbers[table.set_name] = number
            row[column] = f"{prefix}{number:05d}-X3Y7K"
        self._check_unique(table, row)
        self._derive(table, row)
        self._stamp(row, moment)
        self.rows(table)[row_id] = row
        return row

    def update(self, table: Table, row: dict, payload: dict, moment: str) -> dict:
        values, binds = self.validate(table, payload)
        values.pop(table.primary_id, None)
        candidate = {**row, **values, **binds}
        self._check_unique(table, candidate)
        row.update(values)
        row.update(binds)
        self._derive(table, row)
        self._stamp(row, moment)
        return row

    def delete(self, table: Table, row_id: str, moment: str) -> None:
        self.rows(table).pop(row_id)
        self.version += 1
        self.deletions.append((self.version, table.set_name, row_id))
        # Relationships here "remove link": rows pointing at the deleted one lose it.
        for other in BY_LOGICAL.values():
            for lookup in other.lookups.values():
                for row in self.rows(other).values():
                    if row.get(lookup.name) == (table.logical, row_id):
                        row[lookup.name] = None
                        self._stamp(row, moment)

    def _check_unique(self, table: Table, row: dict) -> None:
        for column in table.unique:
            value = row.get(column)
            if value is None:
                continue
            for other in self.rows(table).values():
                if other[table.primary_id] != row[table.primary_id] and \
                        str(other.get(column) or "").lower() == str(value).lower():
                    raise DataverseError(412, "0x80040237", "A record with matching key values "
                                         f"already exists. Duplicate {column}: '{value}'.")

    @staticmethod
    def _derive(table: Table, row: dict) -> None:
        if "fullname" in table.columns:
            names = [row.get("firstname"), row.get("lastname")]
            row["fullname"] = " ".join(n for n in names if n) or None

    # --- payload validation -------------------------------------------------------------

    def validate(self, table: Table, payload: object) -> tuple[dict, dict]:
        """(column values, lookup bindings) of a create/update body, or a DataverseError."""
        if not isinstance(payload, dict):
            raise payload_error(table, "The payload is not a JSON object.")
        values, binds = {}, {}
        for key, value in payload.items():
            if key.endswith("@odata.bind"):
                binds.update(self._bind(table, key.removesuffix("@odata.bind"), value))
            elif "@" in key:
                _check_annotation(table, key, value)
            elif key not in table.columns:
                raise payload_error(table, (
                    f"The property '{key}' does not exist on type "
                    f"'Microsoft.Dynamics.CRM.{table.logical}'. Make sure to only use property "
                    "names that are defined by the type or mark the type as open type."))
            elif table.columns[key].writable:
                values[key] = coerce(table, table.columns[key], value)
        return values, binds

    def _bind(self, table: Table, nav: str, reference) -> dict:
        found = table.navigation(nav)
        if found is None:
            raise payload_error(table, (
                f"An undeclared property '{nav}' which only has property annotations in the "
                "payload but no property value was found in the payload."))
        lookup, target_logical = found
        target = BY_LOGICAL[target_logical]
        if reference is None:
            return {lookup.name: None}
        ref = str(reference).rsplit("/", 1)[-1]
        set_name, _, rest = ref.partition("(")
        row_id = rest.rstrip(")").lower()
        if set_name != target.set_name:
            raise payload_error(table, f"The reference '{reference}' is not a {target.logical}.")
        if row_id not in self.rows(target):
            raise not_found(target.logical, row_id)
        return {lookup.name: (target.logical, row_id)}


def _check_annotation(table: Table, key: str, value) -> None:
    """Annotations a client may send back with a row it read (`@odata.etag`,
    `@odata.type` naming the row's own type, annotations of a column) are ignored;
    any other is refused, as a property would be."""
    name, _, annotation = key.partition("@")
    if name and name not in table.columns:
        raise payload_error(table, (
            f"An undeclared property '{name}' which only has property annotations in the "
            "payload but no property value was found in the payload."))
    if name or annotation in {"odata.etag", "odata.context"}:
        return
    own_type = f"Microsoft.Dynamics.CRM.{table.logical}"
    if annotation == "odata.type" and str(value).lstrip("#") == own_type:
        return
    raise payload_error(table, f"The annotation '{key}' is not supported on type '{own_type}'.")


def coerce(table: Table, column: Column, value):
    """The stored form of a JSON value, or the error Dataverse gives for it."""
    if value is None:
        return None
    edm = {"string": "Edm.String", "memo": "Edm.String", "int": "Edm.Int32",
           "decimal": "Edm.Decimal", "money": "Edm.Decimal", "date": "Edm.Date",
           "datetime": "Edm.DateTimeOffset", "bool": "Edm.Boolean", "choice": "Edm.Int32",
           "guid": "Edm.Guid"}[column.kind]
    wrong = payload_error(table, f"Cannot convert the literal '{value}' to the expected type "
                                 f"'{edm}'.")
    converted = _convert(column, value)
    if converted is _WRONG:
        raise wrong
    if column.kind in {"string", "memo"} and len(converted) > column.max_length:
        raise DataverseError(400, "0x80044331", (
            f"A validation error occurred. The length of the '{column.name}' attribute of the "
            f"'{table.logical}' entity exceeded the maximum allowed length of "
            f"'{column.max_length}'."))
    if column.kind == "choice" and converted not in column.options:
        raise DataverseError(400, "0x8004431a", (
            f"A validation error occurred. The value {converted} of '{column.name}' on record "
            f"of type '{table.logical}' is outside the valid range. Accepted Values: "
            f"{','.join(str(k) for k in column.options)}"))
    return converted


_WRONG = object()


def _convert(column: Column, value):
    return _CONVERTERS.get(column.kind, _convert_time)(column.kind, value)


def _text(kind: str, value):
    return value if isinstance(value, str) else _WRONG


def _boolean(kind: str, value):
    return value if isinstance(value, bool) else _WRONG


def _whole(kind: str, value):
    ok = isinstance(value, int) and not isinstance(value, bool) and INT32[0] <= value <= INT32[1]
    return value if ok else _WRONG


def _decimal(kind: str, value):
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    return float(value) if ok else _WRONG


def _guid(kind: str, value):
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        return _WRONG


def _convert_time(kind: str, value):
    if not isinstance(value, str):
        return _WRONG
    try:
        if kind == "date":
            return dt.date.fromisoformat(value).isoformat() if len(value) == 10 else _WRONG
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return _WRONG
    if moment.tzinfo is None:  # Edm.DateTimeOffset needs an offset
        return _WRONG
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


_CONVERTERS = {"string": _text, "memo": _text, "bool": _boolean, "int": _whole,
               "choice": _whole, "decimal": _decimal, "money": _decimal, "guid": _guid}


@dataclass
class Environment(SandboxAccount):
    """One Dynamics 365 environment and the one user who signs in to it."""

    url_name: str = ""
    user_id: str = ""
    business_unit_id: str = ""
    store: OrgStore = field(default_factory=OrgStore)
    denied: set[str] = field(default_factory=set)  # privileges the user's role lacks
    other_instances: list[dict] = field(default_factory=list)  # more of the user's environments
    # Webhook registrations (webhooks.py): id -> row.
    service_endpoints: dict[str, dict] = field(default_factory=dict)
    steps: dict[str, dict] = field(default_factory=dict)
