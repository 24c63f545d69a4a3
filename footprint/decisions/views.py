"""Decision pages: forums, proposals with consent, the public register."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from footprint.core.exports import csv_response
from footprint.core.permissions import can, permission_required, require
from footprint.decisions import compute, queries, services
from footprint.decisions.forms import (
    AskForm,
    AssessmentForm,
    ConflictForm,
    ConsentForm,
    DecideForm,
    DecisionTypeForm,
    DelegationForm,
    DeputiesForm,
    EscalateForm,
    ForumForm,
    MeetingForm,
    OnBehalfForm,
    ProposalForm,
    RegisterFilterForm,
    SeatForm,
    ThresholdForm,
)
from footprint.decisions.models import DAY, Decision, Proposal, money_net_words
from footprint.decisions.rules import Permission

partner_only = permission_required(Permission.VIEW_DECISIONS)


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
            "overdue": list(queries.overdue_actions(timezone.localdate())),
            "readable": readable_ids(request),
            "may_propose": can(request.user, Permission.ADD_PROPOSAL),
            "awaiting_assessment": queries.awaiting_assessment_ids(),
        },
    )


@partner_only
def overdue_actions(request: HttpRequest) -> HttpResponse:
    """Overdue actions, for the workspace home to load into itself."""
    return render(
        request,
        "decisions/_overdue.jinja",
        {
            "overdue": list(queries.overdue_actions(timezone.localdate())),
            "limit": 5,
            "readable": readable_ids(request),
        },
    )


@partner_only
def forum_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A forum: its members, delegations, meetings and proposals; the programme office
    records a meeting here."""
    forum = get_object_or_404(queries.forum_page(), slug=slug)
    form = MeetingForm(request.POST or None, forum=forum, today=timezone.localdate())
    if request.method == "POST":
        require(request.user, Permission.RECORD_MEETING, forum)
        if form.is_valid():
            services.record_meeting(
                forum=forum,
                date=form.cleaned_data["date"],
                attendees=queries.people_present(forum, form.cleaned_data["attendees"]),
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
            "members": queries.seats_with_deputies(forum),
            "delegations": queries.forum_delegations(forum),
            "may_set_up": can(request.user, Permission.CHANGE_FORUM),
            "history": queries.change_history(forum),
            "meetings": queries.recent_meetings(forum, 12),
            "proposals": queries.forum_proposals(forum, 50),
            "readable": readable_ids(request),
            "form": form,
            "may_configure": can(request.user, Permission.RECORD_MEETING, forum),
        },
    )


@partner_only
def proposal_new(request: HttpRequest) -> HttpResponse:
    require(request.user, Permission.ADD_PROPOSAL)
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
            goals=list(d.get("goals", [])),
            confidentiality=d["confidentiality"],
            confidential_reason=d["confidential_reason"],
            publish_after=d["publish_after"],
            money=d["money"],
            by=request.user,
        )
        return redirect(proposal)
    return render(request, "decisions/proposal_form.jinja", {"form": form})


def _behalf_form(proposal: Proposal, data: Any = None) -> OnBehalfForm:
    """The form to record a board's response on its behalf, offering the boards asked."""
    codes = set(compute.eligible_organisations(proposal.forum)) if proposal.forum else set()
    members = queries.voting_members(proposal.forum) if proposal.forum else []
    return OnBehalfForm(
        data,
        prefix="b",
        organisations=[m.organisation for m in members if m.organisation.ods_code in codes],
    )


def _consent_form(
    user: Any, proposal: Proposal, data: Any = None, *, statutory_only: bool = False
) -> ConsentForm:
    """The response form, offering the organisations ``user`` represents (or deputises for) on
    the forum."""
    organisations = [s.organisation for s in queries.seats_held(user, proposal.forum_id)]
    if statutory_only:
        organisations = [o for o in organisations if o.has_statutory_board]
    return ConsentForm(data, prefix="c", organisations=organisations)


