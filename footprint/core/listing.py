"""Searchable, sortable lists of records: what the person asked for, and the column links.

A list page reads ``search`` and ``sort`` from its address with ``asked``, orders its query
with ``order_by`` and gives its table's header ``columns``: each column's link sorts by it
(again to reverse) and says how the table is sorted (``aria-sort``), keeping the search.

Text sorts as people read it: "Ashenby and Kennerton" before "Ashenby Medical Practice",
whatever the case (``by``), on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db.models import CharField, F, TextField
from django.db.models.expressions import Expression, OrderBy
from django.db.models.functions import Lower
from django.http import HttpRequest
from django.utils.http import urlencode


class _Caseless(F):
    """A field to order by, compared without regard to case when it holds text (its lower-case
    form, ``Lower``); numbers and dates as they are. Which it is is known only once the query
    resolves the name (through joins and annotations), so it is decided then."""

    def resolve_expression(self, *args: Any, **kwargs: Any) -> Any:
        resolved = super().resolve_expression(*args, **kwargs)
        if isinstance(getattr(resolved, "output_field", None), CharField | TextField):
            return Lower(resolved).resolve_expression(*args, **kwargs)
        return resolved


def by(field: str | Expression | OrderBy) -> Any:
    """``field`` ("name", "-name", "organisation__name") to pass to ``order_by``, text compared
    without regard to case; an expression is passed through as it is."""
    if not isinstance(field, str):
        return field
    if field == "pk" or field.lstrip("-") == "pk":
        return field
    if field.startswith("-"):
        return _Caseless(field[1:]).desc()
    return _Caseless(field).asc()


def asked(request: HttpRequest, sorts: Mapping[str, Any], default: str) -> tuple[str, str]:
    """The search words (at most 100 characters) and the sort key ("-" before it for
    descending) asked for in the address; an unknown sort key gives ``default``."""
    search = request.GET.get("q", "").strip()[:100]
    sort = request.GET.get("sort") or default
    return search, sort if sort.lstrip("-") in sorts else default


def order_by(sort: str, sorts: Mapping[str, Sequence[str]], default: str) -> list[Any]:
    """The fields to order by for ``sort``: its fields in ``sorts``, the first reversed when
    ``sort`` begins with "-", text without regard to case; the primary key last, so that ties
    keep one order."""
    key = sort.lstrip("-")
    if key not in sorts:
        return [*(by(f) for f in sorts[default]), "pk"]
    first, *rest = sorts[key]
    first = f"-{first}" if sort.startswith("-") and isinstance(first, str) else first
    return [by(first), *(by(f) for f in rest), "pk"]


def columns(
    url: str, names: Sequence[tuple[str, str]], *, sort: str, search: str
) -> list[dict[str, str]]:
    """A table header's columns (``key``, ``text``, ``href``, ``aria_sort``) for ``names``,
    (key, heading) pairs, on the list at ``url``."""
    key_sorted, descending = sort.lstrip("-"), sort.startswith("-")

    def href(key: str) -> str:
        new = "-" + key if key == key_sorted and not descending else key
        return url + "?" + urlencode({"sort": new} | ({"q": search} if search else {}))

    return [
        {
            "key": key,
            "text": text,
            "href": href(key),
            "aria_sort": (
                ("descending" if descending else "ascending") if key == key_sorted else "none"
            ),
        }
        for key, text in names
    ]
