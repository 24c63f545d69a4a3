"""Consultations in the JSON API: for everyone, the public ones and each published report
("you said, we did") with its reach, opinion groups and statements; for partners with a token,
the consultations for partners, practices and staff too, and their published reports. Only
published material: the opinion groups as they form stay on the workspace pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from footprint.api.auth import TokenAuth
from footprint.api.errors import Error
from footprint.core.permissions import can
from footprint.engagement import queries
from footprint.engagement.models import Consultation
from footprint.engagement.rules import Permission

router = Router(tags=["engagement"])


class ConsultationOut(Schema):
    slug: str
    title: str
    summary: str
    audience: str = Field(description="public, partners, practices or staff")
    status: str
    opens_on: dt.date
    closes_on: dt.date
    report_published: bool
    draft: bool = Field(
        description="Not yet announced: seen by partners only (never in the public list)"
    )


class ResponseOut(Schema):
    you_said: str
    we_did: str
    statement: str | None
    decision: str | None


class ReportOut(Schema):
    slug: str
    title: str
    summary: str
    reach: dict[str, Any]
    groups: list[dict[str, Any]]
    consensus: list[dict[str, Any]]
    statements: list[dict[str, Any]]
    responses: list[ResponseOut]


@router.get("/consultations", response=list[ConsultationOut])
def consultations(request: HttpRequest) -> Any:
    """Every public consultation: open, upcoming and closed."""
    today = timezone.localdate()
    return [_consultation(c, today) for c in queries.consultations(partners_too=False)]


def _consultation(c: Consultation, today: dt.date) -> dict[str, Any]:
    return {
        "slug": c.slug,
        "title": c.title,
        "summary": c.summary,
        "audience": c.audience,
        "status": c.status(today),
        "opens_on": c.opens_on,
        "closes_on": c.closes_on,
        "report_published": c.report_published_at is not None,
        "draft": c.draft,
    }


@router.get("/consultations/{slug}/report", response={200: ReportOut, 404: Error})
def report(request: HttpRequest, slug: str) -> Any:
    """A published consultation report: who took part, the opinion groups, every statement's
    votes, and the partnership's responses."""
    c = queries.published_public_report(slug)
    if c is None:
        return Status(404, {"detail": "No published report for this consultation"})
    return Status(200, _report(c))


@router.get(
    "/engagement/consultations",
    response={200: list[ConsultationOut], 403: Error},
    auth=TokenAuth(),
)
def partner_consultations(request: HttpRequest) -> Any:
    """Every consultation a partner reads: the public ones and those for partners, practices
    and staff, each with its audience (partners only)."""
    if not can(request.user, Permission.VIEW_ENGAGEMENT):
        return Status(403, {"detail": "Partners only"})
    today = timezone.localdate()
    return Status(200, [_consultation(c, today) for c in queries.consultations(partners_too=True)])


@router.get(
    "/engagement/consultations/{slug}/report",
    response={200: ReportOut, 403: Error, 404: Error},
    auth=TokenAuth(),
)
def partner_report(request: HttpRequest, slug: str) -> Any:
    """A published report of any consultation the token's owner may read, whatever its
    audience (partners only)."""
    if not can(request.user, Permission.VIEW_ENGAGEMENT):
        return Status(403, {"detail": "Partners only"})
    c = queries.published_report(slug)
    if c is None or not can(request.user, Permission.VIEW_REPORT, c):
        return Status(404, {"detail": "No published report for this consultation"})
    return Status(200, _report(c))


def _report(c: Consultation) -> dict[str, Any]:
    snapshot = queries.published_snapshot(c)  # as published, whatever is recomputed since
    reach = queries.published_reach(c)  # as published, small counts withheld
    return {
        "slug": c.slug,
        "title": c.title,
        "summary": c.report_summary,
        "reach": {
            **{k: reach[k] for k in queries.REACH_COUNTS},
            # Each breakdown (by_place, by_age) ends with "Did not say": it adds up to
            # the participants. A count too small to publish is null ("fewer than 5").
            **{f"by_{b.key}": dict(b.rows) for b in reach["breakdowns"]},
            "withheld_below": queries.SMALL,
        },
        "groups": snapshot.groups if snapshot else [],
        "consensus": snapshot.consensus if snapshot else [],
        "statements": snapshot.statements if snapshot else [],
        # As last published: later responses wait for the programme office to publish again.
        "responses": [
            {
                "you_said": r["theme"],
                "we_did": r["response"],
                "statement": r["statement"]["text"] if r["statement"] else None,
                "decision": r["decision"]["proposal"]["title"] if r["decision"] else None,
            }
            for r in (queries.published_document(c) or queries.report_document(c))["responses"]
        ],
    }
