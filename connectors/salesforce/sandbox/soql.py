"""The SOQL the sandbox understands, parsed strictly.

    SELECT field, … FROM object [WHERE condition] [ORDER BY field [ASC|DESC], …] [LIMIT n]

with conditions of `field op value` (=, !=, <, <=, >, >=, LIKE) and `field IN (…)`,
joined by AND, OR and parentheses; values are 'strings', numbers, dateTime and date
literals, true, false and null. Anything else is refused as Salesforce refuses a query
it cannot parse (MALFORMED_QUERY); an unknown object or field as INVALID_TYPE and
INVALID_FIELD. https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select.htm
"""

import datetime as dt
import re
from dataclasses import dataclass

from connectors.salesforce.sandbox.schema import field_named, object_named

_TOKEN = re.compile(r"""
    \s*(?:
      (?P<dt>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:?\d{2}))
    | (?P<date>\d{4}-\d{2}-\d{2})
    | (?P<num>-?\d+(?:\.\d+)?)
    | (?P<str>'(?:[^'\\]|\\.)*')
    | (?P<op>!=|<=|>=|=|<|>)
    | (?P<punct>[(),])
    | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
    )""", re.VERBOSE)
KEYWORDS = {"select", "from", "where", "order", "by", "asc", "desc", "limit", "and", "or",
            "in", "like", "true", "false", "null", "nulls", "first", "last"}


class SoqlError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Query:
    object_name: str
    fields: tuple[str, ...]
    where: object  # a condition tree, or None
    order: tuple[tuple[str, bool], ...]  # (field, descending)
    limit: int | None


def _tokens(text: str) -> list[tuple[str, str]]:
    out, position = [], 0
    while position < len(text):
        if not text[position:].strip():
            break
        found = _TOKEN.match(text, position)
        if not found or found.end() == position:
            seen = text[position:].split(maxsplit=1)[0]
            raise SoqlError("MALFORMED_QUERY", f"unexpected token: '{seen}'")
        kind = found.lastgroup or ""
        value = found.group(kind)
        if kind == "word" and value.lower() in KEYWORDS:
            kind, value = "kw", value.lower()
        out.append((kind, value))
        position = found.end()
    return out


class _Parser:
    def __init__(self, text: str):
        self.tokens = _tokens(text)
        self.at = 0
        self.object_name = ""

    def peek(self, kind: str, value: str | None = None) -> bool:
        if self.at >= len(self.tokens):
            return False
        found_kind, found_value = self.tokens[self.at]
        return found_kind == kind and (value is None or found_value == value)

    def take(self, kind: str, value: str | None = None) -> str:
        if not self.peek(kind, value):
            seen = self.tokens[self.at][1] if self.at < len(self.tokens) else "<EOF>"
            raise SoqlError("MALFORMED_QUERY", f"unexpected token: '{seen}'")
        self.at += 1
        return self.tokens[self.at - 1][1]

    def parse(self) -> Query:
        self.take("kw", "select")
        names = [self.take("word")]
        while self.peek("punct", ","):
            self.take("punct")
            names.append(self.take("word"))
        self.take("kw", "from")
        raw_object = self.take("word")
        found = object_named(raw_object)
        if found is None:
            raise SoqlError("INVALID_TYPE", f"sObject type '{raw_object}' is not supported. If "
                            "you are attempting to use a custom object, be sure to append the "
                            "'__c' after the entity name.")
        self.object_name = found
        fields = tuple(self.field(name) for name in names)
        where = None
        if self.peek("kw", "where"):
            self.take("kw")
            where = self.disjunction()
        order: list[tuple[str, bool]] = []
        if self.peek("kw", "order"):
            self.take("kw")
            self.take("kw", "by")
            order.append(self.order_item())
            while self.peek("punct", ","):
                self.take("punct")
                order.append(self.order_item())
        limit = None
        if self.peek("kw", "limit"):
            self.take("kw")
            limit = int(self.take("num"))
        if self.at != len(self.tokens):
            raise SoqlError("MALFORMED_QUERY", f"unexpected token: '{self.tokens[self.at][1]}'")
        return Query(self.object_name, fields, where, tuple(order), limit)

    def field(self, name: str) -> str:
        found = field_named(self.object_name, name)
        if found is None:
            raise SoqlError("INVALID_FIELD", f"No such column '{name}' on entity "
                            f"'{self.object_name}'. If you are attempting to use a custom "
                            "field, be sure to append the '__c' after the custom field name.")
        return found.name

    def order_item(self) -> tuple[str, bool]:
        name = self.field(self.take("word"))
        descending = False
        if self.peek("kw", "asc") or self.peek("kw", "desc"):
            descending = self.take("kw") == "desc"
        return name, descending

    def disjunction(self):
        terms = [self.conjunction()]
        while self.peek("kw", "or"):
            self.take("kw")
            terms.append(self.conjunction())
        return ("or", terms) if len(terms) > 1 else terms[0]

    def conjunction(self):
        factors = [self.factor()]
        while self.peek("kw", "and"):
            self.take("kw")
            factors.append(self.factor())
        return ("and", factors) if len(factors) > 1 else factors[0]

    def factor(self):
        if self.peek("punct", "("):
            self.take("punct")
            inner = self.disjunction()
            self.take("punct", ")")
            return inner
        name = self.field(self.take("word"))
        if self.peek("kw", "in"):
            self.take("kw")
            self.take("punct", "(")
            values = [self.value()]
            while self.peek("punct", ","):
                self.take("punct")
                values.append(self.value())
            self.take("punct", ")")
            return ("in", name, values)
        if self.peek("kw", "like"):
            self.take("kw")
            return ("like", name, self.value())
        return ("cmp", name, self.take("op"), self.value())

    def value(self):
        for kind in ("dt", "date", "num", "str"):
            if self.peek(kind):
                raw = self.take(kind)
                if kind == "dt":
                    return parse_moment(raw)
                if kind == "date":
                    return dt.date.fromisoformat(raw)
                if kind == "num":
                    return float(raw)
                return re.sub(r"\\(.)", r"\1", raw[1:-1])
        for word, meaning in (("true", True), ("false", False), ("null", None)):
            if self.peek("kw", word):
                self.take("kw")
                return meaning
        seen = self.tokens[self.at][1] if self.at < len(self.tokens) else "<EOF>"
        raise SoqlError("MALFORMED_QUERY", f"unexpected token: '{seen}'")


