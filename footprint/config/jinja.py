"""The Jinja environment: NHS.UK frontend macros, URL reversing, static files, permissions."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.conf import settings
from django.contrib.messages import get_messages
from django.contrib.staticfiles.storage import staticfiles_storage
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.html import json_script
from jinja2 import ChainableUndefined, ChoiceLoader, Environment, PackageLoader, meta
from jinja2.utils import missing

from footprint.core.permissions import can


def url(name: str, *args: Any, **kwargs: Any) -> str:
    """Reverse a URL by name: ``url('partnership:organisation', 'RWP')``."""
    return reverse(name, args=args or None, kwargs=kwargs or None)


def thousands(value: Any) -> str:
    """A whole number with thousands separators: 812345 → '812,345'."""
    if value is None:
        return "–"
    return number_format(value, decimal_pos=0, force_grouping=True)


def pounds(pence: Any) -> str:
    """Whole pence as whole pounds with separators: -6000000000 → '−£60,000,000'."""
    if pence is None:
        return "–"
    sign = "−" if pence < 0 else ""
    return f"{sign}£{number_format(round(abs(pence) / 100), decimal_pos=0, force_grouping=True)}"


def millions(pence: Any) -> str:
    """Whole pence as pounds in millions to one place: -6012345678 → '−£60.1m'."""
    if pence is None:
        return "–"
    sign = "−" if pence < 0 else ""
    return f"{sign}£{abs(pence) / 1e8:,.1f}m"


_NO_ARTICLE = {
    "why",
    "what",
    "how",
    "when",
    "who",
    "which",
    "where",
    "your",
    "our",
    "its",
    "a",
    "an",
    "the",
}
_CHOOSE_WIDGETS = {"Select", "RadioSelect", "CheckboxSelectMultiple", "SelectMultiple"}
# A label that is only a preposition ("From", "To") names the field by what it is about:
# "Choose who it is from" (a list of organisations or people), not "Choose the from".
_PREPOSITIONS = {"from", "to", "for", "by"}
_DJANGO_MESSAGES: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(r"Ensure this value is greater than or equal to (?P<n>.+)\."),
        "{label} must be {n} or more",
    ),
    (
        re.compile(r"Ensure this value is less than or equal to (?P<n>.+)\."),
        "{label} must be {n} or less",
    ),
    (
        re.compile(r"Ensure this value has at most (?P<n>\d+) characters? \(it has (?P<m>\d+)\)\."),
        "{label} must be {n} characters or fewer (it has {m})",
    ),
    (
        re.compile(
            r"Ensure this value has at least (?P<n>\d+) characters? \(it has (?P<m>\d+)\)\."
        ),
        "{label} must be at least {n} characters (it has {m})",
    ),
    (
        re.compile(r"Ensure that there are no more than (?P<n>\d+) digits in total\."),
        "{label} is too large",
    ),
    (
        re.compile(r"Ensure that there are no more than (?P<n>\d+) decimal places\."),
        "{label} can have at most {n} decimal places",
    ),
    (re.compile(r"Enter a whole number\."), "{label} must be a whole number"),
    (re.compile(r"Enter a number\."), "{label} must be a number"),
    (re.compile(r"Enter a valid date\."), "{label} must be a real date, like 31 3 2026"),
    (re.compile(r"Select a valid choice\..*"), "Choose one of the options for {label_l}"),
]


# "(optional)" helps beside an empty field, not in a message about what was typed in it.
_OPTIONAL = re.compile(r"\s*\(optional\)", re.IGNORECASE)


def field_error(field: Any, message: str) -> str:
    """Say a form field's error in words that name the field, as NHS.UK asks ("Enter the
    title", "Money at stake (£) must be 0 or more"), in place of Django's generic defaults
    ("This field is required."). Messages written by Footprint's own forms pass unchanged."""
    label = _OPTIONAL.sub("", str(field.label or field.name))
    label_l = label[:1].lower() + label[1:] if label[1:2].islower() else label
    if message == "This field is required.":
        kind = field.field.widget.__class__.__name__
        if kind in ("FileInput", "ClearableFileInput"):
            return "Choose a file to upload"
        if kind == "CheckboxInput":
            return f"Tick ‘{label}’ to go on"
        verb = "Choose" if kind in _CHOOSE_WIDGETS else "Enter"
        if label_l.lower() in _PREPOSITIONS:
            if kind in _CHOOSE_WIDGETS:  # the organisation or person it is from or to
                return f"{verb} who it is {label_l.lower()}"
            return f"{verb} ‘{label}’"
        first = label_l.split(" ", 1)[0].lower()
        return f"{verb} {label_l}" if first in _NO_ARTICLE else f"{verb} the {label_l}"
    if label_l.lower() in _PREPOSITIONS:
        label_l = f"‘{label}’"
    for pattern, words in _DJANGO_MESSAGES:
        match = pattern.fullmatch(message)
        if match:
            return words.format(label=label, label_l=label_l, **match.groupdict())
    return message


