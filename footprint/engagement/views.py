"""Engagement pages: public consultations people take part in without an account, their
reports, the programme office's workspace (setting up, opinion groups, moderation, "you said,
we did") and messages to practices and staff with their personal links.

One view per action: each POST has its own URL and calls one service, which refuses a caller
who may not act. Taking part stays open to the public, behind the rate limits here and the
forms' honeypot."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from footprint.core import charts, ratelimit
from footprint.core.exports import csv_response
from footprint.core.imports import in_megabytes
from footprint.core.permissions import can, permission_required
from footprint.engagement import queries, services, tasks
from footprint.engagement.forms import (
    AboutYouForm,
    AnswersForm,
    ConsultationForm,
    DocumentForm,
    MessageForm,
    PartnershipStatementForm,
    QuestionForm,
    ResponseForm,
    StatementForm,
)
from footprint.engagement.models import (
    Answer,
    Consultation,
    Message,
    MessageAttachment,
    Statement,
)
from footprint.engagement.rules import Permission
from footprint.partnership.models import Organisation

COOKIE = "fp_taking_part"
# How much one address may do in one window: (count, seconds), counted in the database every
# web process shares (core.ratelimit). Short windows with room for a crowd: many people share
# one address (hospital and library Wi-Fi, mobile networks), so a burst is limited, not a
# day's taking part. Settings may change any of them: FOOTPRINT_ENGAGEMENT_LIMITS = {"participant":
# (60, 600)}. See docs/decisions.md, "Rate limits for taking part".
DEFAULT_LIMITS = {
    "vote": (120, 60),
    "participant": (40, 600),  # new participants in 10 minutes, in any consultation
    "participant_day": (300, 24 * 3600),  # and in a day
    "statement": (20, 600),
    "answer": (30, 600),
    "about": (30, 600),
    "fresh_link": (5, 3600),
}
LIMITS = DEFAULT_LIMITS | getattr(settings, "FOOTPRINT_ENGAGEMENT_LIMITS", {})
# A vote from a browser that has not taken part yet counts only with a ticket from the page:
# signed, time-stamped, good for one new participant (docs/decisions.md, "Ballot stuffing").
TICKETS = signing.Signer(salt="footprint.engagement.taking-part-ticket")
TICKET_LIFE = 2 * 3600  # seconds
partner_only = permission_required(Permission.VIEW_ENGAGEMENT)
manager_only = permission_required(Permission.MANAGE_ENGAGEMENT)


def _participant_key(request: HttpRequest, c: Consultation, *, create: bool) -> str | None:
    """This browser's key for taking part in ``c`` (its cookie's random key, scoped to the
    consultation); a new cookie key is made, to be set on the response, when ``create``."""
    key = request.COOKIES.get(COOKIE)
    if key is None:
        if not create:
            return None
        key = secrets.token_urlsafe(32)
        request._fp_new_key = key  # type: ignore[attr-defined]
    return f"{c.pk}:{key}"


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
    """Whether the client's address has done ``kind`` too often lately (counted, this try
    included, in the database that every web process shares; the address only as an HMAC)."""
    most, seconds = LIMITS[kind]
    return not ratelimit.allow(f"engage:{kind}", ratelimit.who(request), most=most, seconds=seconds)


def _full(request: HttpRequest, *kinds: str) -> dict[str, bool]:
    """Which of ``kinds`` the client's address has used up for now (a look: counts nothing)."""
    counts = queries.tries(
        {f"engage:{k}": LIMITS[k][1] for k in kinds}, ratelimit.who(request), now=timezone.now()
    )
    return {k: counts[f"engage:{k}"] >= LIMITS[k][0] for k in kinds}


def _window(kind: str) -> str:
    """The window of ``kind``'s limit in words: "10 minutes", "hour", "day"."""
    seconds = LIMITS[kind][1]
    if seconds % 86400 == 0:
        return "day" if seconds == 86400 else f"{seconds // 86400} days"
    if seconds % 3600 == 0:
        return "hour" if seconds == 3600 else f"{seconds // 3600} hours"
    return "minute" if seconds == 60 else f"{seconds // 60} minutes"


