"""Writes to decisions. Each function refuses a caller who may not act (``by`` must hold the
action's permission), then writes in one transaction with its audit record inside; field
history of every record is kept too, so a proposal's page can show who changed what."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mass_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from footprint.core import audit
from footprint.core.permissions import require
from footprint.decisions import compute, queries
from footprint.decisions.models import (
    ASSESSED_GROUPS,
    CONSENT_DAYS,
    DAY,
    PLUS_ROWS,
    Action,
    Conflict,
    Consent,
    Decision,
    DecisionType,
    Delegation,
    Direction,
    Escalation,
    Forum,
    ForumMember,
    ImpactAssessment,
    Meeting,
    MoneyFlow,
    Proposal,
    money_lines_error,
    recommended_option_error,
)
from footprint.decisions.rules import Permission
from footprint.partnership.models import Neighbourhood, Organisation, Place
from footprint.partnership.rules import roles_of

# Boards are asked for consent on a draft, an escalated or a deferred proposal; a proposal
# is open (boards respond, the forum decides) while it seeks consent or is deferred.
ASKABLE = {Proposal.Status.DRAFT, Proposal.Status.ESCALATED, Proposal.Status.DEFERRED}
OPEN = {Proposal.Status.SEEKING_CONSENT, Proposal.Status.DEFERRED}


class AuditAction(StrEnum):
    """What the audit trail records this app's services doing."""

    ASK_FOR_CONSENT = "ask_for_consent"
    COMPLETE_ACTION = "complete_action"
    CREATE_PROPOSAL = "create_proposal"
    DECIDE = "decide"
    DECLARE_CONFLICT = "declare_conflict"
    ESCALATE = "escalate"
    RECORD_CONSENT = "record_consent"
    RECORD_CONSENT_ON_BEHALF = "record_consent_on_behalf"
    RECORD_MEETING = "record_meeting"
    CREATE_FORUM = "create_forum"
    CHANGE_FORUM = "change_forum"
    ADD_SEAT = "add_seat"
    CHANGE_SEAT = "change_seat"
    REMOVE_SEAT = "remove_seat"
    NAME_DEPUTIES = "name_deputies"
    ADD_DECISION_TYPE = "add_decision_type"
    SET_DELEGATION = "set_delegation"
    REMOVE_DELEGATION = "remove_delegation"
    COMPLETE_ASSESSMENT = "complete_assessment"
    SET_ASSESSMENT_THRESHOLD = "set_assessment_threshold"


def create_proposal(
    *,
    title: str,
    summary: str,
    options: str,
    recommended_option: str,
    decision_type: DecisionType,
    value_pence: int,
    brought_to: Forum,
    goals: Sequence[Any] = (),
    confidentiality: str = Proposal.Confidentiality.PUBLIC,
    confidential_reason: str = "",
    publish_after: dt.date | None = None,
    money: Sequence[tuple[Organisation, int]] = (),
    by: Any,
    at: dt.datetime | None = None,
) -> Proposal:
    """Bring a proposal to a forum; the scheme of delegation decides which forum takes it.
    ``at`` is when it was brought (now, unless recording one brought earlier): no meeting
    before that day can decide it. The recommended option must be one of the options.
    ``goals`` are the plan's goals it serves, chosen from the real goals."""
    require(by, Permission.ADD_PROPOSAL)
    if problem := recommended_option_error(options, recommended_option):
        raise ValidationError({"recommended_option": problem})
    if problem := money_lines_error(value_pence, [pence for _, pence in money]):
        raise ValidationError({"money": problem})
    paying = {o.ods_code: o.name for o, pence in money if pence < 0}
    forum, steps = compute.route(decision_type.pk, value_pence, brought_to, paying)
    with transaction.atomic():
        proposal = Proposal(
            title=title,
            summary=summary,
            options=options,
            recommended_option=recommended_option.strip(),
            decision_type=decision_type,
            value_pence=value_pence,
            brought_to=brought_to,
            forum=forum,
            confidentiality=confidentiality,
            confidential_reason=confidential_reason,
            publish_after=publish_after,
            created_by=by,
            created_at=at or timezone.now(),
        )
        audit.save_with_history(proposal, by=by)
        MoneyFlow.objects.bulk_create(
            [MoneyFlow(proposal=proposal, organisation=o, amount_pence=p) for o, p in money]
        )
        for goal in goals:  # each goal's history records what came to serve it, and who said so
            goal._history_user = by if getattr(by, "is_authenticated", False) else None
            goal.proposals.add(proposal)
        audit.record(
            actor=by,
            action=AuditAction.CREATE_PROPOSAL,
            summary=f"Proposal: {title}",
            proposal=proposal.pk,
            routing=list(steps),
        )
    return proposal


def default_deadline(asked_on: dt.date) -> dt.date:
    """The day boards are asked to respond by, unless the person asking sets another."""
    return asked_on + dt.timedelta(days=CONSENT_DAYS)


