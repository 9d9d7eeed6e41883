"""The parts of OData the sandbox understands: $filter, Prefer, paging cookies.

$filter: comparisons (eq ne gt ge lt le) of a column with a literal ('text',
a GUID, a number, true/false/null), joined by and/or, with parentheses, plus
contains/startswith/endswith. Text compares without regard to case, as
Dataverse's database collation does.
https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query/filter-rows
"""

import re
from collections.abc import Callable
from urllib.parse import quote, unquote

Predicate = Callable[[dict], bool]

_TOKEN = re.compile(r"""\s*(?:
    (?P<string>'(?:[^']|'')*')
  | (?P<open>\() | (?P<close>\)) | (?P<comma>,)
  | (?P<guid>[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12})
  | (?P<number>-?\d+(?:\.\d+)?)
  | (?P<word>[A-Za-z_$@][\w.@$]*)
)""", re.VERBOSE)
_GUID = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_COMPARE = {"eq", "ne", "gt", "ge", "lt", "le"}
_FUNCTIONS = {"contains", "startswith", "endswith"}


def _either(a: Predicate, b: Predicate) -> Predicate:
    return lambda row: a(row) or b(row)


def _both(a: Predicate, b: Predicate) -> Predicate:
    return lambda row: a(row) and b(row)


class FilterError(ValueError):
    """The $filter cannot be understood: Dataverse answers 400 "query syntax"."""


def parse_filter(text: str, known: Callable[[str], bool]) -> Predicate:
    tokens = _tokens(text)
    parser = _Parser(tokens, known)
    predicate = parser.expression()
    if parser.position != len(tokens):
        raise FilterError(f"Syntax error at position {parser.position} in '{text}'.")
    return predicate


def _tokens(text: str) -> list[tuple[str, str]]:
    found, position = [], 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            if text[position:].strip() == "":
                break
            raise FilterError(f"Syntax error at position {position} in '{text}'.")
        kind = match.lastgroup or ""
        found.append((kind, match.group(kind)))
        position = match.end()
    return found


class _Parser:
    def __init__(self, tokens, known):
        self.tokens, self.known, self.position = tokens, known, 0

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.position] if self.position < len(self.tokens) else ("", "")

    def take(self, kind: str | None = None) -> str:
        token = self.peek()
        if not token[0] or (kind and token[0] != kind):
            raise FilterError("Syntax error: unexpected end or token in $filter.")
        self.position += 1
        return token[1]

    def expression(self) -> Predicate:
        left = self.conjunction()
        while self.peek()[1].lower() == "or":
            self.take()
            left = _either(left, self.conjunction())
        return left

    def conjunction(self) -> Predicate:
        left = self.term()
        while self.peek()[1].lower() == "and":
            self.take()
            left = _both(left, self.term())
        return left

    def term(self) -> Predicate:
        if self.peek()[0] == "open":
            self.take()
            inner = self.expression()
            self.take("close")
            return inner
        if self.peek()[1].lower() == "not":
            self.take()
            inner = self.term()
            return lambda row: not inner(row)
        name = self.take("word")
        if name.lower() in _FUNCTIONS:
            return self.function(name.lower())
        self.column(name)
        operator = self.take("word").lower()
        if operator not in _COMPARE:
            raise FilterError(f"Syntax error: unknown operator '{operator}'.")
        value = literal(*self.peek()) if self.peek()[0] else None
        self.take()
        return lambda row: compare(row.get(name), operator, value)

    def function(self, name: str) -> Predicate:
        self.take("open")
        column = self.take("word")
        self.column(column)
        self.take("comma")
        needle = str(literal("string", self.take("string"))).lower()
        self.take("close")
        tests: dict[str, Callable[[str, str], bool]] = {
            "contains": str.__contains__, "startswith": str.startswith,
            "endswith": str.endswith}
        test = tests[name]
        return lambda row: row.get(column) is not None and test(
            str(row.get(column)).lower(), needle)

    def column(self, name: str) -> None:
        if not self.known(name):
            raise UnknownProperty(name)


class UnknownProperty(ValueError):
    def __init__(self, name: str):
        super().__init__(name)
        self.name = name


def literal(kind: str, text: str):
    if kind == "string":
        return text[1:-1].replace("''", "'")
    lowered = text.lower()
    if lowered in {"true", "false"}:
        return lowered == "true"
    if lowered == "null":
        return None
    if _GUID.match(text):
        return text.lower()
    try:
        return float(text) if "." in text else int(text)
    except ValueError:
        raise FilterError(f"Syntax error: '{text}' is not a value.") from None


def compare(actual, operator: str, expected) -> bool:
    if isinstance(actual, str):
        actual = actual.lower()
    if isinstance(expected, str):
        expected = expected.lower()
    if operator == "eq":
        return actual == expected
    if operator == "ne":
        return actual != expected
    if actual is None or expected is None:
        return False
    try:
        return {"gt": actual > expected, "ge": actual >= expected,
                "lt": actual < expected, "le": actual <= expected}[operator]
    except TypeError:
        return False


def preferences(header: str) -> dict[str, str]:
    """`Prefer: odata.maxpagesize=3,odata.track-changes` -> {name: value}."""
    result = {}
    for item in re.split(r",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)", header or ""):
        name, _, value = item.strip().partition("=")
        if name:
            result[name.strip().lower()] = value.strip().strip('"')
    return result


def cookie(page: int, last: str, **extra) -> str:
    """A paging cookie in the spirit of Dataverse's $skiptoken (opaque to clients)."""
    attributes = " ".join(f'{k}="{v}"' for k, v in extra.items())
    return f'<cookie pagenumber="{page}" pagingcookie="{last}" {attributes} />'


def read_cookie(skiptoken: str) -> dict[str, str]:
    values = dict(re.findall(r'(\w+)="([^"]*)"', unquote(skiptoken or "")))
    if "pagenumber" not in values:
        raise FilterError("The $skiptoken is not a paging cookie.")
    return values


def link(base: str, set_name: str, **options: str) -> str:
    query = "&".join(f"${k}={quote(v, safe=',()=')}" for k, v in options.items() if v)
    return f"{base}/{set_name}" + (f"?{query}" if query else "")
