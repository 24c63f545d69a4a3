"""Decision pages: forums, proposals with consent, the public register."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from footprint.core.exports import csv_response
from footprint.core.permissions import can, permission_required, require
from footprint.decisions import compute, queries, services
from footprint.decisions.forms import (
    AskForm,
    ConflictForm,
    ConsentForm,
    DecideForm,
    EscalateForm,
    MeetingForm,
    ProposalForm,
    RegisterFilterForm,
)
from footprint.decisions.models import Forum, Proposal
from footprint.decisions.rules import seats

partner_only = permission_required("decisions.view_decisions")


@partner_only
def home(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in Proposal.Status.values:
        status = ""
    return render(
        request,
        "decisions/home.jinja",
        {
            "forums": queries.forums(),
            "proposals": queries.proposals(status)[:100],
            "today": timezone.localdate(),
            "status": status,
            "statuses": Proposal.Status.choices,
            "overdue": list(queries.overdue_actions(dt.date.today())),
            "may_propose": can(request.user, "decisions.add_proposal"),
        },
    )


@partner_only
def overdue_actions(request: HttpRequest) -> HttpResponse:
    """Overdue actions, for the workspace home to load into itself."""
    return render(
        request,
        "decisions/_overdue.jinja",
        {"overdue": list(queries.overdue_actions(dt.date.today())), "limit": 5},
    )


@partner_only
def forum_detail(request: HttpRequest, slug: str) -> HttpResponse:
    forum = get_object_or_404(Forum.objects.select_related("parent", "place"), slug=slug)
    may_configure = can(request.user, "decisions.configure")
    form = MeetingForm(request.POST or None, forum=forum)
    if request.method == "POST":
        require(request.user, "decisions.configure")
        if form.is_valid():
            attendees = forum.members.filter(
                representative_id__in=form.cleaned_data["attendees"]
            ).values_list("representative", flat=True)
            services.record_meeting(
                forum=forum,
                date=form.cleaned_data["date"],
                attendees=list(get_user_model().objects.filter(pk__in=attendees)),
                by=request.user,
            )
            messages.success(request, "The meeting has been recorded.")
            return redirect(forum)
    return render(
        request,
        "decisions/forum.jinja",
        {
            "forum": forum,
            "quorum_words": compute.quorum_words(forum),
            "members": forum.members.select_related("organisation", "representative"),
            "delegations": forum.delegations.select_related("decision_type"),
            "meetings": forum.meetings.prefetch_related("attendees")[:12],
            "proposals": forum.proposals.select_related("decision_type")[:50],
            "form": form,
            "may_configure": may_configure,
        },
    )


@partner_only
def proposal_new(request: HttpRequest) -> HttpResponse:
    require(request.user, "decisions.add_proposal")
    form = ProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        proposal = services.create_proposal(
            title=d["title"],
            summary=d["summary"],
            options=d["options"],
            recommended_option=d["recommended_option"],
            decision_type=d["decision_type"],
            value_pence=int(d["value_pounds"] * 100),
            brought_to=d["brought_to"],
            goal_links=d["goal_links"],
            confidentiality=d["confidentiality"],
            confidential_reason=d["confidential_reason"],
            publish_after=d["publish_after"],
            money=d["money"],
            by=request.user,
        )
        return redirect(proposal)
    return render(
        request,
        "decisions/proposal_form.jinja",
        {
            "form": form,
        },
    )


@partner_only
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(
        Proposal.objects.select_related("forum__parent", "brought_to", "decision_type"), pk=pk
    )
    my_seats = seats(request.user, proposal.forum_id)
    manage = can(request.user, "decisions.manage_proposal", proposal)
    today = timezone.localdate()
    forms: dict[str, Any] = {
        "ask": AskForm(prefix="a", today=today),
        "consent": ConsentForm(
            prefix="c",
            organisations=[s.organisation for s in my_seats if s.organisation.has_statutory_board],
        ),
        "conflict": ConflictForm(prefix="x"),
        "escalate": EscalateForm(prefix="e"),
        "decide": DecideForm(prefix="d", proposal=proposal),
    }
    if request.method == "POST":
        response = _act(request, proposal, forms, manage)
        if response is not None:
            return response
    _, steps = compute.route(proposal.decision_type_id, proposal.value_pence, proposal.brought_to)
    meetings = (
        list(proposal.forum.meetings.filter(date__gte=proposal.proposed_on)[:3])
        if proposal.forum
        else []
    )
    return render(
        request,
        "decisions/proposal.jinja",
        {
            "proposal": proposal,
            "today": today,
            "consent_overdue": proposal.consent_overdue(today),
            "routing": steps,
            "forms": forms,
            "manage": manage,
            "may_consent": bool(forms["consent"].fields["organisation"].queryset.exists())
            and proposal.status == Proposal.Status.SEEKING_CONSENT,
            "eligible": compute.eligible_organisations(proposal.forum) if proposal.forum else [],
            "consents": {
                c.organisation.ods_code: c
                for c in proposal.consents.select_related("organisation", "recorded_by")
            },
            "rule": compute.rule_result(proposal),
            "verdicts": [(m, compute.verdict(proposal, m)) for m in meetings]
            if proposal.forum
            else [],
            "money": proposal.money.select_related("organisation"),
            "conflicts": proposal.conflicts.select_related("person"),
            "escalations": proposal.escalations.select_related("from_forum", "to_forum"),
            "history": queries.history(proposal),
            "members": proposal.forum.members.select_related("organisation", "representative")
            if proposal.forum
            else [],
        },
    )


def _act(
    request: HttpRequest, proposal: Proposal, forms: dict[str, Any], manage: bool
) -> HttpResponse | None:
    """Handle one of the proposal page's forms; None to show the page with its errors."""
    action = request.POST.get("action")
    try:
        if action == "ask":
            if not manage:
                raise PermissionDenied
            form = forms["ask"] = AskForm(request.POST, prefix="a", today=timezone.localdate())
            if not form.is_valid():
                return None
            deadline = form.cleaned_data["deadline"]
            sent = services.ask_for_consent(proposal=proposal, by=request.user, deadline=deadline)
            messages.success(
                request,
                f"Consent asked for by {deadline:%-d %B %Y}; {sent} representatives emailed.",
            )
        elif action == "consent":
            form = forms["consent"] = ConsentForm(
                request.POST,
                prefix="c",
                organisations=[s.organisation for s in seats(request.user, proposal.forum_id)],
            )
            if not form.is_valid():
                return None
            d = form.cleaned_data
            services.record_consent(
                proposal=proposal,
                organisation=d["organisation"],
                response=d["response"],
                reason=d["reason"],
                board_ratified=d["board_ratified"],
                by=request.user,
            )
            messages.success(request, "Your organisation's response has been recorded.")
        elif action == "conflict":
            form = forms["conflict"] = ConflictForm(request.POST, prefix="x")
            if not form.is_valid():
                return None
            services.declare_conflict(
                proposal=proposal,
                person=request.user,
                description=form.cleaned_data["description"],
                by=request.user,
            )
            messages.success(request, "Your conflict of interest has been recorded.")
        elif action == "escalate":
            if not manage:
                raise PermissionDenied
            form = forms["escalate"] = EscalateForm(request.POST, prefix="e")
            if not form.is_valid():
                return None
            services.escalate(
                proposal=proposal, reason=form.cleaned_data["reason"], by=request.user
            )
            messages.success(request, "The objection has been escalated to the forum above.")
        elif action == "decide":
            if not manage:
                raise PermissionDenied
            form = forms["decide"] = DecideForm(request.POST, prefix="d", proposal=proposal)
            if not form.is_valid():
                return None
            d = form.cleaned_data
            services.decide(
                proposal=proposal,
                meeting=d["meeting"],
                outcome=d["outcome"],
                option=d["option"],
                rationale=d["rationale"],
                actions=d["actions"],
                supersedes=d["supersedes"],
                by=request.user,
            )
            messages.success(request, "The decision has been recorded.")
        else:
            return None
    except ValidationError as exc:
        target = {
            "ask": "ask",
            "consent": "consent",
            "escalate": "escalate",
            "decide": "decide",
        }.get(action or "", "decide")
        for message in exc.messages:
            forms[target].add_error(None, message)
        return None
    return redirect(proposal)


