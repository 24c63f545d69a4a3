"""Urgent-care flow in the JSON API, for partners with a token: daily returns, the day's OPEL
levels and who has not submitted; and submitting a return, through the same service, rules and
checks as the page (an organisation's staff for its own return, the programme office for any).
A return without an organisation is for the one organisation whose figures the token's owner
keeps."""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from footprint.api.auth import TokenAuth
from footprint.api.errors import Body, Day, Error, Text
from footprint.core import ratelimit
from footprint.core.permissions import can
from footprint.flow import queries, services
from footprint.flow.forms import day_problem
from footprint.flow.models import Measure
from footprint.flow.rules import Permission, submitting_organisations

router = Router(tags=["flow"], auth=TokenAuth())

PARTNERS_ONLY = "Partners only"
# Returns posted for one organisation, counted in the shared database limiter (probe F2: ten
# posts in three seconds flapping OPEL 4 and 1 sent 25 emails). A month's backfill, a post a
# day, fits in one window; a script in a loop is stopped.
RETURNS_MOST = 40
RETURNS_SECONDS = 600
MOST_DAYS = 366  # a request reads at most a year of returns


class FlowReturnOut(Schema):
    organisation: str = Field(description="ODS code")
    organisation_name: str
    date: dt.date
    figures: dict[str, float] = Field(description="By measure (see docs/flow.md)")


@router.get("/flow/returns", response={200: list[FlowReturnOut], 403: Error, 422: Error})
def returns(
    request: HttpRequest,
    date_from: Day,
    date_to: Day,
    organisation: str = Query("", max_length=6, description="An ODS code"),
) -> Any:
    """Daily returns from ``date_from`` to ``date_to``, by organisation and day, each with its
    figures by measure (partners only). At most a year a request: a longer range gives the
    year ending ``date_to``; a range that ends before it starts gives none."""
    if not can(request.user, Permission.VIEW_FLOW):
        return Status(403, {"detail": PARTNERS_ONLY})
    today = timezone.localdate()
    problems = [
        problem
        for day, name in ((date_from, "date_from"), (date_to, "date_to"))
        if (problem := day_problem(day, today, f"{name}:"))
    ]
    if problems:  # a day out of the window was a 500 (probe F3b)
        return Status(422, {"detail": "; ".join(problems)})
    if date_to < date_from:
        return Status(200, [])
    # At most a year a request: the year ending ``date_to``.
    date_from = max(date_from, date_to - dt.timedelta(days=MOST_DAYS - 1))
    orgs = list(queries.reporting_organisations())
    if organisation:
        orgs = [o for o in orgs if o.ods_code == organisation.upper()]
    by_pk = {o.pk: o for o in orgs}
    rows = queries.returns_between(date_from, date_to, orgs)
    return Status(
        200,
        [
            {
                "organisation": by_pk[org].ods_code,
                "organisation_name": by_pk[org].name,
                "date": day,
                "figures": figures,
            }
            for (org, day), figures in sorted(
                rows.items(), key=lambda kv: (kv[0][1], by_pk[kv[0][0]].name)
            )
        ],
    )


class FlowLevelOut(Schema):
    organisation: str | None = Field(description="ODS code; null for the overall ICS level")
    organisation_name: str
    service: str | None = Field(
        None,
        description="The service the level is for (acute, community, mental_health, nhs_111); "
        "null for the overall ICS level",
    )
    score: float = Field(description="0–100")
    level: int = Field(description="OPEL 1–4")


class FlowDayOut(Schema):
    date: dt.date
    levels: list[FlowLevelOut]
    missing: list[str] = Field(description="ODS codes of organisations with no return")


@router.get("/flow/day", response={200: FlowDayOut, 403: Error, 422: Error})
def day(request: HttpRequest, date: Day) -> Any:
    """A day's OPEL levels (the system's first) and who has not submitted (partners only); a
    day before 2000 or more than a year ahead is refused (422), not answered with every
    organisation missing."""
    if not can(request.user, Permission.VIEW_FLOW):
        return Status(403, {"detail": PARTNERS_ONLY})
    if problem := day_problem(date, timezone.localdate(), "date:"):
        return Status(422, {"detail": problem})
    levels = sorted(
        queries.opel_levels(date, date),
        key=lambda lvl: (
            lvl.organisation is not None,
            lvl.organisation.name if lvl.organisation else "",
            lvl.kind,
        ),
    )
    return Status(
        200,
        {
            "date": date,
            "levels": [
                {
                    "organisation": lvl.organisation.ods_code if lvl.organisation else None,
                    "organisation_name": lvl.organisation.name if lvl.organisation else "ICS",
                    "service": lvl.kind or None,
                    "score": lvl.score,
                    "level": lvl.level,
                }
                for lvl in levels
            ],
            "missing": [o.ods_code for o in queries.missing_returns(date)],
        },
    )