def month(value: Any) -> str:
    """A month as people say it: date(2025, 3, 1) or '2025-03-01' → 'Mar 2025'."""
    if value is None or value == "":
        return "–"
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:7] + "-01")
    return value.strftime("%b %Y")


def day(value: Any) -> str:
    """A day as the NHS.UK style guide writes it: date(2027, 7, 1) → '1 July 2027'."""
    if value is None or value == "":
        return "–"
    return value.strftime("%-d %B %Y")


def day_time(value: Any) -> str:
    """A moment to the minute, in the site's time zone: '1 July 2027 at 14:05'."""
    if value is None or value == "":
        return "–"
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime("%-d %B %Y at %H:%M")


def mid_sentence(name: str) -> str:
    """A name as it reads inside a sentence: 'Emergency admissions' → 'emergency
    admissions', but 'A&E attendances' and 'GP appointments' keep their capitals."""
    first = name.split(" ", 1)[0]
    if len(first) > 1 and first.isupper():
        return name
    return name[:1].lower() + name[1:]


class StrictOutsideNhsukUndefined(ChainableUndefined):
    """Fails on a name that no one defined, as soon as a template uses it, so a misspelt name
    fails the page in the tests and in DEBUG instead of rendering blank.

    NHS.UK's own macros rely on missing parameters and names being quietly empty, so a missing
    attribute (``params.hint``) and the names those macros leave undefined stay lenient.
    """

    lenient_names: frozenset[str] = frozenset()

    def _strict(self) -> bool:
        return (
            self._undefined_obj is missing
            and self._undefined_name not in self.lenient_names
            and not (self._undefined_hint or "").startswith("parameter ")  # a macro's argument
        )

    def _check(self) -> None:
        if self._strict():
            self._fail_with_undefined_error()

    def __str__(self) -> str:
        self._check()
        return super().__str__()

    def __iter__(self) -> Any:
        self._check()
        return super().__iter__()

    def __bool__(self) -> bool:
        self._check()
        return super().__bool__()

    def __len__(self) -> int:
        self._check()
        return super().__len__()


def _names_nhsuk_leaves_undefined(env: Environment) -> frozenset[str]:
    """Every name an NHS.UK frontend template uses without defining it."""
    names: set[str] = {"undefined", "caller"}
    for template in env.list_templates(filter_func=lambda n: n.startswith("nhsuk/")):
        source = env.loader.get_source(env, template)[0]  # type: ignore[union-attr]
        names |= meta.find_undeclared_variables(env.parse(source))
    return frozenset(names)


def environment(**options: Any) -> Environment:
    """Build the Jinja environment Django's Jinja2 backend uses."""
    loader = options.pop("loader")
    options["undefined"] = ChainableUndefined
    options["autoescape"] = True
    env = Environment(
        loader=ChoiceLoader([loader, PackageLoader("nhsuk_frontend_jinja")]),
        extensions=["jinja2.ext.do"],
        **options,
    )
    env.globals.update(
        {
            "url": url,
            "static": staticfiles_storage.url,
            "get_messages": get_messages,
            "can": can,
            "zip": zip,
            "field_error": field_error,
        }
    )
    env.filters["thousands"] = thousands
    env.filters["json_script"] = json_script
    env.filters["pounds"] = pounds
    env.filters["millions"] = millions
    env.filters["month"] = month
    env.filters["day"] = day
    env.filters["day_time"] = day_time
    env.filters["mid_sentence"] = mid_sentence
    if settings.FOOTPRINT_STRICT_TEMPLATES:
        nhsuk = Environment(
            loader=PackageLoader("nhsuk_frontend_jinja"), extensions=["jinja2.ext.do"]
        )
        strict = type(
            "StrictUndefined",
            (StrictOutsideNhsukUndefined,),
            {"lenient_names": _names_nhsuk_leaves_undefined(nhsuk)},
        )
        env.undefined = strict
    return env