def _crowded(kind: str) -> str:
    return (
        f"A lot of people have taken part from your internet connection in the last "
        f"{_window(kind)}. Please try again later, or from another connection (mobile data "
        "instead of Wi-Fi)."
    )


def _ticket() -> str:
    """A fresh ticket for the page to send back with a first vote."""
    return TICKETS.sign(f"{secrets.token_urlsafe(12)}.{int(timezone.now().timestamp())}")


def _ticket_used(ticket: str) -> bool:
    """Spend ``ticket``: whether it is one this site issued in the last two hours and never
    spent before (spent tickets are counted in the database, keyed on their random part)."""
    try:
        nonce, issued = TICKETS.unsign(ticket).rsplit(".", 1)
        at = dt.datetime.fromtimestamp(int(issued), tz=dt.UTC)
    except (signing.BadSignature, ValueError, OverflowError):
        return False
    if not dt.timedelta(0) <= timezone.now() - at <= dt.timedelta(seconds=TICKET_LIFE):
        return False
    return ratelimit.allow("engage:ticket", nonce, most=1, seconds=TICKET_LIFE, now=at)


def _may_join(request: HttpRequest, *, ticket: bool) -> str:
    """Why this browser may not become a new participant ("" if it may): a vote needs an
    unspent ticket from the page, and an address makes only so many participants an hour."""
    if ticket and not _ticket_used(request.POST.get("ticket", "")):
        return "We could not count that vote. Please choose again."
    for kind in ("participant", "participant_day"):
        if _limited(request, kind):
            return _crowded(kind)
    return ""


# The largest id the database holds (a 64-bit integer); anything else sent as an id is junk.
LARGEST_ID = 2**63 - 1


def _id(value: object) -> int | None:
    """``value`` (an id sent in a form or address) as a whole number the database can hold,
    or None for anything else: "abc", "", "1e309", "NaN", a huge number, a negative one."""
    text = str(value or "").strip()
    if not (text.isascii() and text.isdigit()):
        return None
    n = int(text)
    return n if 0 < n <= LARGEST_ID else None


def _consultation(request: HttpRequest, slug: str) -> Consultation:
    """The consultation, if this person may read it (partners' consultations are not found
    for the public)."""
    c = get_object_or_404(Consultation, slug=slug)
    if not can(request.user, Permission.VIEW_CONSULTATION, c):
        raise Http404("No such consultation")
    return c


def _errors(request: HttpRequest, form: Any) -> None:
    for errors in form.errors.values():
        messages.error(request, errors[0])


def consultations(request: HttpRequest) -> HttpResponse:
    partner = can(request.user, Permission.VIEW_ENGAGEMENT)
    return render(
        request,
        "engagement/list.jinja",
        {
            "by_status": queries.by_status(
                queries.consultations(partners_too=partner), timezone.localdate()
            )
        },
    )


