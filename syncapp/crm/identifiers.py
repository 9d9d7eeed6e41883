"""Normalised identifier keys, kept in indexed columns so matching is index work.

Pure functions: the sync engine uses the same ones to normalise app values.
"""

import re
import unicodedata
from urllib.parse import urlsplit

# Deliberately plain: one @, no spaces, a dot in the domain. The engine excludes
# contacts whose email fails this with the reason "no email address".
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_SPACES = re.compile(r"\s+")
KEY_MAX = 255


def normalize_email(raw: str | None) -> str | None:
    """Trimmed, case-insensitive email, or None if it is not an email address."""
    if not raw:
        return None
    value = unicodedata.normalize("NFC", raw.strip()).lower()
    if not _EMAIL.match(value) or len(value) > KEY_MAX:
        return None
    return value


def normalize_name(raw: str | None) -> str | None:
    """Company or product name: case-folded, inner whitespace collapsed."""
    if not raw:
        return None
    value = _SPACES.sub(" ", unicodedata.normalize("NFC", raw).strip()).casefold()
    return value[:KEY_MAX] or None


def normalize_domain(raw: str | None) -> str | None:
    """A bare host name: 'https://www.Acme.com/about' -> 'acme.com'."""
    if not raw:
        return None
    value = raw.strip().lower()
    if "://" not in value:
        value = "//" + value
    host = urlsplit(value).hostname or ""
    host = host.removeprefix("www.").rstrip(".")
    if "." not in host or " " in host:
        return None
    return host[:KEY_MAX]


def normalize_sku(raw: str | None) -> str | None:
    if not raw:
        return None
    value = raw.strip().casefold()
    return value[:KEY_MAX] or None


def normalize_text(raw: str | None) -> str | None:
    """Any other property a person matches by: trimmed, case-insensitive."""
    return (str(raw) if raw is not None else "").strip().casefold() or None


# By name, as identifier_table.Identifier and engine.config.MatchRule refer to them.
NORMALIZERS = {
    "email": normalize_email,
    "name": normalize_name,
    "domain": normalize_domain,
    "sku": normalize_sku,
    "text": normalize_text,
}