def _proposal_page(request: HttpRequest, proposal: Proposal, **bound: Any) -> HttpResponse:
    """The proposal's page; ``bound`` holds the form an action was refused with, to show its
    errors."""
    user = request.user
    today = timezone.localdate()
    forms: dict[str, Any] = {
        "ask": AskForm(prefix="a", today=today),
        "consent": _consent_form(user, proposal, statutory_only=True),
        "conflict": ConflictForm(prefix="x"),
        "escalate": EscalateForm(prefix="e"),
        "decide": DecideForm(prefix="d", proposal=proposal),
        "behalf": _behalf_form(proposal),
        **bound,
    }
    meetings = queries.meetings_that_may_decide(proposal, 3)
    open_ = proposal.status in services.OPEN
    money = list(queries.money(proposal))
    return render(
        request,
        "decisions/proposal.jinja",
        {
            "proposal": proposal,
            "today": today,
            "consent_overdue": proposal.consent_overdue(today),
            "routing": compute.routing(proposal),
            "forms": forms,
            "may_ask": can(user, Permission.ASK_FOR_CONSENT, proposal),
            "may_escalate": can(user, Permission.ESCALATE, proposal),
            "may_decide": can(user, Permission.DECIDE, proposal),
            "may_record_meeting": proposal.forum is not None
            and can(user, Permission.RECORD_MEETING, proposal.forum),
            "may_consent": bool(forms["consent"].fields["organisation"].queryset.exists())
            and open_,
            "may_record_on_behalf": open_
            and proposal.forum is not None
            and can(user, Permission.RECORD_CONSENT_ON_BEHALF, proposal),
            "open": open_,
            "decisions": queries.decisions(proposal),
            "deferred_on": queries.deferred_on(proposal),
            "eligible": compute.eligible_organisations(proposal.forum) if proposal.forum else [],
            "consents": {c.organisation.ods_code: c for c in queries.consents(proposal)},
            "rule": compute.rule_result(proposal),
            "verdicts": [(m, compute.verdict(proposal, m)) for m in meetings],
            "money": money,
            "money_net": money_net_words([m.amount_pence for m in money]),
            "goals": list(queries.goals_served(proposal)),
            "conflicts": queries.conflicts(proposal),
            "escalations": queries.escalations(proposal),
            "history": _history(proposal),
            "members": queries.members(proposal.forum) if proposal.forum else [],
            "assessment": queries.assessment_of(proposal),
            "assessment_missing": services.assessment_missing(proposal),
            "threshold": queries.assessment_threshold().threshold_pence,
            "may_assess": proposal.status not in services.CLOSED
            and can(user, Permission.COMPLETE_ASSESSMENT, proposal),
        },
    )


def _history(proposal: Proposal) -> list[dict[str, object]]:
    """The proposal's history, saying which boards' responses the programme office recorded
    on the board's behalf, and from which minute."""
    behalf = queries.on_behalf_words(proposal)
    return [
        {**e, "what": behalf[e["when"]]} if e["when"] in behalf else e  # type: ignore[index]
        for e in queries.history(proposal)
    ]


def _refused(form: Any, exc: ValidationError) -> None:
    """Show a service's refusal on the form that asked for it."""
    for message in exc.messages:
        form.add_error(None, message)


def _refused_by_field(form: Any, exc: ValidationError) -> None:
    """Show a service's refusal on the form, each message beside the field it names."""
    if not hasattr(exc, "error_dict"):
        _refused(form, exc)
        return
    for name, errors in exc.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


def _readable(request: HttpRequest, pk: int) -> Proposal:
    """The proposal, if ``request.user`` may read it (a confidential one: only the few)."""
    proposal = get_object_or_404(queries.proposal_page(), pk=pk)
    require(request.user, Permission.READ_PROPOSAL, proposal)
    return proposal


def readable_ids(request: HttpRequest) -> set[int] | None:
    """The proposals the user may read, by key (None: every one, for the programme office);
    lists show the others as "A confidential proposal" without title or link."""
    return queries.readable_ids(
        request.user,
        timezone.localdate(),
        everything=can(request.user, Permission.READ_PROPOSAL),
    )


@partner_only
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(queries.proposal_page(), pk=pk)
    if not can(request.user, Permission.READ_PROPOSAL, proposal):
        return render(request, "decisions/withheld.jinja", {"proposal": proposal}, status=403)
    return _proposal_page(request, proposal)