def ask_for_consent(
    *,
    proposal: Proposal,
    by: Any,
    notify: bool = True,
    on: dt.date | None = None,
    deadline: dt.date | None = None,
) -> int:
    """Open the proposal for consent on ``on`` (today unless given), asking each board to
    respond by ``deadline`` (14 days later unless given), and (unless ``notify`` is false, as
    when loading a history) email the representatives of every board asked. Returns the
    emails sent."""
    require(by, Permission.ASK_FOR_CONSENT, proposal)
    if proposal.forum is None:
        raise ValidationError(
            "No forum may take this decision; it needs each board's own decision."
        )
    if proposal.status not in ASKABLE:
        raise ValidationError(
            "Consent can only be asked for a draft, escalated or deferred proposal."
        )
    on = on or timezone.localdate()
    deadline = deadline or default_deadline(on)
    if deadline < on:
        raise ValidationError(
            {
                "deadline": f"The deadline, {deadline:{DAY}}, is before the boards are "
                f"asked on {on:{DAY}}."
            }
        )
    with transaction.atomic():
        proposal.status = Proposal.Status.SEEKING_CONSENT
        proposal.consent_asked_on = on
        proposal.consent_deadline = deadline
        audit.save_audited(
            proposal,
            by=by,
            action=AuditAction.ASK_FOR_CONSENT,
            summary=f"Consent asked for by {deadline:{DAY}}: {proposal.title}",
            proposal=proposal.pk,
            deadline=deadline.isoformat(),
        )
        sent = _email_representatives(proposal, reminder=False, today=on) if notify else 0
    return sent


def _deadline_words(proposal: Proposal, today: dt.date) -> str:
    deadline = proposal.consent_deadline
    if deadline is None:
        return ""
    if proposal.consent_overdue(today):
        return (
            f"Responses were due by {deadline:%A {DAY}}: your organisation's response is "
            "overdue. Please record it as soon as you can.\n\n"
        )
    return f"Please record your organisation's response by {deadline:%A {DAY}}.\n\n"


def _email_representatives(
    proposal: Proposal, *, reminder: bool, today: dt.date, only: set[str] | None = None
) -> int:
    assert proposal.forum is not None
    eligible = set(compute.eligible_organisations(proposal.forum))
    members = list(queries.seats_with_deputies(proposal.forum).filter(voting=True))
    link = settings.FOOTPRINT_SITE_URL + reverse("decisions:proposal", args=[proposal.pk])
    overdue = reminder and proposal.consent_overdue(today)
    subject = (
        ("Overdue: " if overdue else "Reminder: ") if reminder else ""
    ) + f"Your board's consent is asked: {proposal.title}"
    due = _deadline_words(proposal, today)
    messages = []
    for m in members:
        code = m.organisation.ods_code
        if code not in eligible or (only is not None and code not in only):
            continue
        # The representative, and the deputies they named, who may respond in their place.
        for person in [m.representative, *m.deputies.all()]:
            if not person.email:
                continue
            deputy = (
                ""
                if person == m.representative
                else f"(You are a deputy for {_name(m.representative)}, who represents "
                f"{m.organisation.name}: respond if they cannot.)\n\n"
            )
            body = (
                f"{person.get_full_name() or person.username},\n\n"
                f"{proposal.forum.name} asks {m.organisation.name} to consent to, object to "
                f"or abstain from:\n\n{proposal.title}\n\n{proposal.summary}\n\n"
                f"{deputy}{due}"
                f"Record your organisation's response: {link}\n"
            )
            messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, [person.email]))
    return send_mass_mail(messages, fail_silently=False) if messages else 0


def send_reminders(*, older_than: dt.timedelta, now: dt.datetime) -> int:
    """Remind the boards that have not responded to proposals asked more than ``older_than``
    ago, saying by when they are asked to respond, or that their response is overdue.
    Returns the number of emails sent."""
    today = timezone.localtime(now).date()
    sent = 0
    for proposal in queries.seeking_consent():
        asked = proposal.consent_asked_on
        if asked is None:  # asked before the day was recorded: the history says when
            first = queries.first_asked_on(proposal)
            asked = timezone.localtime(first).date() if first else None
        if asked is None or today - asked < older_than:
            continue
        answered = set(compute.responses(proposal))
        waiting = set(compute.eligible_organisations(proposal.forum)) - answered  # type: ignore[arg-type]
        if waiting:
            sent += _email_representatives(proposal, reminder=True, today=today, only=waiting)
    return sent


def declare_conflict(*, proposal: Proposal, person: Any, description: str, by: Any) -> Conflict:
    """Record ``person``'s conflict of interest in the proposal: they then neither count to
    quorum nor record consent. Each person declares their own."""
    require(by, Permission.DECLARE_CONFLICT, proposal)
    if person != by:
        raise PermissionDenied("Each person declares their own conflict of interest")
    with transaction.atomic():
        conflict = Conflict(proposal=proposal, person=person, description=description)
        audit.save_audited(
            conflict,
            by=by,
            action=AuditAction.DECLARE_CONFLICT,
            summary=f"Conflict declared on {proposal.title}: {description}",
            proposal=proposal.pk,
        )
    return conflict


