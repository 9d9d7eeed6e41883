"""One parser for request input: ids, cursors, dates, moments, numbers and free text.

Every view reads its query parameters and form fields through these functions, so a
bad value is refused the same way everywhere: `BadParam` names the field, and
`BadInputMiddleware` answers it with a 400 before anything is written.

Why the checks are what they are:
- digits are ASCII only: `"²".isdigit()` is true and `int("²")` then fails;
- a NUL byte cannot be stored in a Postgres text column (the query fails), so any
  request carrying one is refused whole, naming the field;
- dates keep one day of headroom on both sides (`to=9999-12-31` plus a day
  overflows), and time zones are real ones (Postgres refuses offsets past ±15:59);
- numbers stay within what Postgres `numeric` and the vendors accept: a bounded
  count of digits and a bounded exponent, checked without arithmetic, because
  `Decimal("1e1000000")` is cheap to build and only explodes when formatted.
"""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from syncapp.core import problems

ID_MAX = 2**63 - 1  # Postgres bigint
_ID = re.compile(r"[0-9]{1,19}")
MIN_DAY, MAX_DAY = dt.date(1900, 1, 1), dt.date(2999, 12, 31)
MAX_OFFSET = dt.timedelta(hours=14)  # the widest real time zone (UTC+14, Kiribati)
MAX_INTEGER_DIGITS = 20  # 10^20: beyond any amount a CRM or its vendors keep
MAX_FRACTION_DIGITS = 20  # a double printed in full (0.30000000000000004) fits
MAX_TEXT = 65_536
# Vendor emulators answer in the vendor's own way; inbound webhooks check their own body.
UNCHECKED_PATHS = ("/sandbox/", "/inbound/")