@require_POST
@partner_only
def proposal_ask_consent(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask each board on the deciding forum for its consent, by a deadline."""
    proposal = _readable(request, pk)
    require(request.user, Permission.ASK_FOR_CONSENT, proposal)
    form = AskForm(request.POST, prefix="a", today=timezone.localdate())
    if form.is_valid():
        deadline = form.cleaned_data["deadline"]
        try:
            sent = services.ask_for_consent(proposal=proposal, by=request.user, deadline=deadline)
        except ValidationError as exc:
            _refused(form, exc)
        else:
            messages.success(
                request,
                f"Consent asked for by {deadline:{DAY}}; {sent} representatives emailed.",
            )
            return redirect(proposal)
    return _proposal_page(request, proposal, ask=form)


@require_POST
@partner_only
def proposal_respond(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the response of an organisation the person represents on the forum."""
    proposal = _readable(request, pk)
    require(request.user, Permission.RECORD_CONSENT, proposal)
    form = _consent_form(request.user, proposal, request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.record_consent(
                proposal=proposal,
                organisation=d["organisation"],
                response=d["response"],
                reason=d["reason"],
                board_ratified=d["board_ratified"],
                by=request.user,
            )
        except ValidationError as exc:
            _refused(form, exc)
        else:
            messages.success(request, "Your organisation's response has been recorded.")
            return redirect(proposal)
    return _proposal_page(request, proposal, consent=form)


@require_POST
@partner_only
def proposal_record_on_behalf(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a board's response on its behalf, from the minute of its own meeting (the
    programme office)."""
    proposal = _readable(request, pk)
    require(request.user, Permission.RECORD_CONSENT_ON_BEHALF, proposal)
    form = _behalf_form(proposal, request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.record_consent_on_behalf(
                proposal=proposal,
                organisation=d["organisation"],
                response=d["response"],
                reason=d["reason"],
                minute_reference=d["minute_reference"],
                by=request.user,
            )
        except ValidationError as exc:
            _refused_by_field(form, exc)
        else:
            messages.success(
                request,
                f"{d['organisation'].name}'s response has been recorded on its board's behalf, "
                f"from {d['minute_reference'].strip()}.",
            )
            return redirect(proposal)
    return _proposal_page(request, proposal, behalf=form)


@require_POST
@partner_only
def conflict_declare(request: HttpRequest, pk: int) -> HttpResponse:
    """Declare one's own conflict of interest in a proposal."""
    proposal = _readable(request, pk)
    require(request.user, Permission.DECLARE_CONFLICT, proposal)
    form = ConflictForm(request.POST, prefix="x")
    if form.is_valid():
        try:
            services.declare_conflict(
                proposal=proposal,
                person=request.user,
                description=form.cleaned_data["description"],
                by=request.user,
            )
        except ValidationError as exc:
            _refused(form, exc)
        else:
            messages.success(request, "Your conflict of interest has been recorded.")
            return redirect(proposal)
    return _proposal_page(request, proposal, conflict=form)


@require_POST
@partner_only
def proposal_escalate(request: HttpRequest, pk: int) -> HttpResponse:
    """Take an objection to the forum above."""
    proposal = _readable(request, pk)
    require(request.user, Permission.ESCALATE, proposal)
    form = EscalateForm(request.POST, prefix="e")
    if form.is_valid():
        try:
            services.escalate(
                proposal=proposal, reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as exc:
            _refused(form, exc)
        else:
            messages.success(request, "The objection has been escalated to the forum above.")
            return redirect(proposal)
    return _proposal_page(request, proposal, escalate=form)


@require_POST
@partner_only
def proposal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the forum's decision at one of its meetings."""
    proposal = _readable(request, pk)
    require(request.user, Permission.DECIDE, proposal)
    form = DecideForm(request.POST, prefix="d", proposal=proposal)
    if form.is_valid():
        d = form.cleaned_data
        try:
            decision = services.decide(
                proposal=proposal,
                meeting=d["meeting"],
                outcome=d["outcome"],
                option=d["option"],
                rationale=d["rationale"],
                actions=d["actions"],
                supersedes=d["supersedes"],
                by=request.user,
            )
        except ValidationError as exc:
            _refused(form, exc)
        else:
            messages.success(
                request,
                "The deferral has been recorded: the proposal comes back to a later meeting."
                if decision.outcome == Decision.Outcome.DEFERRED
                else "The decision has been recorded.",
            )
            return redirect(proposal)
    return _proposal_page(request, proposal, decide=form)


def _responses_in_words(consents: list[Any]) -> str:
    """'Northshire Council: Consent (recorded on the board's behalf by the programme office,
    from Cabinet minute 7); Trust A Hospitals: Consent'."""
    return "; ".join(
        f"{c.organisation.name}: {c.get_response_display()}"
        + (
            f" (recorded on the board's behalf by the programme office, from {c.minute_reference})"
            if c.on_behalf
            else ""
        )
        for c in consents
    )


def register(request: HttpRequest) -> HttpResponse:
    """The public decision register: searchable, filterable, downloadable. Filters that do not
    make sense (a date that is not one, From after To) are said so on their field, and no list
    is shown until they are put right: a list that ignored them would look filtered."""
    today = timezone.localdate()
    form = RegisterFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return render(
            request,
            "decisions/register.jinja",
            {"form": form, "page": None, "withheld": [], "csv_link": "", "page_link": None},
        )
    d = form.cleaned_data if form.is_bound else {}
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
        decisions = list(qs)
        responses = queries.register_consents(decisions)
        assessments = queries.register_assessments(decisions)
        return csv_response(
            "decisions.csv",
            [
                "Date",
                "Forum",
                "Type",
                "Proposal",
                "Outcome",
                "Option",
                "Rationale",
                "Supersedes",
                "Boards' responses",
                "Impact assessment",
            ],
            (
                [
                    x.decided_on.isoformat(),
                    x.forum.name,
                    x.proposal.decision_type.name,
                    x.proposal.title,
                    x.get_outcome_display(),
                    x.option,
                    x.rationale,
                    queries.supersedes_text(x),
                    ""
                    if x.outcome == Decision.Outcome.DEFERRED
                    else _responses_in_words(responses.get(x.proposal_id, [])),
                    ""
                    if x.outcome == Decision.Outcome.DEFERRED or x.proposal_id not in assessments
                    else assessments[x.proposal_id].summary(),
                ]
                for x in decisions
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
            "withheld": _withheld(today, d),
            "withheld_unsearched": bool(d.get("q") or d.get("type")),
            "consents": queries.register_consents(page.object_list),
            "assessments": queries.register_assessments(page.object_list),
            "csv_link": reverse("decisions:register") + "?" + urlencode({**base, "format": "csv"}),
            "page_link": lambda n: (
                reverse("decisions:register") + "?" + urlencode({**base, "page": n})
            ),
        },
    )


def _withheld(today: dt.date, filters: dict[str, Any]) -> Any:
    """The confidential decisions not yet published that the register's forum, place and date
    filters select. Search words and the type of decision are not applied: a withheld
    decision's words and type stay private until it is published, and a filter that matched
    them would tell (docs/decisions.md, "The register's filters and withheld decisions")."""
    qs = queries.withheld(today)
    if filters.get("forum"):
        qs = qs.filter(forum__slug=filters["forum"])
    if filters.get("place"):
        qs = qs.filter(forum__place__slug=filters["place"])
    if filters.get("date_from"):
        qs = qs.filter(decided_on__gte=filters["date_from"])
    if filters.get("date_to"):
        qs = qs.filter(decided_on__lte=filters["date_to"])
    return qs


# --- Setting up forums, seats and the scheme of delegation (the programme office) -----------


def _form_page(
    request: HttpRequest,
    form: Any,
    *,
    title: str,
    button: str,
    back: str,
    caption: str = "",
    lede: str = "",
    history: list[dict[str, Any]] | None = None,
    remove: str = "",
) -> HttpResponse:
    return render(
        request,
        "decisions/form.jinja",
        {
            "form": form,
            "title": title,
            "button_text": button,
            "back": back,
            "caption": caption,
            "lede": lede,
            "history": history,
            "remove": remove,
        },
    )


def _saved(request: HttpRequest, form: Any, act: Any, done: str) -> Any | None:
    """Validate ``form`` and run its service: what it saved, or None with the refusal shown
    beside the fields it names."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        saved = act()
    except ValidationError as exc:
        _refused_by_field(form, exc)
        return None
    messages.success(request, done)
    return saved or True


@permission_required(Permission.CHANGE_FORUM)
def forum_new(request: HttpRequest) -> HttpResponse:
    """Set up a forum."""
    form = ForumForm(request.POST or None)
    forum = _saved(
        request,
        form,
        lambda: services.create_forum(**form.service_fields(), by=request.user),
        "The forum has been set up. Give its member organisations their seats.",
    )
    if forum is not None:
        return redirect(forum)
    return _form_page(
        request,
        form,
        title="Set up a forum",
        button="Set up the forum",
        back=reverse("decisions:index"),
        lede="A forum decides at one layer: the system, a place or a neighbourhood. Its "
        "address is made from its name.",
    )


def _forum(slug: str) -> Any:
    return get_object_or_404(queries.forum_page(), slug=slug)


@permission_required(Permission.CHANGE_FORUM)
def forum_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Change a forum's set-up: layer, the forum above, terms of reference, quorum, rule."""
    forum = _forum(slug)
    form = ForumForm(request.POST or None, instance=forum)
    if _saved(
        request,
        form,
        lambda: services.change_forum(forum=forum, **form.service_fields(), by=request.user),
        "The forum has been changed.",
    ):
        return redirect(forum)
    return _form_page(
        request,
        form,
        title=f"Change {forum.name}",
        caption="Forum",
        button="Save the forum",
        back=forum.get_absolute_url(),
        history=queries.change_history(forum),
    )


@permission_required(Permission.CHANGE_FORUM)
def seat_new(request: HttpRequest, slug: str) -> HttpResponse:
    """Give an organisation a seat on a forum."""
    forum = _forum(slug)
    form = SeatForm(request.POST or None)
    if _saved(
        request,
        form,
        lambda: services.add_seat(forum=forum, **form.cleaned_data, by=request.user),
        "The seat has been added.",
    ):
        return redirect(forum)
    return _form_page(
        request,
        form,
        title="Add a seat",
        caption=forum.name,
        button="Add the seat",
        back=forum.get_absolute_url(),
    )


def _seat(pk: int) -> Any:
    seat = queries.seat(pk)
    if seat is None:
        raise Http404("No such seat")
    return seat


@partner_only
def seat_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A seat: the programme office changes it; its representative names their deputies."""
    seat = _seat(pk)
    require(request.user, Permission.NAME_DEPUTY, seat)
    history = queries.change_history(seat)
    back = seat.forum.get_absolute_url()
    if can(request.user, Permission.CHANGE_FORUM):
        form: Any = SeatForm(request.POST or None, instance=seat)
        if _saved(
            request,
            form,
            lambda: services.change_seat(seat=seat, **form.cleaned_data, by=request.user),
            "The seat has been changed.",
        ):
            return redirect(seat.forum)
        return _form_page(
            request,
            form,
            title=f"The seat for {seat.organisation.name}",
            caption=seat.forum.name,
            button="Save the seat",
            back=back,
            history=history,
            remove=reverse("decisions:seat_remove", args=[seat.pk]),
        )
    form = DeputiesForm(
        request.POST or None, initial={"deputies": [d.pk for d in seat.deputies.all()]}
    )
    if _saved(
        request,
        form,
        lambda: services.name_deputies(
            seat=seat, deputies=list(form.cleaned_data["deputies"]), by=request.user
        ),
        "Your deputies have been named.",
    ):
        return redirect(seat.forum)
    return _form_page(
        request,
        form,
        title="Name your deputies",
        caption=f"{seat.organisation.name} on {seat.forum.name}",
        button="Save your deputies",
        back=back,
        lede="A deputy may act for you when you cannot: respond to a proposal for "
        f"{seat.organisation.name} and attend a meeting in your place.",
        history=history,
    )


@require_POST
@permission_required(Permission.CHANGE_FORUM)
def seat_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Take a seat away."""
    seat = _seat(pk)
    forum = seat.forum
    services.remove_seat(seat=seat, by=request.user)
    messages.success(request, "The seat has been removed.")
    return redirect(forum)


@partner_only
def delegation_scheme(request: HttpRequest) -> HttpResponse:
    """The scheme of delegation: which forum may decide what, up to what money; the
    programme office changes it here."""
    return _delegation_page(request)


def _delegation_page(
    request: HttpRequest, *, form: Any = None, type_form: Any = None
) -> HttpResponse:
    delegations = list(queries.scheme_of_delegation())
    return render(
        request,
        "decisions/delegation.jinja",
        {
            "delegations": delegations,
            "types": queries.decision_types(),
            "form": form or DelegationForm(),
            "type_form": type_form or DecisionTypeForm(prefix="t"),
            "may_set_up": can(request.user, Permission.CHANGE_FORUM),
            "threshold": queries.assessment_threshold().threshold_pence,
            "history": [
                {**h, "what": f"{d.forum.name}, {d.decision_type.name}: {h['what']}"}
                for d in delegations
                for h in queries.change_history(d, 5)
            ],
        },
    )


@require_POST
@permission_required(Permission.CHANGE_FORUM)
def delegation_set(request: HttpRequest) -> HttpResponse:
    """Delegate a type of decision to a forum up to a limit, or change its limit."""
    form = DelegationForm(request.POST)
    if _saved(
        request,
        form,
        lambda: services.set_delegation(
            decision_type=form.cleaned_data["decision_type"],
            forum=form.cleaned_data["forum"],
            limit_pence=None
            if form.cleaned_data["limit_pounds"] is None
            else int(form.cleaned_data["limit_pounds"] * 100),
            by=request.user,
        ),
        "The scheme of delegation has been changed.",
    ):
        return redirect("decisions:delegation")
    return _delegation_page(request, form=form)


@require_POST
@permission_required(Permission.CHANGE_FORUM)
def delegation_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Take a delegation out of the scheme."""
    delegation = queries.delegation(pk)
    if delegation is None:
        raise Http404("No such delegation")
    services.remove_delegation(delegation=delegation, by=request.user)
    messages.success(request, "The delegation has been taken out of the scheme.")
    return redirect("decisions:delegation")


@require_POST
@permission_required(Permission.CHANGE_FORUM)
def decision_type_new(request: HttpRequest) -> HttpResponse:
    """Add a type of decision."""
    form = DecisionTypeForm(request.POST, prefix="t")
    if _saved(
        request,
        form,
        lambda: services.add_decision_type(name=form.cleaned_data["name"], by=request.user),
        "The type of decision has been added.",
    ):
        return redirect("decisions:delegation")
    return _delegation_page(request, type_form=form)


# --- Equality and health inequalities impact assessments ------------------------------------


@partner_only
def proposal_assessment(request: HttpRequest, pk: int) -> HttpResponse:
    """Complete or revise a proposal's equality and health inequalities impact assessment
    (its sponsor or the programme office)."""
    proposal = _readable(request, pk)
    require(request.user, Permission.COMPLETE_ASSESSMENT, proposal)
    assessment = queries.assessment_of(proposal)
    form = AssessmentForm(request.POST or None, instance=assessment)
    if _saved(
        request,
        form,
        lambda: services.complete_assessment(
            proposal=proposal, **form.service_fields(), by=request.user
        ),
        "The impact assessment has been completed.",
    ):
        return redirect(proposal)
    return render(
        request,
        "decisions/assessment_form.jinja",
        {
            "form": form,
            "proposal": proposal,
            "assessment": assessment,
            "closed": proposal.status in services.CLOSED,
            "threshold": queries.assessment_threshold().threshold_pence,
            "history": queries.change_history(assessment) if assessment else None,
        },
    )


@permission_required(Permission.SET_ASSESSMENT_THRESHOLD)
def assessment_threshold(request: HttpRequest) -> HttpResponse:
    """The money at stake above which a proposal needs a completed impact assessment before
    it is approved or rejected (the programme office)."""
    setting = queries.assessment_threshold()
    pence = setting.threshold_pence
    form = ThresholdForm(
        request.POST or None,
        initial={"threshold_pounds": None if pence is None else pence // 100},
    )
    if _saved(
        request,
        form,
        lambda: services.set_assessment_threshold(
            threshold_pence=None
            if form.cleaned_data["threshold_pounds"] is None
            else int(form.cleaned_data["threshold_pounds"] * 100),
            by=request.user,
        ),
        "The impact assessment threshold has been saved.",
    ):
        return redirect("decisions:assessment_threshold")
    return _form_page(
        request,
        form,
        title="Impact assessment threshold",
        caption="Decisions",
        button="Save the threshold",
        back=reverse("decisions:delegation"),
        lede="A proposal with more money at stake than this needs a completed equality and "
        "health inequalities impact assessment before its forum approves or rejects it. "
        + (
            "No threshold is set: no proposal needs one."
            if pence is None
            else f"Now: more than £{pence / 100:,.0f}."
        ),
        history=queries.change_history(setting) if setting.pk else None,
    )