def record_consent(
    *,
    proposal: Proposal,
    organisation: Organisation,
    response: str,
    reason: str,
    board_ratified: bool,
    by: Any,
) -> Consent:
    """Record one board's response, while the proposal seeks consent or is deferred. Only that
    organisation's voting representative on the deciding forum (or a deputy they named) may
    record it, and not if they have declared a conflict."""
    require(by, Permission.RECORD_CONSENT, proposal)
    held = {s.organisation_id for s in queries.seats_held(by, proposal.forum_id)}
    if organisation.pk not in held:
        raise PermissionDenied("Only the organisation's representative on the forum may respond")
    if queries.has_conflict(proposal, by):
        raise PermissionDenied("You have declared a conflict of interest in this proposal")
    if proposal.status not in OPEN:
        raise ValidationError("This proposal is not seeking consent.")
    if not organisation.has_statutory_board:
        raise ValidationError(f"{organisation.name} has no statutory board to consent.")
    if response == Consent.Response.OBJECT and not reason.strip():
        raise ValidationError({"reason": "Give the reason for the objection"})
    with transaction.atomic():
        consent = queries.consent_of(proposal, organisation.pk)
        consent = consent or Consent(proposal=proposal, organisation=organisation)
        consent.response = response
        consent.reason = reason
        consent.board_ratified = board_ratified
        consent.recorded_by = by
        consent.minute_reference = ""  # the representative's own response now
        audit.save_audited(
            consent,
            by=by,
            action=AuditAction.RECORD_CONSENT,
            summary=f"{organisation.name}: {consent.get_response_display()} to {proposal.title}",
            proposal=proposal.pk,
        )
    return consent


def escalate(*, proposal: Proposal, reason: str, by: Any) -> Escalation:
    """Take an objection to the forum above."""
    require(by, Permission.ESCALATE, proposal)
    if not queries.has_objection(proposal):
        raise ValidationError("Only a proposal with an objection can be escalated.")
    if proposal.forum is None or proposal.forum.parent is None:
        raise ValidationError("There is no forum above this one.")
    with transaction.atomic():
        escalation = Escalation(
            proposal=proposal,
            from_forum=proposal.forum,
            to_forum=proposal.forum.parent,
            reason=reason,
            by=by,
        )
        escalation.save()
        proposal.forum = proposal.forum.parent
        proposal.status = Proposal.Status.ESCALATED
        audit.save_audited(
            proposal,
            by=by,
            action=AuditAction.ESCALATE,
            summary=f"{proposal.title} escalated to {proposal.forum.name}",
            proposal=proposal.pk,
            reason=reason,
        )
    return escalation


def record_meeting(*, forum: Forum, date: dt.date, attendees: Sequence[Any], by: Any) -> Meeting:
    """Record that ``forum`` met on ``date``, and who attended: quorum is worked out from it."""
    require(by, Permission.RECORD_MEETING, forum)
    with transaction.atomic():
        meeting = Meeting(forum=forum, date=date)
        audit.save_audited(
            meeting,
            by=by,
            action=AuditAction.RECORD_MEETING,
            summary=f"{forum.name} met on {date:{DAY}}",
            attendees=len(attendees),
        )
        meeting.attendees.set(attendees)
    return meeting


def meeting_before_proposal(proposal: Proposal, meeting: Meeting) -> str:
    return (
        f"The meeting of {meeting.date:{DAY}} was before the proposal was brought on "
        f"{proposal.proposed_on:{DAY}}: record the decision at a meeting on or after "
        f"{proposal.proposed_on:{DAY}}."
    )


def _option_problem(proposal: Proposal, outcome: str, option: str) -> str:
    if outcome == Decision.Outcome.DEFERRED and option:
        return "A deferral decides no option: leave the option empty."
    if option and option not in proposal.option_list:
        return f"“{option}” is not one of the proposal's options: " + "; ".join(
            f"“{o}”" for o in proposal.option_list
        )
    return ""