def parse(text: str) -> Query:
    return _Parser(text).parse()


def parse_moment(raw: str) -> dt.datetime:
    text = raw.replace("Z", "+00:00")
    if text[-5] in "+-" and text[-3] != ":":
        text = f"{text[:-2]}:{text[-2:]}"
    return dt.datetime.fromisoformat(text).astimezone(dt.UTC)


def _comparable(stored, probe):
    """The stored JSON value in the probe's type (dateTime text as a moment, …)."""
    if stored is None or probe is None:
        return stored
    if isinstance(probe, dt.datetime) and isinstance(stored, str):
        return parse_moment(stored)
    if isinstance(probe, dt.date) and isinstance(stored, str):
        return dt.date.fromisoformat(stored[:10])
    if isinstance(probe, float) and isinstance(stored, int | float):
        return float(stored)
    return stored


def matches(condition, record: dict) -> bool:  # noqa: PLR0911 - one case per operator
    if condition is None:
        return True
    kind = condition[0]
    if kind == "or":
        return any(matches(c, record) for c in condition[1])
    if kind == "and":
        return all(matches(c, record) for c in condition[1])
    if kind == "in":
        return any(_equal(record.get(condition[1]), v) for v in condition[2])
    if kind == "like":
        pattern = re.escape(str(condition[2])).replace("%", ".*").replace("_", ".")
        return re.fullmatch(pattern, str(record.get(condition[1]) or ""), re.I) is not None
    _kind, name, op, probe = condition
    stored = _comparable(record.get(name), probe)
    if op in ("=", "!="):
        return _equal(record.get(name), probe) == (op == "=")
    if stored is None or probe is None:
        return False
    try:
        return {"<": stored < probe, "<=": stored <= probe, ">": stored > probe,
                ">=": stored >= probe}[op]
    except TypeError:
        return False


def _equal(stored, probe) -> bool:
    stored = _comparable(stored, probe)
    if isinstance(stored, str) and isinstance(probe, str):
        return stored.lower() == probe.lower()  # SOQL's = ignores case on text
    return stored == probe


def sort_key(record: dict, name: str):
    value = record.get(name)
    return (value is not None, value if not isinstance(value, bool) else int(value))