class BadParam(ValueError):
    """A request value that cannot be used; `message` is for the user, naming `field`."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def is_id(raw: str | None) -> bool:
    """True for a positive database id written in ASCII digits."""
    return bool(raw) and bool(_ID.fullmatch(raw)) and 0 < int(raw) <= ID_MAX


def parse_id(raw: str | None, field: str) -> int:
    if not is_id(raw):
        raise BadParam(field, _("“%(field)s” must be a record number.") % {"field": field})
    return int(raw)


def optional_id(raw: str | None, field: str) -> int | None:
    """An id, or None when the value is missing or empty."""
    return parse_id(raw, field) if raw else None


def id_list(values: list[str], field: str) -> list[int]:
    return [parse_id(v, field) for v in values]


def rank(raw: str | None, field: str, default: int) -> int:
    """A small non-negative position (column order and the like); empty gives `default`."""
    text = (raw or "").strip()
    if not text:
        return default
    if not (text.isascii() and text.isdigit()) or len(text) > 6:
        raise BadParam(field, _("“%(field)s” must be a whole number.") % {"field": field})
    return int(text)


def text(raw: str | None, field: str, max_length: int = MAX_TEXT) -> str:
    """Free text, trimmed; refused when it holds a NUL or is longer than `max_length`."""
    value = (raw or "").strip()
    if "\x00" in value:
        raise BadParam(field, nul_message(field))
    if len(value) > max_length:
        raise BadParam(field, _("“%(field)s” is too long: at most %(max)s characters.")
                       % {"field": field, "max": max_length})
    return value


def local_path(raw: str | None, request: HttpRequest) -> str | None:
    """A `next` address on this site ("/crm/contact/"), or None: never another host, and
    never a bare word that `redirect()` would try to reverse as a URL name."""
    target = (raw or "").strip()
    if not target.startswith("/") or not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return None
    return target


def nul_message(field: str) -> str:
    return _("“%(field)s” contains a NUL character, which cannot be stored.") % {"field": field}


def day(raw: str, field: str) -> dt.date:
    """A date written YYYY-MM-DD, between 1900 and 2999."""
    try:
        value = dt.date.fromisoformat(raw)
    except (ValueError, TypeError):
        raise BadParam(field, _("Enter “%(field)s” as YYYY-MM-DD.") % {"field": field}) from None
    if not MIN_DAY <= value <= MAX_DAY:
        raise BadParam(field, _("“%(field)s” must be a date between %(min)s and %(max)s.")
                       % {"field": field, "min": MIN_DAY.year, "max": MAX_DAY.year})
    return value


def moment(raw: str, field: str) -> dt.datetime:
    """An ISO date and time with a real time zone, as UTC."""
    try:
        value = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except (ValueError, TypeError):
        value = None
    offset = value.utcoffset() if value is not None else None
    if offset is None or abs(offset) > MAX_OFFSET or not MIN_DAY <= value.date() <= MAX_DAY:
        raise BadParam(field, _("“%(field)s” is not a valid date, time and time zone.")
                       % {"field": field})
    return value.astimezone(dt.UTC)


def cursor(raw: str | None, field: str = "after") -> tuple[int, str] | None:
    """A keyset cursor `<id>` or `<id>:<sort value>`: (id, the rest), or None if absent."""
    if not raw:
        return None
    raw_id, _sep, rest = raw.partition(":")
    if "\x00" in rest or len(rest) > 1000:  # kept as sent: a sort value may end in a space
        raise BadParam(field, _("“%(field)s” is not a page of this list.") % {"field": field})
    return parse_id(raw_id, field), rest


def moment_cursor(raw: str | None, field: str = "after") -> tuple[dt.datetime, int] | None:
    """A cursor `<id>:<ISO moment>`: (moment in UTC, id), or None if absent."""
    # A "+" sent unquoted in a query string arrives as a space.
    found = cursor(raw.replace(" ", "+") if raw else raw, field)
    if found is None:
        return None
    return moment(found[1], field), found[0]


def decimal(raw: str, field: str) -> Decimal:
    """A finite number within MAX_INTEGER_DIGITS and MAX_FRACTION_DIGITS."""
    message = _("Enter a number for “%(field)s”, such as 1250 or 99.90.") % {"field": field}
    text_value = str(raw).strip()
    try:
        value = Decimal(text_value) if len(text_value) <= 100 else None
    except (InvalidOperation, ValueError):
        value = None
    if value is None or not value.is_finite():
        raise BadParam(field, message)
    if value and (value.adjusted() >= MAX_INTEGER_DIGITS
                  or _fraction_digits(value) > MAX_FRACTION_DIGITS):
        raise BadParam(field, _("“%(field)s” must be below 10^%(digits)s with at most "
                                "%(places)s decimal places.")
                       % {"field": field, "digits": MAX_INTEGER_DIGITS,
                          "places": MAX_FRACTION_DIGITS})
    return value


def _fraction_digits(value: Decimal) -> int:
    """Significant digits after the point, counted without arithmetic (no Overflow)."""
    _sign, digits, exponent = value.as_tuple()
    trailing_zeros = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    return max(0, -(exponent + trailing_zeros))


def first_nul_field(request: HttpRequest) -> str | None:
    """The first query parameter or form field (name or value) holding a NUL byte."""
    for data in (request.GET, request.POST):
        for key, values in data.lists():
            if "\x00" in key or any("\x00" in v for v in values):
                return key.replace("\x00", "")
    return None


def bad_request(request: HttpRequest, field: str, message: str) -> HttpResponse:
    if problems.is_api(request):
        return problems.problem(400, message, field=field)
    template = "partials/bad_request.html" if getattr(request, "htmx", False) \
        else "bad_request.html"
    return render(request, template, {"field": field, "message": message}, status=400)


class BadInputMiddleware:
    """Refuses any request carrying a NUL byte, and turns BadParam into a 400."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(UNCHECKED_PATHS):
            field = first_nul_field(request)
            if field is not None:
                return bad_request(request, field, nul_message(field))
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, BadParam):
            return bad_request(request, exception.field, exception.message)
        return None
