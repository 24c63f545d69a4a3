"""Engagement pages: public consultations people take part in without an account, their
reports, and the programme office's workspace (setting up, opinion groups, moderation,
"you said, we did")."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from footprint.core import charts
from footprint.core.exports import csv_response
from footprint.core.permissions import can, permission_required
from footprint.engagement import queries, services
from footprint.engagement.forms import (
    AboutYouForm,
    AnswersForm,
    ConsultationForm,
    DocumentForm,
    HideForm,
    MessageForm,
    PartnershipStatementForm,
    QuestionForm,
    ResponseForm,
    StatementForm,
)
from footprint.engagement.models import (
    Answer,
    Audience,
    Consultation,
    Document,
    Message,
    Participant,
    Question,
    Statement,
)
from footprint.engagement.tasks import recompute_opinions, request_recompute
from footprint.partnership.models import Organisation, OrganisationKind, Role
from footprint.partnership.rules import roles_of

COOKIE = "fp_taking_part"
LIMITS = {  # (count, seconds)
    "vote": (120, 60),
    "statement": (5, 3600),
    "answer": (10, 3600),
    "fresh_link": (5, 3600),
}
partner_only = permission_required("engagement.view_engagement")
manager_only = permission_required("engagement.manage_engagement")


def _key(request: HttpRequest) -> str | None:
    return request.COOKIES.get(COOKIE)


def _participant(request: HttpRequest, c: Consultation, create: bool) -> Participant | None:
    key = _key(request)
    if key is None:
        if not create:
            return None
        key = secrets.token_urlsafe(32)
        request._fp_new_key = key  # type: ignore[attr-defined]
    scoped = f"{c.pk}:{key}"
    if create:
        return services.participant_for(c, scoped)
    return Participant.objects.filter(consultation=c, key=services.key_digest(scoped)).first()


def _with_cookie(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    new = getattr(request, "_fp_new_key", None)
    if new:
        response.set_cookie(
            COOKIE,
            new,
            max_age=365 * 24 * 3600,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


def _limited(request: HttpRequest, kind: str) -> bool:
    """Whether this address has done ``kind`` too often lately (counted in the cache, with
    a hashed address: nothing about the address is stored)."""
    most, seconds = LIMITS[kind]
    who = hashlib.sha256(request.META.get("REMOTE_ADDR", "").encode()).hexdigest()[:16]
    key = f"engage:{kind}:{who}"
    cache.add(key, 0, seconds)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, seconds)
        count = 1
    return count > most


def _visible(request: HttpRequest, c: Consultation) -> None:
    if c.audience != Audience.PUBLIC and not can(request.user, "engagement.view_engagement"):
        raise Http404("No such consultation")


def consultations(request: HttpRequest) -> HttpResponse:
    qs = Consultation.objects.all()
    if not can(request.user, "engagement.view_engagement"):
        qs = qs.filter(audience=Audience.PUBLIC)
    return render(
        request,
        "engagement/list.jinja",
        {
            "by_status": queries.by_status(qs),
        },
    )


def consultation(request: HttpRequest, slug: str) -> HttpResponse:
    c = get_object_or_404(Consultation, slug=slug)
    _visible(request, c)
    participant = _participant(request, c, create=False)
    statements = queries.approved_statements(c)
    voted = participant.votes.count() if participant else 0
    return render(
        request,
        "engagement/consultation.jinja",
        {
            "c": c,
            "next": queries.next_statement(c, participant.pk if participant else None),
            "voted": voted,
            "total": statements.count(),
            "statement_form": StatementForm(),
            "answers_form": AnswersForm(questions=list(c.questions.all())),
            "about_form": AboutYouForm(
                initial={"age_band": participant.age_band, "place": participant.place_id}
                if participant
                else None
            ),
        },
    )


@require_POST
def vote(request: HttpRequest, slug: str) -> HttpResponse:
    c = get_object_or_404(Consultation, slug=slug)
    _visible(request, c)
    if _limited(request, "vote"):
        messages.error(request, "You are voting very fast. Please wait a minute and try again.")
        return redirect(c)
    statement = get_object_or_404(Statement, pk=request.POST.get("statement", 0), consultation=c)
    try:
        value = int(request.POST.get("value", ""))
    except ValueError:
        value = 99
    with transaction.atomic():
        participant = _participant(request, c, create=True)
        assert participant is not None
        try:
            services.vote(participant=participant, statement=statement, value=value)
        except ValidationError as exc:
            transaction.set_rollback(True)
            messages.error(request, exc.messages[0])
        else:
            request_recompute(c)
    return _with_cookie(request, redirect(f"{c.get_absolute_url()}#vote"))


@require_POST
def contribute(request: HttpRequest, slug: str) -> HttpResponse:
    """A participant's own statement, free-text answers or description of themselves."""
    c = get_object_or_404(Consultation, slug=slug)
    _visible(request, c)
    what = request.POST.get("what")
    if what not in ("statement", "answers", "about"):
        raise Http404("Nothing to save")
    if what != "about" and _limited(request, "statement" if what == "statement" else "answer"):
        messages.error(request, "You have sent a lot in the last hour. Please try again later.")
        return redirect(c)
    form: Any = {
        "statement": StatementForm(request.POST),
        "answers": AnswersForm(request.POST, questions=list(c.questions.all())),
        "about": AboutYouForm(request.POST),
    }[what]
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, errors[0])
        return redirect(c)
    try:
        with transaction.atomic():
            participant = _participant(request, c, create=True)
            assert participant is not None
            if what == "statement":
                services.add_statement(participant=participant, text=form.cleaned_data["text"])
                messages.success(
                    request,
                    "Thank you. Your statement will appear once a moderator has checked it.",
                )
            elif what == "answers":
                saved = [
                    services.answer(participant=participant, question=q, text=t)
                    for q, t in form.answers()
                ]
                messages.success(
                    request,
                    "Thank you for your answers." if any(saved) else "There was nothing to save.",
                )
            else:
                services.describe_yourself(
                    participant=participant,
                    age_band=form.cleaned_data["age_band"],
                    place=form.cleaned_data["place"],
                )
                messages.success(request, "Thank you. This helps us see who we have heard from.")
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    return _with_cookie(request, redirect(c))


