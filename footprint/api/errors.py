"""The API's one error body, and the responses every operation may give besides its own.

Every refusal is ``{"detail": "…in words…"}``; a request that does not fit the schema (422)
also lists each problem in ``errors``, where it is (``["query", "year"]``) and what is wrong.
The schema declares, for every operation, 400 (a body that is not JSON, or a NUL character in
the request), 422 (the request does not fit the schema, or a service refused the figures) and,
for those that need a token, 401."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import BeforeValidator, model_validator

NOT_READABLE = (
    "The request could not be read: a body that is not JSON (a JSON error); a NUL character "
    "in the address, or a body over 2.5 MB (an HTML page, from the site's request checks)"
)
NO_TOKEN = (
    "No token, or one that is not a live token of an active person (revoked, or past the day "
    "it works until)"
)
READ_ONLY = "The owner may not do this, or the token is for reading only"
INVALID = (
    "The request does not fit the schema (each problem in `errors`), or the service refused "
    "it (`detail` says why)"
)


class FieldProblem(Schema):
    loc: list[str | int] = Field(description="Where: the part of the request, then the field")
    msg: str
    type: str


class Error(Schema):
    detail: str = Field(description="What is wrong, in words")
    errors: list[FieldProblem] = Field(
        default_factory=list,
        description="For a request that does not fit the schema, each problem; otherwise empty",
    )


def in_words(errors: list[dict[str, Any]]) -> str:
    """Ninja's validation errors as one line: 'query.year: Input should be … ; body.value: …'."""
    return "; ".join(
        f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', 'is not valid')}"
        for e in errors
    )


def problems(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each validation error as location, message and type (no echo of the input, which may be
    large or hold what the caller typed by mistake)."""
    return [
        {
            "loc": [p if isinstance(p, int) else str(p) for p in e.get("loc", ())],
            "msg": str(e.get("msg", "")),
            "type": str(e.get("type", "")),
        }
        for e in errors
    ]


# The site's request checks (footprint.core.middleware) refuse a NUL character anywhere in the
# address with 400: every text parameter says so; text in a body says so itself (``Text``).
NO_NUL = "^[^\\x00]*$"


class Body(Schema):
    """A request body: a JSON object, nothing else. (Ninja's schemas read attributes, so a list,
    a number or text would otherwise pass as an object with every field missing.)"""

    @model_validator(mode="wrap")
    @classmethod
    def _an_object(cls, value: Any, handler: Any) -> Any:
        if not isinstance(value, (dict, cls)):
            raise ValueError("the body must be a JSON object")
        return handler(value)


# Text in a body: no NUL character (PostgreSQL cannot keep one).
Text = Annotated[str, Field(pattern=NO_NUL)]

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_date_only(value: Any) -> Any:
    """Refuse what pydantic would otherwise read as a date: a number of seconds since 1970
    ('0'), so that only a day written as 2026-04-01 is one."""
    if isinstance(value, str) and not ISO_DATE.match(value):
        raise ValueError("is not a day written as 2026-04-01")
    return value


# A day in a query, written as 2026-04-01.
Day = Annotated[dt.date, BeforeValidator(_iso_date_only)]


def _declare_no_nul(parameter: dict[str, Any]) -> None:
    schema = parameter.get("schema", {})
    if schema.get("type") == "string" and not ({"pattern", "enum", "format"} & set(schema)):
        schema["pattern"] = NO_NUL


def declare_common_responses(schema: dict[str, Any]) -> dict[str, Any]:
    """Add what every operation may answer to the OpenAPI document: 400 and 422 for all, 401
    for those that need a token, 403 for those that change something with one (a read-only
    token is refused); and, on each text parameter, that a NUL character is refused."""
    ref = {"$ref": "#/components/schemas/Error"}
    json_error = {"application/json": {"schema": ref}}
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                _declare_no_nul(parameter)
            # Ninja keys the operation's own responses by number; JSON by text.
            responses = {str(k): v for k, v in operation.get("responses", {}).items()}
            operation["responses"] = responses
            responses.setdefault(
                "400",
                {
                    "description": NOT_READABLE,
                    "content": {
                        **json_error,
                        "text/html": {"schema": {"type": "string"}},
                    },
                },
            )
            responses.setdefault("422", {"description": INVALID, "content": json_error})
            if operation.get("security"):
                responses.setdefault("401", {"description": NO_TOKEN, "content": json_error})
                if method.lower() not in ("get", "head", "options"):
                    responses.setdefault("403", {"description": READ_ONLY, "content": json_error})
    return schema
