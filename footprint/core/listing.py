"""Searchable, sortable lists of records: what the person asked for, and the column links.

A list page reads ``search`` and ``sort`` from its address with ``asked``, orders its query
with ``order_by`` and gives its table's header ``columns``: each column's link sorts by it
(again to reverse) and says how the table is sorted (``aria-sort``), keeping the search.

Text sorts as people read it: "Ashenby and Kennerton" before "Ashenby Medical Practice",
whatever the case, and "Émile" beside "Emile", not after "Zoë" (``by``, ``SortKey``), on SQLite
and PostgreSQL alike: the sort key is the text with the accents of Latin letters taken off
(one table, ``FOLD``, used by both databases), then lower-cased.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

from django.db.models import CharField, F, Func, TextField, Value
from django.db.models.expressions import Expression, OrderBy
from django.db.models.functions import Lower
from django.http import HttpRequest
from django.utils.http import urlencode


def _folded(c: str) -> str:
    """``c`` without its accents, lower-cased: "É" → "e", "ø" → "o", "ß" → "s"."""
    special = {"ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ł": "l", "Ł": "l", "ß": "s", "æ": "a"}
    special |= {"Æ": "a", "œ": "o", "Œ": "o", "ð": "d", "Ð": "d", "þ": "t", "Þ": "t", "ı": "i"}
    if c in special:
        return special[c]
    bare = "".join(x for x in unicodedata.normalize("NFD", c) if not unicodedata.combining(x))
    return bare.lower()


# Each accented Latin letter (Latin-1 and Latin Extended-A and -B) and the plain lower-case
# letter it sorts as, one character for one: PostgreSQL's TRANSLATE and SQLite's
# ``footprint_fold`` (registered on every SQLite connection, ``register_sqlite_functions``)
# both apply this table, so the two databases sort alike.
FOLD: dict[str, str] = {
    c: f
    for c in map(chr, range(0xC0, 0x250))
    if c.isalpha() and len(f := _folded(c)) == 1 and f.isascii() and f != c
}
_FOLD_FROM, _FOLD_TO = "".join(FOLD), "".join(FOLD.values())
_FOLD_TABLE = str.maketrans(FOLD)


def fold(text: str | None) -> str | None:
    """``text`` with ``FOLD`` applied (the accents of Latin letters taken off)."""
    return None if text is None else text.translate(_FOLD_TABLE)


def register_sqlite_functions(sender: Any, connection: Any, **kwargs: Any) -> None:
    """On each new SQLite connection (the ``connection_created`` signal), add
    ``footprint_fold``, the SQL function ``SortKey`` calls there."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("footprint_fold", 1, fold, deterministic=True)


class _Fold(Func):
    """The text with ``FOLD`` applied: ``TRANSLATE`` on PostgreSQL, ``footprint_fold`` (a
    Python function registered on the connection) on SQLite."""

    output_field = TextField()

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(
            compiler, connection, function="TRANSLATE", template="%(function)s(%(expressions)s)"
        )

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        (text, *_) = self.get_source_expressions()
        return Func(text, function="footprint_fold").as_sql(compiler, connection)


def SortKey(text: Any) -> Func:
    """The key text sorts by: lower-cased, Latin letters without their accents."""
    return Lower(_Fold(text, Value(_FOLD_FROM), Value(_FOLD_TO)))


class _Caseless(F):
    """A field to order by, compared as people read it when it holds text (``SortKey``: without
    regard to case or accents); numbers and dates as they are. Which it is is known only once
    the query resolves the name (through joins and annotations), so it is decided then."""

    def resolve_expression(self, *args: Any, **kwargs: Any) -> Any:
        resolved = super().resolve_expression(*args, **kwargs)
        if isinstance(getattr(resolved, "output_field", None), CharField | TextField):
            return SortKey(resolved).resolve_expression(*args, **kwargs)
        return resolved


def by(field: str | Expression | OrderBy) -> Any:
    """``field`` ("name", "-name", "organisation__name") to pass to ``order_by``, text compared
    without regard to case or accents; an expression is passed through as it is."""
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
