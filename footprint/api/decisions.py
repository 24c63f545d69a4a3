"""The public decision register in the JSON API. Confidential items are withheld until their
publication date, and listed as withheld."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema

from footprint.api.errors import Day
from footprint.decisions import queries

router = Router(tags=["decisions"])


class DecisionOut(Schema):
    id: int
    decided_on: dt.date
    forum: str
    decision_type: str
    title: str
    outcome: str = Field(description="approved, rejected or deferred (to a later meeting)")
    outcome_label: str = Field(description="The outcome in words: Approved, Rejected, Deferred")
    option: str
    rationale: str
    supersedes: int | None


class WithheldOut(Schema):
    decided_on: dt.date
    forum: str
    publish_after: dt.date


class RegisterOut(Schema):
    decisions: list[DecisionOut]
    withheld: list[WithheldOut]


@router.get("/decisions", response=RegisterOut)
def decision_register(
    request: HttpRequest,
    search: str = "",
    forum: str = "",
    place: str = "",
    decision_type: str = "",
    date_from: Day | None = None,
    date_to: Day | None = None,
) -> Any:
    """Every decision the public may see, newest first, filtered like the register page. A
    deferral to a later meeting is listed as a decision with the outcome ``deferred``."""
    today = timezone.localdate()
    qs = queries.register(
        today=today,
        search=search,
        forum=forum,
        place=place,
        decision_type=decision_type,
        date_from=date_from,
        date_to=date_to,
    )
    return {
        "decisions": [
            {
                "id": d.pk,
                "decided_on": d.decided_on,
                "forum": d.forum.name,
                "decision_type": d.proposal.decision_type.name,
                "title": d.proposal.title,
                "outcome": d.outcome,
                "outcome_label": d.get_outcome_display(),
                "option": d.option,
                "rationale": d.rationale,
                # a confidential decision replaced before its date: not even its number
                "supersedes": d.supersedes_id if d.supersedes_public else None,
            }
            for d in qs[:500]
        ],
        "withheld": [
            {
                "decided_on": d.decided_on,
                "forum": d.forum.name,
                "publish_after": d.proposal.publish_after,
            }
            for d in queries.withheld(today)
        ],
    }