def _page(request: HttpRequest, c: Consultation, **forms: Any) -> HttpResponse:
    """The consultation's page, with ``forms`` (a form sent back with its errors, the text
    kept) in place of the empty ones. Each form's ids have their own prefix, so the honeypots
    of two forms never share one."""
    key = _participant_key(request, c, create=False)
    participant = queries.participant(c, key) if key else None
    about = (
        {"age_band": participant.age_band, "place": participant.place_id} if participant else None
    )
    context = {
        "c": c,
        "today": timezone.localdate(),
        "ticket": "" if participant else _ticket(),
        "published_snapshot": queries.published_snapshot(c),
        "just_voted": request.GET.get("voted") == "1",
        "next": queries.next_statement(c, participant.pk if participant else None),
        "voted": participant.votes.count() if participant else 0,
        "total": queries.approved_statements(c).count(),
        "statement_form": StatementForm(auto_id="statement_%s"),
        "answers_form": AnswersForm(questions=queries.questions(c), auto_id="answers_%s"),
        "about_form": AboutYouForm(initial=about, auto_id="about_%s"),
    } | forms
    full = _full(request, "participant", "participant_day", "statement", "answer", "about")
    crowded = next((k for k in ("participant", "participant_day") if full[k]), "")
    context["crowded"] = _crowded(crowded) if crowded and participant is None else ""
    context["full"] = full
    context["invalid"] = next(
        (
            f
            for f in (context["statement_form"], context["answers_form"], context["about_form"])
            if f.is_bound and f.errors
        ),
        None,
    )
    return render(
        request,
        "engagement/consultation.jinja",
        context,
        status=400 if context["invalid"] is not None else 200,
    )


def consultation(request: HttpRequest, slug: str) -> HttpResponse:
    return _page(request, _consultation(request, slug))


def _take_part(
    request: HttpRequest,
    c: Consultation,
    form: Any | None,
    save: Callable[[str], str],
    *,
    anchor: str = "",
    ticket: bool = False,
    name: str = "",
    done: str = "",
) -> HttpResponse:
    """Check a participant's form (if there is one) and save it with ``save(key)``, the
    browser's key for this consultation; ``save`` returns what to say. A browser that has not
    taken part yet joins only if ``_may_join`` (with a ticket, if ``ticket``). A form with
    mistakes comes back on the page with its errors beside its fields and what was written
    kept (a robot's filled-in honeypot is only told off). Once saved, the page is opened with
    ``done`` (a query; the page then moves the focus itself) or else at the ``anchor``: never
    both, as Chromium clears the focus when it reaches a fragment, even after the page or the
    user has moved it."""
    if form is not None and not form.is_valid():
        if "website" in form.errors:
            _errors(request, form)
            return redirect(c)
        return _page(request, c, **{name: form})
    key = _participant_key(request, c, create=True)
    assert key is not None
    if queries.participant(c, key) is None and (refused := _may_join(request, ticket=ticket)):
        messages.error(request, refused)
        return redirect(f"{c.get_absolute_url()}{anchor}")
    try:
        said = save(key)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        done = ""
    else:
        if said:
            messages.success(request, said)
    return _with_cookie(request, redirect(f"{c.get_absolute_url()}{done or anchor}"))


@require_POST
def vote(request: HttpRequest, slug: str) -> HttpResponse:
    """Agree, disagree or pass on a statement."""
    c = _consultation(request, slug)
    if _limited(request, "vote"):
        messages.error(request, "You are voting very fast. Please wait a minute and try again.")
        return redirect(c)
    statement = Statement.objects.filter(
        pk=_id(request.POST.get("statement")), consultation=c
    ).first()
    if statement is None:
        messages.error(request, "There is no such statement to vote on. Please choose again.")
        return redirect(f"{c.get_absolute_url()}#vote")
    try:
        value = int(request.POST.get("value", ""))
    except ValueError:
        value = 99

    def save(key: str) -> str:
        services.vote(consultation=c, key=key, statement=statement, value=value, by=request.user)
        tasks.request_recompute(c)
        return ""

    # Back at the next statement, which takes the keyboard focus, saying the vote was counted.
    return _take_part(request, c, None, save, anchor="#vote", ticket=True, done="?voted=1")


def _too_many(request: HttpRequest, c: Consultation, kind: str) -> HttpResponse | None:
    if _limited(request, kind):
        messages.error(
            request,
            f"A lot has been sent from your internet connection in the last {_window(kind)}. "
            "Please try again later.",
        )
        return redirect(c)
    return None