def decide(
    *,
    proposal: Proposal,
    meeting: Meeting,
    outcome: str,
    option: str,
    rationale: str,
    actions: Sequence[tuple[str, Organisation, dt.date]] = (),
    supersedes: Decision | None = None,
    by: Any,
) -> Decision:
    """Record the forum's decision at a meeting: approved, rejected, or deferred to a later
    meeting. Approval needs a quorate meeting, the forum's rule met and the delegation; any
    decision needs the quorum and the delegation. A deferred proposal keeps its boards'
    responses and its status is Deferred until a later meeting decides it (or defers it
    again)."""
    require(by, Permission.DECIDE, proposal)
    if proposal.status not in OPEN:
        raise ValidationError("Only a proposal seeking consent or deferred can be decided.")
    if meeting.date < proposal.proposed_on:
        raise ValidationError(meeting_before_proposal(proposal, meeting))
    deferred_on = queries.deferred_on(proposal)
    if deferred_on is not None and meeting.date <= deferred_on:
        raise ValidationError(
            f"The meeting of {deferred_on:{DAY}} deferred this proposal: record the decision "
            f"at a later meeting, after {deferred_on:{DAY}}."
        )
    if problem := _option_problem(proposal, outcome, option):
        raise ValidationError({"option": problem})
    if outcome == Decision.Outcome.DEFERRED and supersedes is not None:
        raise ValidationError({"supersedes": "A deferral replaces no earlier decision."})
    if outcome != Decision.Outcome.DEFERRED and (missing := assessment_missing(proposal)):
        raise ValidationError(missing)
    verdict = compute.verdict(proposal, meeting)
    q = compute.quorum(proposal, meeting)
    routed = proposal.forum_id == meeting.forum_id
    rule = compute.rule_result(proposal)
    assert rule is not None
    problems = [q.reason] if not q.met else []
    if outcome == Decision.Outcome.APPROVED and not rule.met:
        objecting = [
            c.organisation.name
            for c in queries.consents(proposal)
            if c.response == Consent.Response.OBJECT
        ]
        problems.append(
            rule.reason + (f" {' and '.join(objecting)} objected." if objecting else "")
        )
    if not routed:
        problems.append(verdict.reasons[2])
    if problems:
        raise ValidationError(
            f"{proposal.title} cannot be {Decision.Outcome(outcome).label.lower()} at this "
            "meeting: " + " ".join(problems)
        )
    with transaction.atomic():
        decision = Decision(
            proposal=proposal,
            forum=meeting.forum,
            meeting=meeting,
            outcome=outcome,
            option=option,
            rationale=rationale,
            decided_on=meeting.date,
            supersedes=supersedes,
            recorded_by=by,
            votes={
                "responses": compute.responses(proposal),
                "quorum": q.reason,
                "rule": rule.reason,
                "present": q.present,
                "required": q.required,
            },
        )
        decision.full_clean()
        decision.save()
        for description, owner, due in actions:
            Action.objects.create(decision=decision, description=description, owner=owner, due=due)
        proposal.status = (
            Proposal.Status.DEFERRED
            if outcome == Decision.Outcome.DEFERRED
            else Proposal.Status.DECIDED
        )
        audit.save_audited(
            proposal,
            by=by,
            action=AuditAction.DECIDE,
            summary=f"{meeting.forum.name}: {proposal.title} "
            f"{decision.get_outcome_display().lower()}",
            proposal=proposal.pk,
        )
    return decision


def assessment_missing(proposal: Proposal) -> str:
    """Why the proposal may not be approved or rejected yet for want of a completed equality
    and health inequalities impact assessment, or '' (none is needed, or it is complete). A
    forum may still defer it."""
    if proposal.status in CLOSED:
        return ""  # decided or withdrawn: nothing waits
    threshold = queries.assessment_threshold().threshold_pence
    if threshold is None or proposal.value_pence <= threshold:
        return ""
    assessment = queries.assessment_of(proposal)
    if assessment is not None and not (gaps := assessment.gaps()):
        return ""
    words = (
        f"This proposal puts £{proposal.value_pence / 100:,.0f} at stake, more than the "
        f"partnership's threshold of £{threshold / 100:,.0f}: it needs a completed equality and "
        "health inequalities impact assessment before it is approved or rejected. Its sponsor "
        "or the programme office completes it from the proposal's page; the forum may defer "
        "the proposal meanwhile."
    )
    if assessment is not None:
        words += " The assessment so far is not complete: " + "; ".join(gaps) + "."
    return words


def complete_action(*, action: Action, by: Any) -> None:
    """Mark a decision's action done."""
    require(by, Permission.COMPLETE_ACTION, action.decision.proposal)
    with transaction.atomic():
        action.done = True
        audit.save_audited(
            action, by=by, action=AuditAction.COMPLETE_ACTION, summary=f"Done: {action.description}"
        )


def _name(person: Any) -> str:
    return (person.get_full_name() or person.username) if person is not None else "the operator"


def record_consent_on_behalf(
    *,
    proposal: Proposal,
    organisation: Organisation,
    response: str,
    reason: str,
    minute_reference: str,
    by: Any,
) -> Consent:
    """Record a board's response on its behalf, from the minute of the board's own meeting
    that decided it (the programme office only: boards often decide in their own meetings and
    tell the programme office afterwards). The board has decided, so the response counts as
    ratified; the audit trail, the proposal's page and the register say who recorded it on
    the board's behalf and from which minute."""
    require(by, Permission.RECORD_CONSENT_ON_BEHALF, proposal)
    minute = minute_reference.strip()
    problems = {}
    if not minute:
        problems["minute_reference"] = (
            "Give the minute of the board's meeting that decided the response, "
            "e.g. Board minute 2026/114"
        )
    if response == Consent.Response.OBJECT and not reason.strip():
        problems["reason"] = "Give the reason for the objection"
    if proposal.forum is None or proposal.status not in OPEN:
        raise ValidationError("This proposal is not seeking consent.")
    if organisation.ods_code not in compute.eligible_organisations(proposal.forum):
        problems["organisation"] = (
            f"{organisation.name} is not a voting member of {proposal.forum.name} with a "
            "statutory board, so it is not asked to consent"
        )
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        consent = queries.consent_of(proposal, organisation.pk)
        consent = consent or Consent(proposal=proposal, organisation=organisation)
        consent.response = response
        consent.reason = reason
        consent.board_ratified = True
        consent.recorded_by = by
        consent.minute_reference = minute
        audit.save_audited(
            consent,
            by=by,
            action=AuditAction.RECORD_CONSENT_ON_BEHALF,
            summary=f"{organisation.name}: {consent.get_response_display()} to "
            f"{proposal.title}, recorded by {_name(by)} on behalf of the board of "
            f"{organisation.name}, minute {minute}",
            proposal=proposal.pk,
            organisation=organisation.ods_code,
            minute=minute,
            on_behalf=True,
        )
    return consent


