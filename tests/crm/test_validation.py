"""Turning input into canonical values: one row per kind of good and bad input."""

import pytest

from syncapp.crm.identifiers import normalize_domain, normalize_email, normalize_name
from syncapp.crm.validation import InvalidValue, PropertyShape, clean_value, clean_values


def shape(kind, options=()):
    return PropertyShape(name="p", label="Stage", type=kind, options=tuple(options))


@pytest.mark.parametrize(
    ("kind", "raw", "stored"),
    [
        ("text", "  hello ", "hello"),
        ("number", "1250", "1250"),
        ("number", "99.900", "99.9"),
        ("number", "-3e2", "-300"),
        ("date", "2024-03-31", "2024-03-31"),
        ("date", "2024-03-31T10:00:00Z", "2024-03-31"),
        ("datetime", "2024-03-31T14:30", "2024-03-31T14:30:00Z"),
        ("datetime", "2024-03-31T14:30:00-03:00", "2024-03-31T17:30:00Z"),
        ("boolean", "on", "true"),
        ("boolean", "No", "false"),
        ("email", " Ana@Example.com ", "Ana@Example.com"),
        ("phone", "+55 (11) 5555-0100", "+55 (11) 5555-0100"),
        ("url", "acme.com/about", "acme.com/about"),
        ("text", "", None),
        ("number", "   ", None),
    ],
)
def test_good_input_is_stored_in_canonical_form(kind, raw, stored):
    assert clean_value(shape(kind), raw) == stored


def test_enumeration_accepts_only_its_options():
    assert clean_value(shape("enumeration", ["lead", "customer"]), "lead") == "lead"
    with pytest.raises(InvalidValue, match="not one of the options of Stage"):
        clean_value(shape("enumeration", ["lead", "customer"]), "Lead")


@pytest.mark.parametrize(
    ("kind", "raw", "message"),
    [
        ("number", "twelve", "Enter a number"),
        ("number", "NaN", "Enter a number"),
        ("date", "31/03/2024", "Enter a date"),
        ("datetime", "tomorrow", "Enter a date and time"),
        ("boolean", "maybe", "Choose yes or no"),
        ("email", "ana at example", "valid email"),
        ("email", "ana@example", "valid email"),
        ("phone", "call me", "phone number"),
        ("url", "not a url", "web address"),
        ("text", "x" * 70_000, "Too long"),
    ],
)
def test_bad_input_gets_a_message_a_person_can_act_on(kind, raw, message):
    with pytest.raises(InvalidValue, match=message):
        clean_value(shape(kind), raw)


def test_unknown_property_is_reported_not_ignored():
    cleaned, errors = clean_values({"p": shape("text")}, {"p": "ok", "nope": "x"})
    assert cleaned == {"p": "ok"}
    assert "Unknown property" in errors["nope"]


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        (" Ana@Example.COM ", "ana@example.com"),
        ("ana@exämple.com", "ana@exämple.com"),
        ("ana @example.com", None),
        ("not-an-email", None),
        ("", None),
    ],
)
def test_email_keys(raw, key):
    assert normalize_email(raw) == key


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("https://www.Acme.com/about?x=1", "acme.com"),
        ("acme.com", "acme.com"),
        ("WWW.ACME.COM.", "acme.com"),
        ("sub.acme.co.uk/path", "sub.acme.co.uk"),
        ("acme", None),
    ],
)
def test_domain_keys(raw, key):
    assert normalize_domain(raw) == key


def test_name_keys_ignore_case_and_spacing():
    assert normalize_name("  ACME   Corp ") == normalize_name("acme corp") == "acme corp"