@require_POST
def add_statement(request: HttpRequest, slug: str) -> HttpResponse:
    """A participant's own statement, which waits for moderation."""
    c = _consultation(request, slug)
    if refused := _too_many(request, c, "statement"):
        return refused
    form = StatementForm(request.POST, auto_id="statement_%s")

    def save(key: str) -> str:
        services.add_statement(
            consultation=c, key=key, text=form.cleaned_data["text"], by=request.user
        )
        return "Thank you. Your statement will appear once a moderator has checked it."

    return _take_part(request, c, form, save, name="statement_form")


@require_POST
def answer(request: HttpRequest, slug: str) -> HttpResponse:
    """A participant's free-text answers, which wait for moderation."""
    c = _consultation(request, slug)
    if refused := _too_many(request, c, "answer"):
        return refused
    form = AnswersForm(request.POST, questions=queries.questions(c), auto_id="answers_%s")

    def save(key: str) -> str:
        saved = services.answer(consultation=c, key=key, answers=form.answers(), by=request.user)
        return "Thank you for your answers." if saved else "There was nothing to save."

    return _take_part(request, c, form, save, name="answers_form")


@require_POST
def describe_yourself(request: HttpRequest, slug: str) -> HttpResponse:
    """A participant's age band and place, if they wish to say."""
    c = _consultation(request, slug)
    if refused := _too_many(request, c, "about"):
        return refused
    form = AboutYouForm(request.POST, auto_id="about_%s")

    def save(key: str) -> str:
        services.describe_yourself(
            consultation=c,
            key=key,
            age_band=form.cleaned_data["age_band"],
            place=form.cleaned_data["place"],
            by=request.user,
        )
        return "Thank you. This helps us see who we have heard from."

    return _take_part(request, c, form, save, name="about_form")