# --- Setting up forums, seats and the scheme of delegation ----------------------------------


def _changed(obj: Any, values: dict[str, Any]) -> list[str]:
    """Set ``values`` on ``obj``; the changed fields' names in words."""
    changed = []
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(str(type(obj)._meta.get_field(name).verbose_name))
    return changed


def _words(changed: list[str]) -> str:
    if not changed:
        return "nothing"
    return queries.in_words(changed)


def _slug_for(name: str, taken: set[str]) -> str:
    base = slugify(name)[:70].strip("-")
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def forum_problems(
    *,
    name: str,
    layer: str,
    place: Place | None,
    neighbourhood: Neighbourhood | None,
    parent: Forum | None,
    quorum_count: int | None,
    quorum_share: Any,
    forum: Forum | None = None,
) -> dict[str, str]:
    """What is wrong with a forum's set-up, by field."""
    problems = {}
    other = queries.forum_named(name)
    if not name.strip() or not slugify(name):
        problems["name"] = "Enter the forum's name, with letters or numbers"
    elif other is not None and other != forum:
        problems["name"] = f"A forum is already called {other.name}: give this one another name"
    if layer == Forum.Layer.PLACE and place is None:
        problems["place"] = "A place forum belongs to a place: choose which"
    if layer == Forum.Layer.NEIGHBOURHOOD and neighbourhood is None:
        problems["neighbourhood"] = "A neighbourhood forum belongs to a neighbourhood: choose which"
    if (
        neighbourhood is not None
        and place is not None
        and neighbourhood.place_id != place.pk
        and "neighbourhood" not in problems
    ):
        problems["neighbourhood"] = (
            f"{neighbourhood.name} is in {neighbourhood.place.name}, not {place.name}:"
            " choose a neighbourhood in this forum's place, or change the place"
        )
    if parent is not None and forum is not None:
        above, seen = parent, set()
        while above is not None and above.pk not in seen:
            if above.pk == forum.pk:
                problems["parent"] = (
                    f"{parent.name} is {'this forum' if parent == forum else 'below this forum'}:"
                    " a forum reports to one above it"
                )
                break
            seen.add(above.pk)
            above = above.parent
    if quorum_count is None and quorum_share is None:
        problems["quorum_count"] = (
            "Give the quorum as a number of voting members, a share of them, or both"
        )
    if quorum_count is not None and quorum_count < 1:
        problems["quorum_count"] = "The quorum is at least 1 voting member"
    if quorum_share is not None and not 0 < quorum_share <= 1:
        problems["quorum_share"] = "The share of voting members is more than 0% and at most 100%"
    return problems


def _forum_values(**fields: Any) -> dict[str, Any]:
    """The fields as saved: a system forum belongs to no place, and only a neighbourhood
    forum to a neighbourhood (whatever else was chosen is left out)."""
    fields["name"] = fields["name"].strip()
    if fields["layer"] != Forum.Layer.NEIGHBOURHOOD:
        fields["neighbourhood"] = None
    if fields["layer"] == Forum.Layer.SYSTEM:
        fields["place"] = None
    fields["quorum_groups"] = sorted(fields.get("quorum_groups") or [])
    return fields


def create_forum(*, by: Any, **fields: Any) -> Forum:
    """Set up a forum (the programme office only); its address is made from its name and
    kept. Fields: name, layer, place, neighbourhood, parent, terms_of_reference,
    quorum_count, quorum_share (0–1), quorum_groups, decision_rule."""
    require(by, Permission.CHANGE_FORUM)
    values = _forum_values(**fields)
    problems = forum_problems(
        **{k: values[k] for k in ("name", "layer", "place", "neighbourhood", "parent")},
        quorum_count=values["quorum_count"],
        quorum_share=values["quorum_share"],
    )
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        forum = Forum(**values, slug=_slug_for(values["name"], queries.forum_slugs() | {"new"}))
        audit.save_with_history(forum, by=by)
        audit.record(
            actor=by,
            action=AuditAction.CREATE_FORUM,
            summary=f"Forum set up: {forum.name}",
            forum=forum.slug,
        )
    return forum


def change_forum(*, forum: Forum, by: Any, **fields: Any) -> Forum:
    """Change a forum's name, layer, parent, terms of reference, quorum rule or decision rule
    (the programme office only); its address stays."""
    require(by, Permission.CHANGE_FORUM)
    values = _forum_values(**fields)
    problems = forum_problems(
        **{k: values[k] for k in ("name", "layer", "place", "neighbourhood", "parent")},
        quorum_count=values["quorum_count"],
        quorum_share=values["quorum_share"],
        forum=forum,
    )
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        changed = _changed(forum, values)
        audit.save_audited(
            forum,
            by=by,
            action=AuditAction.CHANGE_FORUM,
            summary=f"Forum {forum.name}: changed {_words(changed)}",
            forum=forum.slug,
            changed=changed,
        )
    return forum