def _report_context(c: Consultation) -> dict[str, Any]:
    snapshot = queries.latest_snapshot(c)
    context: dict[str, Any] = {
        "c": c,
        "reach": queries.reach(c),
        "snapshot": snapshot,
        "responses": c.responses.select_related("statement", "decision__proposal"),
        "answers": queries.answers_heard(c),
    }
    if snapshot is not None and snapshot.points:
        shown = len(snapshot.points)
        who = (
            f"the {shown:,} who voted"
            if shown == snapshot.participants
            else f"{shown:,} of the {snapshot.participants:,} who voted (a sample)"
        )
        context["map_chart"] = charts.opinion_map(
            snapshot.points, f"Where {who} stand: groups who vote alike"
        )
    return context


def _readable_report(request: HttpRequest, slug: str) -> Consultation:
    """The consultation whose report this person may read: published, or a preview for the
    programme office."""
    c = get_object_or_404(Consultation, slug=slug)
    _visible(request, c)
    if c.report_published_at is None and not can(request.user, "engagement.manage_engagement"):
        raise Http404("The report has not been published")
    return c


def report(request: HttpRequest, slug: str) -> HttpResponse:
    c = _readable_report(request, slug)
    return render(request, "engagement/report.jinja", _report_context(c) | {})


def report_csv(request: HttpRequest, slug: str) -> HttpResponse:
    c = _readable_report(request, slug)
    snapshot = queries.latest_snapshot(c)
    groups = [g["label"] for g in snapshot.groups] if snapshot else []
    header = ["Statement", "Agree", "Disagree", "Pass", *(f"{g}: % agree" for g in groups)]
    rows = [
        [
            s["text"],
            s["agree"],
            s["disagree"],
            s["pass"],
            *(None if v is None else round(100 * v, 1) for v in s["groups"]),
        ]
        for s in (snapshot.statements if snapshot else [])
    ]
    return csv_response(f"consultation-{c.slug}-report.csv", header, rows)


# --- The workspace ------------------------------------------------------------------------


@partner_only
def workspace(request: HttpRequest) -> HttpResponse:
    statements, answers = queries.waiting()
    return render(
        request,
        "engagement/workspace.jinja",
        {
            "consultations": queries.with_counts(Consultation.objects.all()),
            "waiting": statements.count() + answers.count(),
        },
    )