def _report_context(c: Consultation, *, published: bool) -> dict[str, Any]:
    """The report's figures, and its words: as last ``published`` (the public report, once
    there is one) or as they stand (the workspace, and a preview before publishing), with
    ``changed`` when the two differ."""
    latest = queries.latest_snapshot(c)
    current = queries.report_document(c)
    kept = queries.published_document(c)
    report = kept if published and kept is not None else current
    kept_groups = queries.published_snapshot(c)
    snapshot = kept_groups if published and kept is not None else latest
    context: dict[str, Any] = {
        "c": c,
        # Who took part, small counts withheld: as published, or (the workspace) as now.
        "reach": queries.published_reach(c) if published else queries.reach(c),
        "snapshot": snapshot,
        "report": report,
        "responses": report["responses"],
        "changed": kept is not None and kept != current,
        # Recomputed since publication: the workspace shows the new groups, as a draft.
        "recomputed": kept_groups is not None and latest is not None and kept_groups != latest,
        "published": published,
        "may_publish": False,
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
    c = _consultation(request, slug)
    if not can(request.user, Permission.VIEW_REPORT, c):
        raise Http404("The report has not been published")
    return c


def report(request: HttpRequest, slug: str) -> HttpResponse:
    c = _readable_report(request, slug)
    context = _report_context(c, published=True)
    # Only partners are told that the words have changed since publication.
    partner = can(request.user, Permission.VIEW_ENGAGEMENT)
    context["changed"] = context["changed"] and partner
    context["recomputed"] = context["recomputed"] and partner
    context["may_publish"] = can(request.user, Permission.MANAGE_ENGAGEMENT)
    return render(request, "engagement/report.jinja", context)


def report_csv(request: HttpRequest, slug: str) -> HttpResponse:
    c = _readable_report(request, slug)
    # The groups as published; before publication (the programme office's preview) the latest.
    snapshot = queries.published_snapshot(c) or queries.latest_snapshot(c)
    groups = [g["label"] for g in snapshot.groups] if snapshot else []
    header = [
        "Statement",
        "Agree",
        "Disagree",
        "Pass",
        *(f"{g}: {what}" for g in groups for what in ("% agree", "voted")),
    ]
    rows = [
        [
            s["text"],
            s["agree"],
            s["disagree"],
            s["pass"],
            *(
                cell
                for v, n in zip(
                    s["groups"], s.get("group_voters", [None] * len(groups)), strict=True
                )
                for cell in (None if v is None else round(100 * v, 1), n)
            ),
        ]
        for s in (snapshot.statements if snapshot else [])
    ]
    return csv_response(f"consultation-{c.slug}-report.csv", header, rows)


def report_reach_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """Who took part, by place and by age band, as published: each breakdown's rows, "Did
    not say" last, add up to the number who took part; a count too small to publish says
    "fewer than 5", as on the page."""
    c = _readable_report(request, slug)
    rows = [
        [b.title, name, queries.WITHHELD if n is None else n]
        for b in queries.published_reach(c)["breakdowns"]
        for name, n in b.rows
    ]
    return csv_response(f"consultation-{c.slug}-who-took-part.csv", ["By", "Group", "People"], rows)


# --- The workspace ------------------------------------------------------------------------


@partner_only
def workspace(request: HttpRequest) -> HttpResponse:
    statements, answers = queries.waiting()
    return render(
        request,
        "engagement/workspace.jinja",
        {
            "consultations": queries.with_counts(),
            "today": timezone.localdate(),
            "waiting": statements.count() + answers.count(),
        },
    )


@partner_only
def manage(request: HttpRequest, slug: str) -> HttpResponse:
    c = get_object_or_404(Consultation, slug=slug)
    manager = can(request.user, Permission.MANAGE_ENGAGEMENT)
    today = timezone.localdate()
    return render(
        request,
        "engagement/manage.jinja",
        _report_context(c, published=False)
        | {
            "today": today,
            "statement_form": PartnershipStatementForm(),
            "question_form": QuestionForm(),
            "document_form": DocumentForm(),
            "response_form": ResponseForm(consultation=c, today=today),
            "statements": queries.statements_with_votes(c, unmoderated_too=manager),
            "may_publish": manager,
        },
    )


@manager_only
def edit(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    """Set up a consultation, or change one."""
    c = get_object_or_404(Consultation, slug=slug) if slug else None
    today = timezone.localdate()
    form = ConsultationForm(
        request.POST or None,
        instance=c,
        today=today,
        slug_fixed=queries.slug_fixed(c, today) if c else "",
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_consultation(
                consultation=form.save(commit=False), by=request.user, today=today
            )
        except ValidationError as exc:
            form.add_error("slug", exc.messages[0])
        else:
            messages.success(request, f"Saved '{saved.title}'.")
            return redirect("engagement:manage", saved.slug)
    return render(request, "engagement/edit.jinja", {"form": form, "c": c})


def _added(
    request: HttpRequest, c: Consultation, form: Any, what: str, save: Callable[[], Any]
) -> HttpResponse:
    """Save a valid form of the workspace page with ``save()``, or show its errors."""
    if form.is_valid():
        try:
            save()
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, f"Added the {what}.")
    else:
        _errors(request, form)
    return redirect("engagement:manage", c.slug)


@require_POST
@manager_only
def add_partnership_statement(request: HttpRequest, slug: str) -> HttpResponse:
    """A statement to vote on, written by the programme office."""
    c = get_object_or_404(Consultation, slug=slug)
    form = PartnershipStatementForm(request.POST)
    return _added(
        request,
        c,
        form,
        "statement",
        lambda: services.add_partnership_statement(
            consultation=c,
            text=form.cleaned_data["text"],
            by=request.user,
            today=timezone.localdate(),
        ),
    )


@require_POST
@manager_only
def add_question(request: HttpRequest, slug: str) -> HttpResponse:
    """A free-text question."""
    c = get_object_or_404(Consultation, slug=slug)
    form = QuestionForm(request.POST)
    return _added(
        request,
        c,
        form,
        "question",
        lambda: services.add_question(
            consultation=c,
            text=form.cleaned_data["text"],
            by=request.user,
            today=timezone.localdate(),
        ),
    )


@require_POST
@manager_only
def add_document(request: HttpRequest, slug: str) -> HttpResponse:
    """A document people can read before they take part."""
    c = get_object_or_404(Consultation, slug=slug)
    form = DocumentForm(request.POST)
    return _added(
        request,
        c,
        form,
        "document",
        lambda: services.add_document(consultation=c, **form.cleaned_data, by=request.user),
    )


@require_POST
@manager_only
def add_response(request: HttpRequest, slug: str) -> HttpResponse:
    """A "you said, we did" response to a theme or statement."""
    c = get_object_or_404(Consultation, slug=slug)
    today = timezone.localdate()
    form = ResponseForm(request.POST, consultation=c, today=today)
    return _added(
        request,
        c,
        form,
        "response",
        lambda: services.add_response(
            consultation=c, response=form.save(commit=False), by=request.user, today=today
        ),
    )


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
def announce(request: HttpRequest, slug: str) -> HttpResponse:
    """Announce a draft consultation: its audience (the public, for a public one) sees it."""
    c = get_object_or_404(Consultation, slug=slug)
    try:
        services.announce(consultation=c, by=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, "Announced: its audience can now see it.")
    return redirect("engagement:manage", c.slug)


@require_POST
@manager_only
def recompute(request: HttpRequest, slug: str) -> HttpResponse:
    c = get_object_or_404(Consultation, slug=slug)
    tasks.recompute_now(c, by=request.user)
    messages.success(request, "The opinion groups are being recomputed.")
    return redirect("engagement:manage", c.slug)


@manager_only
def moderation(request: HttpRequest) -> HttpResponse:
    statements, answers = queries.waiting()
    return render(
        request,
        "engagement/moderation.jinja",
        {"statements": statements, "answers": answers},
    )


def _moderated(request: HttpRequest, kind: str, pk: int, *, approve: bool) -> HttpResponse:
    model = {"statement": Statement, "answer": Answer}.get(kind)
    if model is None:
        raise Http404("Nothing to moderate")
    item = get_object_or_404(model, pk=pk)
    try:
        services.moderate(
            item=item, approve=approve, reason=request.POST.get("reason", ""), by=request.user
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, "Approved." if approve else "Hidden.")
    return redirect("engagement:moderation")


@require_POST
@manager_only
def approve(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Approve a waiting statement or answer: everyone sees it."""
    return _moderated(request, kind, pk, approve=True)


@require_POST
@manager_only
def hide(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Hide a statement or answer, with the reason."""
    return _moderated(request, kind, pk, approve=False)


# --- Messages ------------------------------------------------------------------------------


def _senders(user: Any) -> list[Organisation]:
    return queries.senders(user, partnership=can(user, Permission.MANAGE_ENGAGEMENT))


@partner_only
def message_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "engagement/messages.jinja",
        {
            "messages_sent": queries.messages_with_reach(),
            "may_send": can(request.user, Permission.ADD_MESSAGE),
        },
    )


@permission_required(Permission.ADD_MESSAGE)
def message_new(request: HttpRequest) -> HttpResponse:
    """Write a message and send it, for the partnership or an organisation one edits for."""
    partnership = can(request.user, Permission.MANAGE_ENGAGEMENT)
    form = MessageForm(
        request.POST or None,
        request.FILES or None,
        senders=_senders(request.user),
        partnership=partnership,
    )
    if request.method == "POST" and form.is_valid():
        message = form.save(commit=False)
        files = form.cleaned_data["attachments"]
        try:
            sent = services.send_message_with_attachments(
                message=message, files=files, by=request.user
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict") or getattr(exc, "code", None) == services.TOO_MANY:
                form.add_error(None, exc)  # a title found bad as the emails were built; a limit
            else:
                form.add_error("attachments", exc.messages[0])
        else:
            n = len(files)
            attached = f" with {n} attached file{'' if n == 1 else 's'}" if n else ""
            messages.success(request, f"Sent to {sent} organisations{attached}.")
            return redirect(message)
    return render(request, "engagement/message_form.jinja", {"form": form})


@partner_only
def message_detail(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(Message.objects.select_related("sender"), pk=pk)
    adopted = queries.adopted_by(message)
    partnership = can(request.user, Permission.MANAGE_ENGAGEMENT)
    may_adopt = [
        o
        for o in _senders(request.user)
        if o.pk not in adopted and o.pk != message.sender_id and not partnership
    ]
    return render(
        request,
        "engagement/message.jinja",
        {
            "message": message,
            "reach": queries.message_reach(message),
            "may_adopt": may_adopt,
            "may_remind": can(request.user, Permission.REMIND_RECIPIENTS, message),
            "files": _files(
                queries.attachments(message),
                lambda a: reverse("engagement:message_attachment", args=[message.pk, a.pk]),
            )
            if can(request.user, Permission.VIEW_ATTACHMENTS, message)
            else [],
        },
    )


@require_POST
@partner_only
def adopt_message(request: HttpRequest, pk: int) -> HttpResponse:
    """Put one's organisation's name to a message too: it becomes a common message."""
    message = get_object_or_404(Message, pk=pk)
    organisation = Organisation.objects.filter(pk=_id(request.POST.get("organisation"))).first()
    if organisation is None:
        messages.error(request, "Choose one of your organisations to adopt the message.")
        return redirect(message)
    services.adopt(message=message, organisation=organisation, by=request.user)
    messages.success(request, f"{organisation.name} has adopted this message.")
    return redirect(message)


@require_POST
@partner_only
def message_send_reminders(request: HttpRequest, pk: int) -> HttpResponse:
    """Email a reminder, with a fresh link, to each recipient that has not acknowledged."""
    message = get_object_or_404(Message, pk=pk)
    now = timezone.now()
    sent = services.send_reminders(message=message, now=now, by=request.user)
    if sent:
        messages.success(request, f"{sent} reminder{'' if sent == 1 else 's'} sent.")
    elif queries.message_reach(message)["waiting"]:
        messages.error(
            request,
            "No reminders sent: each organisation still waiting was sent this message, or "
            "reminded of it, within the last day (or has no contact address). Reminders go at "
            "most once a day; try again tomorrow.",
        )
    else:
        messages.success(request, "No reminders needed: every organisation has acknowledged it.")
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
        {"recipient": link.recipient, "link": link, "key": key},
        status=410,
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def message_link(request: HttpRequest, key: str) -> HttpResponse:
    """A recipient's personal link: the message and an "I have read this" button. Opening it
    notes that it was opened; only the button (a POST to the same address, with the CSRF
    token the page set in a cookie) acknowledges, so a link preview or a mail scanner never
    acknowledges for anyone."""
    link = _link(key)
    now = timezone.now()
    if link.expired(now):
        return _expired(request, link, key)
    if request.method == "POST":
        services.acknowledge(key=key, now=now)
        messages.success(request, "Thank you: we know the message has reached you.")
        return redirect("engagement:message_link", key)
    if request.method == "GET":
        services.mark_opened(key=key, now=now)
    recipient = link.recipient
    return render(
        request,
        "engagement/message_link.jinja",
        {
            "recipient": recipient,
            "message": recipient.message,
            "link": link,
            "acknowledged_at": recipient.acknowledged_at
            and timezone.localtime(recipient.acknowledged_at),
            "files": _files(
                queries.attachments(recipient.message),
                lambda a: reverse("engagement:message_link_attachment", args=[key, a.pk]),
            ),
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
    outcome = services.send_fresh_link(key=key, now=now)
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


# --- The inbox: messages to one's own organisations -------------------------------------------

INBOX_PAGE = 20


@permission_required(Permission.VIEW_INBOX)
def inbox(request: HttpRequest) -> HttpResponse:
    """The messages sent to the organisations one is a member of, newest first: opened or
    not, acknowledged or not, by whom and when."""
    page = Paginator(queries.inbox(request.user), INBOX_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "engagement/inbox.jinja",
        {
            "page": page,
            "counts": queries.inbox_counts(request.user),
            "page_link": lambda n: f"{reverse('engagement:inbox')}?page={n}",
            "local": timezone.localtime,
        },
    )


@permission_required(Permission.VIEW_INBOX)
def inbox_waiting(request: HttpRequest) -> HttpResponse:
    """How many messages to one's organisations are not yet acknowledged, for the workspace
    home to load into its top (nothing when none are)."""
    return render(
        request, "engagement/_inbox_waiting.jinja", {"counts": queries.inbox_counts(request.user)}
    )


def _mine(request: HttpRequest, pk: int) -> Any:
    """A message in one's inbox; not found for anyone else."""
    recipient = queries.inbox_recipient(request.user, pk)
    if recipient is None:
        raise Http404("No such message in your inbox")
    return recipient


@permission_required(Permission.VIEW_INBOX)
def inbox_message(request: HttpRequest, pk: int) -> HttpResponse:
    """One message in the inbox: opening it notes that the organisation has read it."""
    recipient = _mine(request, pk)
    services.open_in_inbox(recipient=recipient, now=timezone.now(), by=request.user)
    return render(
        request,
        "engagement/inbox_message.jinja",
        {
            "recipient": recipient,
            "message": recipient.message,
            "files": _files(
                queries.attachments(recipient.message),
                lambda a: reverse(
                    "engagement:message_attachment", args=[recipient.message_id, a.pk]
                ),
            ),
            "local": timezone.localtime,
        },
    )


@require_POST
@permission_required(Permission.VIEW_INBOX)
def inbox_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    """Acknowledge a message for one's organisation."""
    recipient = _mine(request, pk)
    done = services.acknowledge_for_organisation(
        recipient=recipient, now=timezone.now(), by=request.user
    )
    name = recipient.organisation.name
    if done:
        messages.success(request, f"Acknowledged for {name}: the sender knows it has reached you.")
    else:
        messages.success(request, f"It had already been acknowledged for {name}.")
    if request.POST.get("back") == "inbox":
        return redirect("engagement:inbox")
    return redirect("engagement:inbox_message", pk)


def _files(
    attachments: list[MessageAttachment], href: Callable[[MessageAttachment], str]
) -> list[dict[str, str]]:
    """A message's attachments as the page lists them: name, address, kind and size."""
    return [
        {
            "name": a.name,
            "href": href(a),
            "kind": a.name.rsplit(".", 1)[-1].upper(),
            "size": in_megabytes(a.size) if a.size >= 1024 * 1024 else f"{-(-a.size // 1024)} KB",
        }
        for a in attachments
    ]


def _download(attachment: MessageAttachment) -> HttpResponse:
    """The file as a download, never shown in the page: its sanitised name, the content type
    it was checked to be, and ``nosniff`` so no browser guesses another."""
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("This file is no longer kept") from exc
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.name, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
def message_attachment(request: HttpRequest, pk: int, attachment: int) -> HttpResponse:
    """A message's attachment for someone signed in: its recipients' members, its sender and
    the programme office. Not found for anyone else, the public included."""
    found = queries.attachment(pk, attachment)
    if found is None or not can(request.user, Permission.VIEW_ATTACHMENTS, found.message):
        raise Http404("No such file")
    return _download(found)


@never_cache
def message_link_attachment(request: HttpRequest, key: str, attachment: int) -> HttpResponse:
    """A message's attachment through a recipient's personal link, while the link works."""
    link = services.link_for(key)
    if link is None or link.expired(timezone.now()):
        raise Http404("No such file")
    found = queries.attachment(link.recipient.message_id, attachment)
    if found is None:
        raise Http404("No such file")
    return _download(found)
