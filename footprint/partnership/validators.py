"""Validation of Organisation Data Service (ODS) codes, ONS area codes and of the names people
type."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

from footprint.core.validators import CONTROL_CHARACTER

# ODS organisation codes are 3 to 6 letters and digits. Some kinds have a fixed shape.
ODS_CODE = re.compile(r"^[A-Z0-9]{3,6}$")
ODS_SHAPE_BY_KIND = {
    "gp_practice": (re.compile(r"^[A-Z]\d{5}$"), "a letter and five digits, e.g. M81001"),
    "pcn": (re.compile(r"^U\d{5}$"), "U and five digits, e.g. U12345"),
    "acute_trust": (re.compile(r"^R[A-Z0-9]{2}$"), "R and two letters or digits, e.g. RWP"),
    "community_trust": (re.compile(r"^R[A-Z0-9]{2}$"), "R and two letters or digits, e.g. R1A"),
    "mental_health_trust": (re.compile(r"^R[A-Z0-9]{2}$"), "R and two letters or digits"),
    "ambulance_trust": (re.compile(r"^R[A-Z0-9]{2}$"), "R and two letters or digits, e.g. RYA"),
}


def normalise_ods_code(value: str) -> str:
    """Upper-case and strip an ODS code as typed or imported."""
    return (value or "").strip().upper()


def validate_ods_code(value: str) -> None:
    """Check the general shape of an ODS code."""
    if not ODS_CODE.match(value or ""):
        raise ValidationError(
            "Enter an ODS code of 3 to 6 capital letters and digits, e.g. RWP or M81001",
            code="invalid_ods",
        )


def validate_ods_code_for_kind(code: str, kind: str) -> None:
    """Check that an ODS code has the shape its kind of organisation uses."""
    validate_ods_code(code)
    shape = ODS_SHAPE_BY_KIND.get(kind)
    if shape and not shape[0].match(code):
        raise ValidationError(
            f"An ODS code for this kind of organisation is {shape[1]}", code="ods_kind"
        )


# ONS (GSS) area codes: a letter for the country and eight digits, the first two the kind of
# area (E06 a unitary authority, E10 a county, E54 an ICB), e.g. E06000047 or E54000050.
ONS_CODE = re.compile(r"^[A-Z]\d{8}$")


def validate_ons_code(value: str) -> None:
    """Check that a place's code is an ONS area code (as typed, imported or sent)."""
    if not ONS_CODE.match(value or ""):
        raise ValidationError(
            f"Enter an ONS area code: a letter and 8 digits, e.g. E06000047 or E54000050 "
            f"(not {value!r})",
            code="invalid_ons",
        )


# A name begins with a letter, a digit or ordinary punctuation: never with what a spreadsheet
# reads as a formula (= + - @) or with whitespace, and holds no control character (tabs,
# carriage returns and NULs included). Exports are inert anyway (core.exports); this keeps such
# names out of the footprint in the first place.
NAME_FORMULA_START = ("=", "+", "-", "@")


def formula_start_error(value: str, what: str = "the name") -> str:
    """The one rule for text a spreadsheet might read as a formula, wherever people type a
    name or a title (organisations, places, PLUS groups, proposals' titles and options): the
    message saying to start ``what`` otherwise, or '' when it starts well."""
    if (value or "").lstrip().startswith(NAME_FORMULA_START):
        return f"Start {what} with a letter or a digit, not =, +, - or @"
    return ""


def validate_name(value: str) -> None:
    """Check a name (of an organisation, place, neighbourhood or the system) as typed, imported
    or sent to the API."""
    if CONTROL_CHARACTER.search(value or ""):
        raise ValidationError(
            "Enter a name without control characters (tabs, line breaks and the like)",
            code="name_control",
        )
    if problem := formula_start_error(value):
        raise ValidationError(problem, code="name_formula")


# A UK postcode's shape: an outward code (one or two letters, a digit, then perhaps a letter or
# digit) and an inward code (a digit and two letters), e.g. WR1 2ES, M1 1AE, SW1A 1AA; the
# space is optional as typed. Whether it exists is not checked (that needs the ONS directory).
UK_POSTCODE = re.compile(r"^(?:[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}|GIR ?0AA)$")


def normalise_postcode(value: str) -> str:
    """A postcode as written on letters: capitals, one space before the last three
    characters ('wr12es' → 'WR1 2ES'); anything not shaped like one is left for the check."""
    squeezed = "".join((value or "").split()).upper()
    if 5 <= len(squeezed) <= 7:
        return f"{squeezed[:-3]} {squeezed[-3:]}"
    return (value or "").strip().upper()


def validate_postcode(value: str) -> None:
    """Check that an organisation's postcode has the shape of a UK postcode."""
    if value and not UK_POSTCODE.match(value.upper()):
        raise ValidationError(
            f"Enter a UK postcode, such as WR1 2ES (not {value[:12]!r})", code="invalid_postcode"
        )


WEBSITE_MESSAGE = (
    "Enter the website's full address, starting https://, e.g. https://www.example.nhs.uk"
)