@partner_only
def manage(request: HttpRequest, slug: str) -> HttpResponse:
    c = get_object_or_404(Consultation, slug=slug)
    return render(
        request,
        "engagement/manage.jinja",
        _report_context(c)
        | {
            "statement_form": PartnershipStatementForm(),
            "question_form": QuestionForm(),
            "document_form": DocumentForm(),
            "response_form": ResponseForm(consultation=c),
            "statements": (
                c.statements.all()
                if can(request.user, "engagement.manage_engagement")
                else queries.approved_statements(c)
            )
            .annotate(voters=Count("votes"))
            .order_by("status", "pk"),
        },
    )


@manager_only
def edit(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    c = get_object_or_404(Consultation, slug=slug) if slug else None
    form = ConsultationForm(request.POST or None, instance=c)
    if request.method == "POST" and form.is_valid():
        saved = services.save_consultation(form=form, by=request.user)
        messages.success(request, f"Saved '{saved.title}'.")
        return redirect("engagement:manage", saved.slug)
    return render(
        request,
        "engagement/edit.jinja",
        {
            "form": form,
            "c": c,
        },
    )


@require_POST
@manager_only
def add(request: HttpRequest, slug: str, what: str) -> HttpResponse:
    """Add a statement, a question or a response to a consultation."""
    c = get_object_or_404(Consultation, slug=slug)
    if what == "statement":
        form: Any = PartnershipStatementForm(request.POST)
        if form.is_valid():
            services.add_partnership_statement(
                consultation=c, text=form.cleaned_data["text"], by=request.user
            )
    elif what == "question":
        form = QuestionForm(request.POST)
        if form.is_valid():
            Question.objects.create(
                consultation=c, text=form.cleaned_data["text"], order=c.questions.count()
            )
    elif what == "document":
        form = DocumentForm(request.POST)
        if form.is_valid():
            Document.objects.create(consultation=c, **form.cleaned_data)
    elif what == "response":
        form = ResponseForm(request.POST, consultation=c)
        if form.is_valid():
            services.save_response(form=form, consultation=c, by=request.user)
    else:
        raise Http404("Nothing to add")
    if form.errors:
        for errors in form.errors.values():
            messages.error(request, errors[0])
    else:
        messages.success(request, f"Added the {what}.")
    return redirect("engagement:manage", c.slug)


@require_POST
@manager_only
def publish(request: HttpRequest, slug: str) -> HttpResponse:
    c = get_object_or_404(Consultation, slug=slug)
    try:
        services.publish_report(consultation=c, by=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("engagement:manage", c.slug)
    messages.success(request, "The report is published.")
    return redirect("engagement:consultation_report", c.slug)


@require_POST
@manager_only
def recompute(request: HttpRequest, slug: str) -> HttpResponse:
    c = get_object_or_404(Consultation, slug=slug)
    transaction.on_commit(lambda: recompute_opinions.enqueue(c.pk))
    messages.success(request, "The opinion groups are being recomputed.")
    return redirect("engagement:manage", c.slug)


@manager_only
def moderation(request: HttpRequest) -> HttpResponse:
    statements, answers = queries.waiting()
    return render(
        request,
        "engagement/moderation.jinja",
        {
            "statements": statements,
            "answers": answers,
            "hide_form": HideForm(),
        },
    )


@require_POST
@manager_only
def moderate(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    model = {"statement": Statement, "answer": Answer}.get(kind)
    if model is None:
        raise Http404("Nothing to moderate")
    item = get_object_or_404(model, pk=pk)
    approve = request.POST.get("decision") == "approve"
    try:
        services.moderate(
            item=item, approve=approve, reason=request.POST.get("reason", ""), by=request.user
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, str(exc.messages[0] if isinstance(exc, ValidationError) else exc))
    else:
        messages.success(request, "Approved." if approve else "Hidden.")
    return redirect("engagement:moderation")


# --- Messages ------------------------------------------------------------------------------


def _senders(user: Any) -> list[Organisation]:
    editing = [pk for pk, roles in roles_of(user).by_organisation.items() if Role.EDITOR in roles]
    if can(user, "engagement.manage_engagement"):
        return list(Organisation.objects.exclude(kind=OrganisationKind.GP_PRACTICE))
    return list(Organisation.objects.filter(pk__in=editing))


@partner_only
def message_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "engagement/messages.jinja",
        {
            "messages_sent": queries.messages_with_reach(),
            "may_send": bool(_senders(request.user)),
        },
    )


@partner_only
def message_new(request: HttpRequest) -> HttpResponse:
    senders = _senders(request.user)
    partnership = can(request.user, "engagement.manage_engagement")
    if not senders and not partnership:
        raise PermissionDenied(
            "Only the programme office and organisations' editors send messages."
        )
    form = MessageForm(request.POST or None, senders=senders, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            message = form.save()
            sent = services.send_message(message=message, by=request.user)
        messages.success(request, f"Sent to {sent} organisations.")
        return redirect(message)
    return render(
        request,
        "engagement/message_form.jinja",
        {
            "form": form,
        },
    )


@partner_only
def message_detail(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(Message.objects.select_related("sender"), pk=pk)
    adopted = set(message.adopted_by.values_list("pk", flat=True))
    may_adopt = [
        o
        for o in _senders(request.user)
        if o.pk not in adopted
        and o.pk != message.sender_id
        and not can(request.user, "engagement.manage_engagement")
    ]
    return render(
        request,
        "engagement/message.jinja",
        {
            "message": message,
            "reach": queries.message_reach(message),
            "may_adopt": may_adopt,
            "may_remind": services.may_send(request.user, message.sender),
        },
    )


@require_POST
@partner_only
def message_act(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    """Adopt a message for one's organisation, or remind those who have not acknowledged."""
    message = get_object_or_404(Message, pk=pk)
    if what == "adopt":
        organisation = get_object_or_404(Organisation, pk=request.POST.get("organisation", 0))
        services.adopt(message=message, organisation=organisation, by=request.user)
        messages.success(request, f"{organisation.name} has adopted this message.")
    elif what == "remind":
        if not services.may_send(request.user, message.sender):
            raise PermissionDenied("Only the sender and the programme office send reminders.")
        sent = services.send_message_reminders(
            older_than=dt.timedelta(0), now=timezone.now(), message=message
        )
        messages.success(request, f"{sent} reminders sent.")
    else:
        raise Http404("No such action")
    return redirect(message)


def _link(key: str) -> services.Link:
    link = services.link_for(key)
    if link is None:
        raise Http404("This link is not recognised. Ask the sender for a new one.")
    return link


def _expired(request: HttpRequest, link: services.Link, key: str) -> HttpResponse:
    return render(
        request,
        "engagement/message_link_expired.jinja",
        {
            "recipient": link.recipient,
            "link": link,
            "key": key,
        },
        status=410,
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def message_link(request: HttpRequest, key: str) -> HttpResponse:
    """A recipient's personal link: the message and an "I have read this" button. Opening it
    notes that it was opened; only the button (a POST, with the CSRF token the page set in a
    cookie) acknowledges, so a link preview or a mail scanner never acknowledges for anyone."""
    link = _link(key)
    now = timezone.now()
    if link.expired(now):
        return _expired(request, link, key)
    recipient = link.recipient
    if request.method == "POST":
        services.acknowledge(recipient=recipient, now=now)
        messages.success(request, "Thank you: we know the message has reached you.")
        return redirect("engagement:message_link", key)
    if request.method == "GET":
        services.mark_opened(recipient=recipient, now=now)
    return render(
        request,
        "engagement/message_link.jinja",
        {
            "recipient": recipient,
            "message": recipient.message,
            "link": link,
            "acknowledged_at": recipient.acknowledged_at
            and timezone.localtime(recipient.acknowledged_at),
        },
    )


@never_cache
@require_POST
def message_link_fresh(request: HttpRequest, key: str) -> HttpResponse:
    """An expired link's button: email a fresh link to the organisation's contact address
    (never to an address the asker gives), at most once an hour."""
    link = _link(key)
    now = timezone.now()
    if not link.expired(now):
        return redirect("engagement:message_link", key)
    organisation = link.recipient.organisation.name
    if _limited(request, "fresh_link"):
        messages.error(request, "You have asked for a lot of links lately. Try again later.")
        return redirect("engagement:message_link", key)
    outcome = services.send_fresh_link(recipient=link.recipient, now=now)
    messages.success(
        request,
        {
            "sent": f"We have emailed a fresh link to {organisation}'s contact address. "
            "It can take a few minutes to arrive.",
            "already_sent": f"A fresh link was emailed to {organisation}'s contact address "
            "in the last hour. Check that inbox (and its junk folder).",
            "no_address": f"We have no email address for {organisation}. "
            "Ask the sender of the message for a new link.",
        }[outcome],
    )
    return redirect("engagement:message_link", key)
