"""Decisions in the JSON API: the public decision register for everyone (confidential items
withheld until their publication date, and listed as withheld); and, for partners with a
token, every proposal with each board's consent and the decisions on it, as the proposal
pages show them."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Path, Router, Schema, Status

from footprint.api.auth import TokenAuth
from footprint.api.errors import Day, Error
from footprint.api.pagination import MAX_ID
from footprint.core.permissions import can
from footprint.decisions import queries, services
from footprint.decisions.models import ImpactAssessment, Proposal
from footprint.decisions.rules import Permission

router = Router(tags=["decisions"])


class ImpactOut(Schema):
    kind: str = Field(description="Protected characteristic, or Core20PLUS")
    group: str = Field(description="The group, e.g. Age, Core20: …, PLUS: Unpaid carers")
    direction: str = Field(description="positive, neutral, negative or unknown")
    note: str = Field(description="Who is affected, and how")


class AssessmentOut(Schema):
    completed_on: dt.date
    summary: str = Field(description="How many groups each direction has, in words")
    impacts: list[ImpactOut] = Field(
        description="The nine protected characteristics of the Equality Act 2010, Core20, "
        "then the PLUS groups the partnership chose"
    )
    evidence: str
    mitigations: str


class PartnerAssessmentOut(AssessmentOut):
    completed_by: str | None = Field(description="Who completed it (empty: the operator)")


def _assessment(a: ImpactAssessment | None, *, partner: bool = False) -> dict[str, Any] | None:
    if a is None:
        return None
    out: dict[str, Any] = {
        "completed_on": a.completed_on,
        "summary": a.summary(),
        "impacts": [
            {"kind": r["kind"], "group": r["group"], "direction": r["direction"], "note": r["note"]}
            for r in a.rows()
        ],
        "evidence": a.evidence,
        "mitigations": a.mitigations,
    }
    if partner:
        who = a.completed_by
        out["completed_by"] = (who.get_full_name() or who.username) if who else None
    return out


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
    assessment: AssessmentOut | None = Field(
        description="The proposal's equality and health inequalities impact assessment, if "
        "one was completed (not given with a deferral)"
    )


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
    decisions = list(qs[:500])
    assessments = queries.register_assessments(decisions)
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
                "assessment": None
                if d.outcome == "deferred"
                else _assessment(assessments.get(d.proposal_id)),
            }
            for d in decisions
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


# Proposals with their consents, for partners with a token (a confidential one only for those
# who may read it, as on the proposal pages).


class ConsentOut(Schema):
    ods_code: str
    organisation: str
    response: str = Field(description="consent, object or abstain")
    reason: str
    board_ratified: bool = Field(description="Whether the organisation's own board ratified")
    recorded_at: dt.datetime


class MoneyOut(Schema):
    ods_code: str
    organisation: str
    amount_pence: int = Field(description="In (positive) or out (negative) if it goes ahead")


class ActionOut(Schema):
    description: str
    owner: str = Field(description="The organisation that owns it, by name")
    due: dt.date
    done: bool


class ProposalDecisionOut(Schema):
    id: int
    decided_on: dt.date
    forum: str
    meeting: dt.date
    outcome: str = Field(description="approved, rejected or deferred (to a later meeting)")
    option: str
    rationale: str
    votes: dict[str, Any] = Field(description="Each board's response, quorum and rule, as taken")
    supersedes: int | None
    actions: list[ActionOut]


class ProposalSummaryOut(Schema):
    id: int
    title: str
    status: str = Field(
        description="draft, seeking_consent, escalated, deferred, decided or withdrawn"
    )
    decision_type: str
    value_pence: int
    brought_to: str
    forum: str | None = Field(description="The forum that may decide it")
    confidential: bool
    publish_after: dt.date | None
    consent_asked_on: dt.date | None
    consent_deadline: dt.date | None
    created_at: dt.datetime


class ProposalOut(ProposalSummaryOut):
    summary: str
    options: list[str]
    recommended_option: str
    confidential_reason: str
    consents: list[ConsentOut]
    conflicts: int = Field(description="How many people declared a conflict of interest")
    money: list[MoneyOut]
    decisions: list[ProposalDecisionOut]
    assessment: PartnerAssessmentOut | None = Field(
        description="Its equality and health inequalities impact assessment, once completed"
    )
    assessment_missing: str = Field(
        description="Why it may not be approved or rejected yet for want of a completed "
        "assessment (its money at stake is above the partnership's threshold), or empty"
    )


ProposalStatus = Literal[
    "draft", "seeking_consent", "escalated", "deferred", "decided", "withdrawn"
]


def _summary(p: Proposal) -> dict[str, Any]:
    return {
        "id": p.pk,
        "title": p.title,
        "status": p.status,
        "decision_type": p.decision_type.name,
        "value_pence": p.value_pence,
        "brought_to": p.brought_to.name,
        "forum": p.forum.name if p.forum else None,
        "confidential": p.confidentiality == Proposal.Confidentiality.CONFIDENTIAL,
        "publish_after": p.publish_after,
        "consent_asked_on": p.consent_asked_on,
        "consent_deadline": p.consent_deadline,
        "created_at": p.created_at,
    }


@router.get(
    "/decisions/proposals",
    response={200: list[ProposalSummaryOut], 403: Error},
    auth=TokenAuth(),
)
def proposals(request: HttpRequest, status: ProposalStatus | None = None) -> Any:
    """Every proposal the caller may read, newest first, or those with one status (partners
    only; a confidential proposal only for the programme office, its forums' members, its
    sponsor and the organisations with money in it, as on the decisions pages)."""
    if not can(request.user, Permission.VIEW_DECISIONS):
        return Status(403, {"detail": "Partners only"})
    qs = queries.proposals(status or "")
    if not can(request.user, Permission.READ_PROPOSAL):
        qs = qs.filter(queries.readable_q(request.user, timezone.localdate())).distinct()
    return Status(200, [_summary(p) for p in qs[:500]])


@router.get(
    "/decisions/proposals/{proposal_id}",
    response={200: ProposalOut, 403: Error, 404: Error},
    auth=TokenAuth(),
)
def proposal(request: HttpRequest, proposal_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    """One proposal with each board's consent, the money in and out, and the forums'
    decisions on it (any deferrals, then the decision) with their votes and actions
    (partners only)."""
    if not can(request.user, Permission.VIEW_DECISIONS):
        return Status(403, {"detail": "Partners only"})
    p = queries.proposal_page().filter(pk=proposal_id).first()
    if p is None:
        return Status(404, {"detail": "No such proposal"})
    if not can(request.user, Permission.READ_PROPOSAL, p):
        return Status(
            403,
            {
                "detail": "A confidential proposal: only the programme office, its forums' "
                "members, its sponsor and the organisations with money in it may read it"
            },
        )
    return Status(
        200,
        _summary(p)
        | {
            "summary": p.summary,
            "options": p.option_list,
            "recommended_option": p.recommended_option,
            "confidential_reason": p.confidential_reason,
            "consents": [
                {
                    "ods_code": c.organisation.ods_code,
                    "organisation": c.organisation.name,
                    "response": c.response,
                    "reason": c.reason,
                    "board_ratified": c.board_ratified,
                    "recorded_at": c.recorded_at,
                }
                for c in queries.consents(p).order_by("organisation__name")
            ],
            "conflicts": len(queries.conflicted_ids(p)),
            "money": [
                {
                    "ods_code": m.organisation.ods_code,
                    "organisation": m.organisation.name,
                    "amount_pence": m.amount_pence,
                }
                for m in queries.money(p)
            ],
            "decisions": [
                {
                    "id": d.pk,
                    "decided_on": d.decided_on,
                    "forum": d.forum.name,
                    "meeting": d.meeting.date,
                    "outcome": d.outcome,
                    "option": d.option,
                    "rationale": d.rationale,
                    "votes": d.votes,
                    "supersedes": d.supersedes_id,
                    "actions": [
                        {
                            "description": a.description,
                            "owner": a.owner.name,
                            "due": a.due,
                            "done": a.done,
                        }
                        for a in d.actions.all()
                    ],
                }
                for d in queries.decisions(p)
            ],
            "assessment": _assessment(queries.assessment_of(p), partner=True),
            "assessment_missing": services.assessment_missing(p),
        },
    )