def _not_partners(people: Sequence[Any]) -> list[str]:
    """The names of any of ``people`` who hold no role in the partnership (or cannot sign in):
    a seat goes to someone invited with a role."""
    return [_name(p) for p in people if not (p.is_active and roles_of(p).is_partner)]


def _seat_problems(
    forum: Forum,
    organisation: Organisation,
    representative: Any,
    deputies: Sequence[Any],
    seat: ForumMember | None = None,
) -> dict[str, str]:
    problems = {}
    for other in queries.seats_with_deputies(forum):
        if seat is not None and other.pk == seat.pk:
            continue
        if other.organisation_id == organisation.pk:
            problems["organisation"] = (
                f"{organisation.name} already has a seat on {forum.name}: change that seat"
            )
        if other.representative_id == representative.pk:
            problems["representative"] = (
                f"{_name(representative)} already represents {other.organisation.name} on "
                f"{forum.name}: a person has one seat on a forum"
            )
    if any(d.pk == representative.pk for d in deputies):
        problems["deputies"] = (
            f"{_name(representative)} is the representative: a deputy is someone else"
        )
    elif outsiders := _not_partners(deputies):
        problems["deputies"] = _outsiders(outsiders)
    elif elsewhere := _not_of(organisation, deputies):
        problems["deputies"] = _elsewhere(organisation, elsewhere, "deputy")
    if outsider := _not_partners([representative]):
        problems["representative"] = _outsiders(outsider)
    elif elsewhere := _not_of(organisation, [representative]):
        problems["representative"] = _elsewhere(organisation, elsewhere, "representative")
    return problems


def _not_of(organisation: Organisation, people: Sequence[Any]) -> list[str]:
    """The names of any of ``people`` who hold no role at ``organisation``, or who have not
    yet accepted their invitation (set a password): a seat is held by the organisation's own
    people, who can sign in."""
    return [
        _name(p)
        for p in people
        if organisation.pk not in roles_of(p).by_organisation or not p.has_usable_password()
    ]


def _elsewhere(organisation: Organisation, names: list[str], what: str) -> str:
    return (
        f"{queries.in_words(names)} {'has' if len(names) == 1 else 'have'} no role at "
        f"{organisation.name}, or {'has' if len(names) == 1 else 'have'} not yet accepted the "
        f"invitation: a {what} is one of the organisation's own people"
    )


def _outsiders(names: list[str]) -> str:
    return (
        f"{queries.in_words(names)} {'has' if len(names) == 1 else 'have'} no role in the "
        "partnership: invite them with a role first (Workspace → People)"
    )


def add_seat(
    *,
    forum: Forum,
    organisation: Organisation,
    representative: Any,
    voting: bool,
    deputies: Sequence[Any] = (),
    by: Any,
) -> ForumMember:
    """Give an organisation a seat on a forum with its representative and deputies (the
    programme office only). One seat per organisation and per person on a forum."""
    require(by, Permission.CHANGE_FORUM)
    if problems := _seat_problems(forum, organisation, representative, deputies):
        raise ValidationError(problems)
    with transaction.atomic():
        seat = ForumMember(
            forum=forum, organisation=organisation, representative=representative, voting=voting
        )
        audit.save_audited(
            seat,
            by=by,
            action=AuditAction.ADD_SEAT,
            summary=f"{forum.name}: seat for {organisation.name}, represented by "
            f"{_name(representative)}{'' if voting else ' (not voting)'}",
            forum=forum.slug,
        )
        seat.deputies.set(deputies)
    return seat


def change_seat(
    *,
    seat: ForumMember,
    organisation: Organisation,
    representative: Any,
    voting: bool,
    deputies: Sequence[Any],
    by: Any,
) -> ForumMember:
    """Change a seat's organisation, representative, vote or deputies (the programme office
    only)."""
    require(by, Permission.CHANGE_FORUM)
    if problems := _seat_problems(seat.forum, organisation, representative, deputies, seat):
        raise ValidationError(problems)
    with transaction.atomic():
        changed = _changed(
            seat,
            {"organisation": organisation, "representative": representative, "voting": voting},
        )
        if {d.pk for d in deputies} != {d.pk for d in seat.deputies.all()}:
            changed.append("deputies")
        audit.save_audited(
            seat,
            by=by,
            action=AuditAction.CHANGE_SEAT,
            summary=f"{seat.forum.name}: seat for {organisation.name} changed ({_words(changed)})",
            forum=seat.forum.slug,
            changed=changed,
        )
        seat.deputies.set(deputies)
    return seat


def remove_seat(*, seat: ForumMember, by: Any) -> None:
    """Take a seat away (the programme office only); its history keeps it."""
    require(by, Permission.CHANGE_FORUM)
    with transaction.atomic():
        seat._history_user = by if getattr(by, "is_authenticated", False) else None
        summary = f"{seat.forum.name}: seat for {seat.organisation.name} removed"
        slug = seat.forum.slug
        seat.delete()
        audit.record(actor=by, action=AuditAction.REMOVE_SEAT, summary=summary, forum=slug)