def register(request: HttpRequest) -> HttpResponse:
    """The public decision register: searchable, filterable, downloadable."""
    today = dt.date.today()
    form = RegisterFilterForm(request.GET or None)
    d = form.cleaned_data if form.is_valid() else {}
    qs = queries.register(
        today=today,
        search=d.get("q", ""),
        forum=d.get("forum", ""),
        place=d.get("place", ""),
        decision_type=d.get("type", ""),
        date_from=d.get("date_from"),
        date_to=d.get("date_to"),
    )
    if request.GET.get("format") == "csv":
        return csv_response(
            "decisions.csv",
            ["Date", "Forum", "Type", "Proposal", "Outcome", "Option", "Rationale", "Supersedes"],
            (
                [
                    x.decided_on.isoformat(),
                    x.forum.name,
                    x.proposal.decision_type.name,
                    x.proposal.title,
                    x.get_outcome_display(),
                    x.option,
                    x.rationale,
                    x.supersedes.proposal.title if x.supersedes_id else "",
                ]
                for x in qs
            ),
        )
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    base = {k: v for k, v in request.GET.items() if k not in {"page", "format"}}
    return render(
        request,
        "decisions/register.jinja",
        {
            "form": form,
            "page": page,
            "withheld": queries.withheld(today),
            "csv_link": reverse("decisions:register") + "?" + urlencode({**base, "format": "csv"}),
            "page_link": lambda n: (
                reverse("decisions:register") + "?" + urlencode({**base, "page": n})
            ),
        },
    )