class FlowReturnIn(Body):
    organisation: Text | None = Field(
        None,
        max_length=6,
        description="ODS code; leave out for the one organisation whose figures you keep",
    )
    date: dt.date = Field(..., description="The day the figures are for: not in the future")
    figures: dict[str, float | None] = Field(
        ...,
        description="By measure; a measure left out keeps its saved figure, null clears it. "
        f"One of: {', '.join(Measure.values)}",
    )


def _in_words(exc: ValidationError) -> str:
    """The service's problems, each placed in the request: 'figures.ga_beds_occupied: …'."""
    if not hasattr(exc, "error_dict"):
        return " ".join(exc.messages)
    parts = []
    for key, errors in exc.error_dict.items():
        where = key if key in ("date", "__all__") else f"figures.{key}"
        parts.append(f"{where}: {' '.join(ValidationError(errors).messages)}")
    return "; ".join(parts)


class FlowSubmittedOut(Schema):
    organisation: str
    date: dt.date
    figures: int = Field(description="How many figures the day's return now holds")
    level: int | None = Field(
        description="The organisation's OPEL level that day, if it has one (of its first "
        "service, for an organisation with several)"
    )
    levels: dict[str, int] = Field(
        default_factory=dict,
        description="The organisation's OPEL level that day for each of its services",
    )
    system_level: int | None = Field(description="The overall ICS level that day")
    changes: list[str] = Field(description="Changes of level this return made, in words")


@router.post(
    "/flow/returns",
    response={200: FlowSubmittedOut, 403: Error, 404: Error, 422: Error, 429: Error},
)
def submit(request: HttpRequest, body: FlowReturnIn) -> Any:
    """Submit a day's return, or update the one already made: a figure the body does not
    name keeps its saved value, a figure given as null is cleared, the others are set; the
    OPEL level is worked out from the return as it then stands. The same checks as the page
    (no negative count, no more beds occupied than open, no day in the future or before 2000,
    the patients without criteria to reside by pathway adding up to those by reason) and the
    same rule (an organisation's own staff, or the programme office)."""
    if body.organisation:
        orgs = queries.organisations_by_code([body.organisation.upper()])
        organisation = orgs.get(body.organisation.upper())
        if organisation is None:
            return Status(404, {"detail": f"No organisation has the ODS code {body.organisation}"})
    else:
        mine = [
            o
            for o in queries.reporting_organisations()
            if o.pk in submitting_organisations(request.user)
        ]
        if len(mine) != 1:
            return Status(
                422,
                {
                    "detail": "Name the organisation: you keep the figures of "
                    f"{len(mine)} organisations that make a return"
                },
            )
        organisation = mine[0]
    if not can(request.user, Permission.SUBMIT_RETURN, organisation):
        raise PermissionDenied(
            f"You may not submit {organisation.name}'s return: only its own staff may"
        )
    if not queries.kinds_of(organisation):
        return Status(
            422, {"detail": f"{organisation.name} is not expected to make a daily return"}
        )
    if not ratelimit.allow(
        "flow:api_return", organisation.ods_code, most=RETURNS_MOST, seconds=RETURNS_SECONDS
    ):
        return Status(
            429,
            {
                "detail": f"Not saved: at most {RETURNS_MOST} returns for one organisation "
                f"every {RETURNS_SECONDS // 60} minutes through the API, and "
                f"{organisation.name} has reached that. Try again in a few minutes."
            },
        )
    try:
        saved = services.submit_return(
            organisation=organisation,
            day=body.date,
            figures=dict(body.figures),
            by=request.user,
            now=timezone.now(),
        )
    except ValidationError as exc:
        return Status(422, {"detail": _in_words(exc)})
    levels = queries.provider_levels(organisation, body.date)
    lvl = levels[0] if levels else None
    system = queries.opel_level(None, body.date)
    return Status(
        200,
        {
            "organisation": organisation.ods_code,
            "date": body.date,
            "figures": saved.daily_return.values.count(),
            "level": lvl.level if lvl else None,
            "levels": {x.kind: x.level for x in levels},
            "system_level": system.level if system else None,
            "changes": [
                f"{c.organisation.name if c.organisation else 'ICS'}: OPEL "
                f"{c.from_level or '–'} → {c.to_level}"
                for c in saved.changes
            ],
        },
    )