def name_deputies(*, seat: ForumMember, deputies: Sequence[Any], by: Any) -> ForumMember:
    """Name the deputies who may act for a seat's representative: respond for the
    organisation and attend in their place (the representative, or the programme office)."""
    require(by, Permission.NAME_DEPUTY, seat)
    if any(d.pk == seat.representative_id for d in deputies):
        raise ValidationError(
            {
                "deputies": f"{_name(seat.representative)} is the representative: a deputy is "
                "someone else"
            }
        )
    if outsiders := _not_partners(deputies):
        raise ValidationError({"deputies": _outsiders(outsiders)})

    names = sorted(_name(d) for d in deputies)
    with transaction.atomic():
        seat._history_user = by if getattr(by, "is_authenticated", False) else None
        seat.deputies.set(deputies)
        audit.record(
            actor=by,
            action=AuditAction.NAME_DEPUTIES,
            summary=f"{seat.forum.name}: deputies for {seat.organisation.name} named by "
            f"{_name(by)}: {', '.join(names) if names else 'none'}",
            forum=seat.forum.slug,
            seat=seat.pk,
            deputies=names,
        )
    return seat


def add_decision_type(*, name: str, by: Any) -> DecisionType:
    """Add a type of decision the scheme of delegation names (the programme office only)."""
    require(by, Permission.CHANGE_FORUM)
    name = name.strip()
    if not name or not slugify(name):
        raise ValidationError({"name": "Enter the type of decision, with letters or numbers"})
    if queries.decision_types().filter(name__iexact=name).exists():
        raise ValidationError({"name": f"There is already a type of decision called {name}"})
    with transaction.atomic():
        taken = set(queries.decision_types().values_list("slug", flat=True))
        kind = DecisionType(name=name, slug=_slug_for(name, taken))
        audit.save_audited(
            kind,
            by=by,
            action=AuditAction.ADD_DECISION_TYPE,
            summary=f"Type of decision added: {name}",
        )
    return kind


def set_delegation(
    *, decision_type: DecisionType, forum: Forum, limit_pence: int | None, by: Any
) -> Delegation:
    """Delegate decisions of a type to a forum up to a money limit (None: no limit), or change
    the limit of one already delegated (the programme office only)."""
    require(by, Permission.CHANGE_FORUM)
    if limit_pence is not None and limit_pence < 0:
        raise ValidationError({"limit_pounds": "The limit is £0 or more, or empty for no limit"})
    with transaction.atomic():
        delegation = queries.delegation_of(decision_type, forum) or Delegation(
            decision_type=decision_type, forum=forum
        )
        old = delegation.limit_pence if delegation.pk else "new"
        delegation.limit_pence = limit_pence
        limit = "no limit" if limit_pence is None else f"up to £{limit_pence / 100:,.0f}"
        audit.save_audited(
            delegation,
            by=by,
            action=AuditAction.SET_DELEGATION,
            summary=f"Scheme of delegation: {forum.name} may decide {decision_type.name}, {limit}",
            forum=forum.slug,
            decision_type=decision_type.slug,
            old=old,
            new=limit_pence,
        )
    return delegation


def remove_delegation(*, delegation: Delegation, by: Any) -> None:
    """Take a delegation out of the scheme (the programme office only); its history keeps it.
    Proposals already routed keep their forum."""
    require(by, Permission.CHANGE_FORUM)
    with transaction.atomic():
        delegation._history_user = by if getattr(by, "is_authenticated", False) else None
        summary = (
            f"Scheme of delegation: {delegation.forum.name} no longer decides "
            f"{delegation.decision_type.name}"
        )
        delegation.delete()
        audit.record(actor=by, action=AuditAction.REMOVE_DELEGATION, summary=summary)


# --- Equality and health inequalities impact assessment --------------------------------------


def set_assessment_threshold(*, threshold_pence: int | None, by: Any) -> Any:
    """Set the money at stake above which a proposal needs a completed impact assessment
    before it is approved or rejected (None: no proposal needs one). The programme office
    only; audited, and its history kept."""
    require(by, Permission.SET_ASSESSMENT_THRESHOLD)
    if threshold_pence is not None and threshold_pence < 0:
        raise ValidationError(
            {"threshold_pounds": "The threshold is £0 or more, or empty for no threshold"}
        )
    with transaction.atomic():
        setting = queries.assessment_threshold()
        old = setting.threshold_pence
        setting.threshold_pence = threshold_pence
        words = (
            "no proposal needs an assessment"
            if threshold_pence is None
            else f"proposals above £{threshold_pence / 100:,.0f} need an assessment"
        )
        audit.save_audited(
            setting,
            by=by,
            action=AuditAction.SET_ASSESSMENT_THRESHOLD,
            summary=f"Impact assessment threshold: {words}",
            old=old,
            new=threshold_pence,
        )
    return setting


CLOSED = {Proposal.Status.DECIDED, Proposal.Status.WITHDRAWN}


