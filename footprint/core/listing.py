"""Searchable, sortable lists of records: what the person asked for, and the column links.

A list page reads ``search`` and ``sort`` from its address with ``asked``, orders its query
with ``order_by`` and gives its table's header ``columns``: each column's link sorts by it
(again to reverse) and says how the table is sorted (``aria-sort``), keeping the search.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.http import HttpRequest
from django.utils.http import urlencode


def asked(request: HttpRequest, sorts: Mapping[str, Any], default: str) -> tuple[str, str]:
    """The search words (at most 100 characters) and the sort key ("-" before it for
    descending) asked for in the address; an unknown sort key gives ``default``."""
    search = request.GET.get("q", "").strip()[:100]
    sort = request.GET.get("sort") or default
    return search, sort if sort.lstrip("-") in sorts else default


def order_by(sort: str, sorts: Mapping[str, Sequence[str]], default: str) -> list[str]:
    """The fields to order by for ``sort``: its fields in ``sorts``, the first reversed when
    ``sort`` begins with "-"; the primary key last, so that ties keep one order."""
    key = sort.lstrip("-")
    if key not in sorts:
        return [*sorts[default], "pk"]
    first, *rest = sorts[key]
    return [f"-{first}" if sort.startswith("-") else first, *rest, "pk"]


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