def assessment_problems(
    *,
    impacts: dict[str, tuple[str, str]],
    plus_groups: Sequence[tuple[str, str, str]],
    evidence: str,
    mitigations: str,
) -> dict[str, str]:
    """What is wrong with an assessment, by field: every group given a direction; "Not known
    yet" only with a note saying how and when it will be found out, and never for every
    protected characteristic and Core20 (docs/decisions.md, "An impact assessment is
    complete"); each PLUS group named once with its direction; the evidence given;
    mitigations for any negative impact."""
    problems = {}
    directions = set(Direction.values)
    for key, name in ASSESSED_GROUPS:
        direction, note = impacts.get(key, ("", ""))
        if direction not in directions:
            problems[f"{key}_direction"] = f"Choose the direction of the impact on {_mid(name)}"
        elif direction == Direction.UNKNOWN and not note.strip():
            problems[f"{key}_note"] = _unknown_needs_plan(_mid(name))
    if all(impacts.get(key, ("", ""))[0] == Direction.UNKNOWN for key, _ in ASSESSED_GROUPS):
        problems["__all__"] = (
            "Every protected characteristic and Core20 is not known yet: judge the impact on "
            "at least one before the assessment counts as completed"
        )
    if len(plus_groups) > PLUS_ROWS:
        problems["plus_0_group"] = f"Name at most {PLUS_ROWS} PLUS groups"
    seen: set[str] = set()
    for i, (group, direction, note) in enumerate(plus_groups):
        name = group.strip()
        if not (name or direction or note.strip()):
            continue  # a row left empty
        if not name:
            problems[f"plus_{i}_group"] = f"PLUS group {i + 1}: name the group"
        elif name.lower() in seen:
            problems[f"plus_{i}_group"] = f"{name} is named twice: name each PLUS group once"
        seen.add(name.lower())
        if direction not in directions:
            problems[f"plus_{i}_direction"] = (
                f"Choose the direction of the impact on {name or f'PLUS group {i + 1}'}"
            )
        elif direction == Direction.UNKNOWN and not note.strip():
            problems[f"plus_{i}_note"] = _unknown_needs_plan(name or f"PLUS group {i + 1}")
    if not evidence.strip():
        problems["evidence"] = "Give the evidence the assessment rests on"
    negative = [d for d, _ in impacts.values()] + [d for _, d, _ in plus_groups]
    if Direction.NEGATIVE in negative and not mitigations.strip():
        problems["mitigations"] = (
            "A negative impact is assessed: say how it will be mitigated, or why it cannot be"
        )
    return problems


def _mid(name: str) -> str:
    """A group's name mid-sentence: "age", but "Core20: people in …" keeps its capital."""
    return name if name.startswith("Core20") else name[:1].lower() + name[1:]


def _unknown_needs_plan(name: str) -> str:
    return (
        f"The impact on {name} is not known yet: say in the note how and when it will be found out"
    )


def complete_assessment(
    *,
    proposal: Proposal,
    impacts: dict[str, tuple[str, str]],
    plus_groups: Sequence[tuple[str, str, str]] = (),
    evidence: str,
    mitigations: str,
    by: Any,
    on: dt.date | None = None,
) -> ImpactAssessment:
    """Complete (or revise) the proposal's equality and health inequalities impact assessment
    on ``on`` (today unless given): ``impacts`` gives each protected characteristic and Core20
    (by key) its direction and a note; ``plus_groups`` each locally chosen group's name,
    direction and note. The proposal's sponsor or the programme office; not once the
    proposal is decided or withdrawn (the assessment the decision was taken on stays)."""
    require(by, Permission.COMPLETE_ASSESSMENT, proposal)
    if proposal.status in CLOSED:
        raise ValidationError(
            f"This proposal is {proposal.get_status_display().lower()}: its assessment can no "
            "longer be changed."
        )
    on = on or timezone.localdate()
    if on < proposal.proposed_on:
        raise ValidationError(
            f"The assessment cannot be completed on {on:{DAY}}, before the proposal was brought "
            f"on {proposal.proposed_on:{DAY}}."
        )
    problems = assessment_problems(
        impacts=impacts, plus_groups=plus_groups, evidence=evidence, mitigations=mitigations
    )
    plus = [(g.strip(), d, n.strip()) for g, d, n in plus_groups if g.strip()]
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        assessment = queries.assessment_of(proposal) or ImpactAssessment(proposal=proposal)
        revised = assessment.pk is not None
        assessment.impacts = {
            key: {"direction": impacts[key][0], "note": impacts[key][1].strip()}
            for key, _ in ASSESSED_GROUPS
        }
        assessment.plus_groups = [{"group": g, "direction": d, "note": n} for g, d, n in plus]
        assessment.evidence = evidence.strip()
        assessment.mitigations = mitigations.strip()
        assessment.completed_by = by if getattr(by, "is_authenticated", False) else None
        assessment.completed_on = on
        audit.save_audited(
            assessment,
            by=by,
            action=AuditAction.COMPLETE_ASSESSMENT,
            summary=f"Impact assessment {'revised' if revised else 'completed'} by {_name(by)}: "
            f"{proposal.title}",
            proposal=proposal.pk,
            directions=assessment.counts(),
        )
    return assessment
