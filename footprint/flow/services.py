"""Writes of the urgent-care flow: daily returns (from the page, a CSV or the API), the OPEL
levels they give, the escalation plan and on-call contacts, and the mutual-aid log. Each
service refuses a caller who may not act, then writes in one transaction with its audit record
inside: all or nothing.

A return saved recomputes its organisation's OPEL level for the day and the overall ICS level;
when either differs from the level before it, the change is recorded and, for a recent day (the
explicit today or the day before), the on-call contacts are emailed once the transaction
commits, with the partnership's actions for the new level."""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mass_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from footprint.core import audit
from footprint.core.imports import EARLIEST_YEAR, RowError, raise_if_any
from footprint.core.models import AuditEvent
from footprint.core.permissions import can, require
from footprint.flow import compute, queries
from footprint.flow.importers import ReturnRow
from footprint.flow.models import (
    NCTR_PATHWAYS,
    NCTR_REASONS,
    SPECS,
    AidKind,
    AidOutcome,
    AidRequest,
    DailyReturn,
    EscalationAction,
    ExpectedReturn,
    LevelChange,
    Measure,
    OnCallContact,
    OpelLevel,
    ReturnKind,
    ReturnValue,
    default_kinds,
    measures_of,
)
from footprint.flow.rules import Permission, aid_outcomes
from footprint.partnership.models import Organisation


class AuditAction(StrEnum):
    """What the audit trail records this app's services doing."""

    SUBMIT_RETURN = "submit_return"
    IMPORT_RETURNS = "import_returns"
    SAVE_ESCALATION_ACTION = "save_escalation_action"
    REMOVE_ESCALATION_ACTION = "remove_escalation_action"
    SAVE_ON_CALL_CONTACT = "save_on_call_contact"
    REMOVE_ON_CALL_CONTACT = "remove_on_call_contact"
    LOG_AID = "log_aid"
    RECORD_AID_OUTCOME = "record_aid_outcome"
    OPEL_LEVEL_CHANGED = "opel_level_changed"
    SET_EXPECTED_RETURNS = "set_expected_returns"


# ---------------------------------------------------------------------------------------------
# Checking a return's figures


def date_problem(day: dt.date, today: dt.date) -> str | None:
    """Why a return cannot be for ``day``, or None: not in the future, not before 2000."""
    if day > today:
        return f"{day:%-d %B %Y} is in the future: a return is for a day that has begun"
    if day.year < EARLIEST_YEAR:
        return (
            f"{day:%-d %B %Y} is before {EARLIEST_YEAR}: a return is for a day from "
            f"{EARLIEST_YEAR} on (check the year)"
        )
    return None


def _number(raw: object, spec_unit: str, most: float) -> tuple[float | None, str | None]:
    if isinstance(raw, bool):
        return None, "is not a number"
    if isinstance(raw, int | float):
        number = float(raw)
        shown = f"{raw}"
    else:
        shown = str(raw).strip()
        try:
            number = float(shown.replace(",", ""))
        except ValueError:
            return None, f"'{shown}' is not a number"
    if not math.isfinite(number):
        return None, f"'{shown}' is not a number"
    if number < 0:
        return None, f"'{shown}' is negative: figures cannot be below 0"
    if spec_unit == "count" and number != int(number):
        return None, f"'{shown}' is not a whole number"
    if number > most:
        return None, f"'{shown}' is more than {most:,g}, the most this figure can be"
    return number, None


def check_figures(
    kinds: ReturnKind | Sequence[ReturnKind],
    raw: Mapping[str, object],
    before: Mapping[str, float] | None = None,
) -> tuple[dict[str, float], dict[str, str]]:
    """Parse and check a return's figures for an organisation expected to make the ``kinds``
    of return (each a section of its return): (figures by measure, problems by measure).
    Blank values are figures not reported. With ``before`` (the figures already saved, which
    ``raw`` updates), the checks across figures are made on the two together."""
    kinds = (kinds,) if isinstance(kinds, ReturnKind) else tuple(kinds)
    allowed = set(measures_of(kinds))
    who = " or ".join(_a(k.label) for k in kinds) if kinds else "this organisation"
    figures: dict[str, float] = {}
    problems: dict[str, str] = {}
    for measure, value in raw.items():
        if _blank(value):
            continue
        if measure not in allowed:
            known = measure in Measure.values
            problems[measure] = (
                f"is not a figure {who} reports" if known else "is not a measure Footprint knows"
            )
            continue
        spec = SPECS[measure]
        number, problem = _number(value, spec.unit, spec.most)
        if problem:
            problems[measure] = problem
        elif number is not None:
            figures[measure] = number
    _cross_checks({**(before or {}), **figures}, problems)
    return figures, problems


def _blank(value: object) -> bool:
    """Whether ``value`` is no figure: None or a blank string."""
    return value is None or (isinstance(value, str) and not value.strip())


def _a(label: str) -> str:
    """'an acute trust', 'a community services' provider, 'an NHS 111 provider'."""
    words = label if label[:3].isupper() else label[0].lower() + label[1:]
    return f"{'an' if words[0] in 'aeiouAEIOU' or words.startswith('NHS') else 'a'} {words}"


def _label(measure: str) -> str:
    return Measure(measure).label


def _at_most(
    figures: Mapping[str, float], problems: dict[str, str], part: str, whole: str, what: str
) -> None:
    if part in figures and whole in figures and figures[part] > figures[whole]:
        problems.setdefault(
            part,
            f"{figures[part]:,g} is more than the {figures[whole]:,g} {what}, which cannot be",
        )


def _cross_checks(figures: dict[str, float], problems: dict[str, str]) -> None:
    """Figures that cannot be true together: more beds occupied than open, more handovers
    over an hour than handovers, more patients without criteria to reside than in beds, the
    patients without criteria to reside by pathway not adding up to those by reason."""
    _at_most(figures, problems, Measure.GA_BEDS_OCCUPIED, Measure.GA_BEDS_OPEN, "beds open")
    _at_most(figures, problems, Measure.ESCALATION_BEDS, Measure.GA_BEDS_OPEN, "beds open")
    _at_most(figures, problems, Measure.HANDOVERS_OVER_60, Measure.HANDOVERS, "handovers")
    _at_most(figures, problems, Measure.WAITS_OVER_12_HOURS, Measure.ED_ATTENDANCES, "attendances")
    _at_most(
        figures,
        problems,
        Measure.COMMUNITY_BEDS_OCCUPIED,
        Measure.COMMUNITY_BEDS_OPEN,
        "beds open",
    )
    _at_most(
        figures, problems, Measure.COMMUNITY_NCTR, Measure.COMMUNITY_BEDS_OCCUPIED, "beds occupied"
    )
    _at_most(
        figures,
        problems,
        Measure.VIRTUAL_WARD_OCCUPIED,
        Measure.VIRTUAL_WARD_CAPACITY,
        "virtual-ward places",
    )
    _at_most(figures, problems, Measure.UCR_WITHIN_2_HOURS, Measure.UCR_REFERRALS, "referrals")
    _at_most(figures, problems, Measure.CALLS_ABANDONED, Measure.CALLS_OFFERED, "calls offered")
    _at_most(
        figures,
        problems,
        Measure.CALLBACKS_WITHIN_20,
        Measure.CLINICAL_CALLBACKS,
        "clinical call-backs",
    )
    # Mental health wards may run over 100 % (patients on leave keep their bed), not over 150 %.
    mh_occupied, mh_open = figures.get(Measure.MH_BEDS_OCCUPIED), figures.get(Measure.MH_BEDS_OPEN)
    if mh_occupied is not None and mh_open is not None and mh_occupied > 1.5 * mh_open:
        problems.setdefault(
            Measure.MH_BEDS_OCCUPIED,
            f"{mh_occupied:,g} is more than one and a half times the {mh_open:,g} beds open, "
            "more than patients on leave can account for",
        )
    # The same patients counted twice: by discharge pathway and by reason for delay. When the
    # return gives both, the two totals must agree.
    pathways = [m for m in NCTR_PATHWAYS if m in figures]
    reasons = [m for m in NCTR_REASONS if m in figures]
    if pathways and reasons:
        by_pathway = sum(figures[m] for m in pathways)
        by_reason = sum(figures[m] for m in reasons)
        if by_pathway != by_reason:
            problems.setdefault(
                Measure.NCTR_PATHWAY_0,
                f"the patients with no criteria to reside by pathway (pathways 0 to 3) add up "
                f"to {by_pathway:,g}, but by reason for delay (the 'Delayed: …' figures) to "
                f"{by_reason:,g}: they count the same patients, so the two totals must be equal",
            )
    occupied = figures.get(Measure.GA_BEDS_OCCUPIED)
    for group, what in ((NCTR_PATHWAYS, "by pathway"), (NCTR_REASONS, "by reason")):
        total = sum(figures.get(m, 0.0) for m in group)
        if occupied is not None and total > occupied:
            problems.setdefault(
                group[0],
                f"the patients without criteria to reside {what} add up to {total:,g}, more "
                f"than the {occupied:,g} beds occupied",
            )


# ---------------------------------------------------------------------------------------------
# Submitting returns


@dataclass(frozen=True)
class Saved:
    daily_return: DailyReturn
    changes: list[LevelChange]


def submit_return(
    *,
    organisation: Organisation,
    day: dt.date,
    figures: Mapping[str, object],
    by: Any,
    now: dt.datetime,
) -> Saved:
    """Save ``organisation``'s return for ``day`` from the page or the API: an update of the
    return already made, if there is one. A figure ``figures`` does not name keeps its saved
    value; a figure named with no value (None, or blank from the page's emptied field) is
    cleared; the others are set. The checks across figures and the OPEL level are made on the
    return as it will be. ``ValidationError`` by measure (or ``date``) names every problem."""
    require(by, Permission.SUBMIT_RETURN, organisation)
    kinds = queries.kinds_of(organisation)
    if not kinds:
        raise ValidationError(
            f"{organisation.name} is not expected to make a daily return (the programme "
            "office sets which returns each organisation makes)"
        )
    today = timezone.localtime(now).date()
    cleared = {m for m, v in figures.items() if _blank(v)}
    saved = queries.figures(organisation, day) or {}
    kept = {m: v for m, v in saved.items() if m not in cleared}
    parsed, problems = check_figures(kinds, figures, before=kept)
    if problem := date_problem(day, today):
        problems["date"] = problem
    merged = {**kept, **parsed}
    if not merged and not problems:
        problems["__all__"] = "the return has no figures"
    if problems:
        raise ValidationError({k: [v] for k, v in problems.items()})
    with transaction.atomic():
        ret = _save(organisation, kinds, day, merged, by, now)
        audit.record(
            actor=by,
            action=AuditAction.SUBMIT_RETURN,
            summary=f"Daily return for {organisation.name}, {day:%-d %B %Y}",
            organisation=organisation.ods_code,
            date=day.isoformat(),
            figures=parsed,
            cleared=sorted(cleared & set(saved)),
        )
        changes = refresh_levels([(organisation, kinds, day)], today=today, now=now)
    return Saved(ret, changes)


def _save(
    organisation: Organisation,
    kinds: Sequence[ReturnKind],
    day: dt.date,
    figures: Mapping[str, float],
    by: Any,
    now: dt.datetime,
) -> DailyReturn:
    """Save the return with exactly ``figures``. A return made again keeps its first
    submission (time and author, so its lateness) and records when it was changed. Its
    ``kind`` is the first section it carries (an organisation may make several)."""
    kind = kinds[0]
    author = by if getattr(by, "is_authenticated", False) else None
    ret = DailyReturn.objects.filter(organisation=organisation, date=day).first()
    if ret is None:
        ret = DailyReturn.objects.create(
            organisation=organisation,
            date=day,
            kind=kind.value,
            submitted_at=now,
            submitted_by=author,
        )
    else:
        ret.kind, ret.changed_at, ret.changed_by = kind.value, now, author
        ret.save(update_fields=["kind", "changed_at", "changed_by"])
    ret.values.all().delete()
    ReturnValue.objects.bulk_create(
        ReturnValue(daily_return=ret, measure=m, value=v) for m, v in figures.items()
    )
    return ret


def _save_many(
    returns: Sequence[tuple[Organisation, Sequence[ReturnKind], dt.date, Mapping[str, float]]],
    by: Any,
    now: dt.datetime,
) -> None:
    """``_save`` for many returns in a few queries (an import): each return with exactly its
    figures, a return made again keeping its first submission and recording its change."""
    if not returns:
        return
    author = by if getattr(by, "is_authenticated", False) else None
    days = [d for _, _, d, _ in returns]
    existing = {
        (r.organisation_id, r.date): r
        for r in DailyReturn.objects.filter(
            organisation__in={o.pk for o, _, _, _ in returns},
            date__range=(min(days), max(days)),
        )
    }
    new, changed = [], []
    for org, kinds, day, _ in returns:
        ret = existing.get((org.pk, day))
        if ret is None:
            ret = DailyReturn(
                organisation=org,
                date=day,
                kind=kinds[0].value,
                submitted_at=now,
                submitted_by=author,
            )
            new.append(ret)
            existing[org.pk, day] = ret
        else:
            ret.kind, ret.changed_at, ret.changed_by = kinds[0].value, now, author
            changed.append(ret)
    # One UPDATE for each kind of return (not Django's slow ``bulk_update``), by 500 keys.
    by_kind: dict[str, list[int]] = {}
    for r in changed:
        by_kind.setdefault(r.kind, []).append(r.pk)
    for kind, pks in by_kind.items():
        for at in range(0, len(pks), 500):
            DailyReturn.objects.filter(pk__in=pks[at : at + 500]).update(
                kind=kind, changed_at=now, changed_by=author
            )
            ReturnValue.objects.filter(daily_return__in=pks[at : at + 500]).delete()
    DailyReturn.objects.bulk_create(new, batch_size=500)
    if any(r.pk is None for r in new):  # a database that does not return the new keys
        made = DailyReturn.objects.filter(
            organisation__in={r.organisation_id for r in new}, date__range=(min(days), max(days))
        )
        keys = {(r.organisation_id, r.date): r.pk for r in made}
        for r in new:
            r.pk = keys[r.organisation_id, r.date]
    ReturnValue.objects.bulk_create(
        (
            ReturnValue(daily_return=existing[org.pk, day], measure=m, value=v)
            for org, _, day, figures in returns
            for m, v in figures.items()
        ),
        batch_size=1000,
    )


def import_returns(
    *,
    rows: Sequence[ReturnRow],
    filename: str,
    by: Any,
    now: dt.datetime,
    problems: Sequence[RowError] = (),
) -> dict[str, int]:
    """Save the returns of a CSV (see ``importers.read_problems``, whose ``problems`` are
    listed with this service's own): every row or none. ``ImportRejected`` names the file,
    row and column of every problem at once: an organisation unknown or not the caller's, a
    date in the future or before 2000, a negative count, beds occupied beyond beds open.

    A row for a day that already has a return **updates the figures it gives** and keeps the
    rest (a blank cell is a figure not given, not a figure removed); the checks across
    figures (beds occupied beyond beds open) are made on the return as it will be. The return
    keeps its first submission time, so its lateness."""
    require(by, Permission.SUBMIT_RETURN)
    today = timezone.localtime(now).date()
    orgs = queries.organisations_by_code(r.ods_code for r in rows if r.ods_code)
    expected = queries.expected_kinds(orgs.values())
    dated = [r.date for r in rows if r.date is not None]
    saved = queries.returns_between(min(dated), max(dated), list(orgs.values())) if dated else {}
    errors: list[RowError] = list(problems)
    checked: list[tuple[Organisation, tuple[ReturnKind, ...], dt.date, dict[str, float]]] = []
    updated = 0
    for r in rows:
        if not r.ods_code:
            continue  # already listed by the reader
        org = orgs.get(r.ods_code)
        if org is None:
            errors.append(
                RowError(r.row, "ODS code", f"no organisation has the ODS code '{r.ods_code}'")
            )
            continue
        if not can(by, Permission.SUBMIT_RETURN, org):
            errors.append(
                RowError(
                    r.row,
                    "ODS code",
                    f"you may not submit {org.name}'s return: only its own staff may",
                )
            )
            continue
        kinds = expected[org.pk]
        if not kinds:
            errors.append(
                RowError(r.row, "ODS code", f"{org.name} is not expected to make a daily return")
            )
            continue
        if r.date is not None and (problem := date_problem(r.date, today)):
            errors.append(RowError(r.row, "Date", problem))
        before = saved.get((org.pk, r.date), {}) if r.date is not None else {}
        parsed, row_problems = check_figures(kinds, r.figures, before=before)
        errors += [RowError(r.row, m, p) for m, p in row_problems.items()]
        if not parsed and not row_problems:
            errors.append(RowError(r.row, "", "the row has no figures"))
        if r.usable and r.date is not None:
            checked.append((org, kinds, r.date, {**before, **parsed}))
            updated += bool(before)
    raise_if_any(filename, sorted(errors, key=lambda e: e.row))
    with transaction.atomic():
        _save_many(checked, by, now)
        audit.record(
            actor=by,
            action=AuditAction.IMPORT_RETURNS,
            summary=f"Imported {len(checked)} daily returns from {filename}",
            filename=filename,
            returns=len(checked),
            updated=updated,
        )
        changes = refresh_levels([(o, k, d) for o, k, d, _ in checked], today=today, now=now)
    return {
        "returns": len(checked),
        "updated": updated,
        "new": len(checked) - updated,
        "level_changes": len(changes),
    }


# ---------------------------------------------------------------------------------------------
# OPEL levels and their changes


def refresh_levels(
    touched: Iterable[tuple[Organisation, Sequence[ReturnKind], dt.date]],
    *,
    today: dt.date,
    now: dt.datetime,
) -> list[LevelChange]:
    """Recompute the OPEL level of each (organisation, day) touched and the ICS level of each
    day touched; record each change of level, and tell the on-call contacts of a recent one.
    Call inside the transaction that saved the returns.

    In bulk, so that a file of thousands of days holds the write lock for a moment (probe
    F1c): the figures and the stored levels are read in a few queries, the levels computed in
    memory day by day in order (each day's change is judged against the level before it, as
    it is when the returns are made one at a time), and written with bulk operations. The
    number of queries does not grow with the days, except for the contacts and actions of a
    change that is told (only changes on recent days are)."""
    latest: dict[tuple[int, dt.date], tuple[Organisation, Sequence[ReturnKind]]] = {}
    for org, kinds, day in touched:
        latest[org.pk, day] = (org, kinds)
    if not latest:
        return []
    days = sorted({d for _, d in latest})
    orgs = {o.pk: o for o, _ in latest.values()}
    first, last = days[0], days[-1]
    figures = queries.figures_on(days, list(orgs.values()))
    state = _Levels(queries.levels_to_refresh(first, last, orgs.values()))
    told = _Telling(queries.changes_since(now - TELL_SAME_CHANGE_EVERY), today=today, now=now)
    for (pk, day), (org, kinds) in sorted(latest.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        services = [k for k in kinds if compute.has_opel(k)]
        for kind in services:
            level = compute.provider_level(kind, figures.get((pk, day), {}))
            told.judge(state.store(org, kind.value, day, level), several=len(services) > 1)
        # A service the organisation no longer provides keeps no level for the day.
        for kind in ReturnKind:
            if kind not in services:
                state.store(org, kind.value, day, None)
    others: dict[dt.date, list[tuple[int, ReturnKind, float]]] = {}
    for day, org_pk, kind, score in queries.other_provider_scores(days, orgs.values()):
        others.setdefault(day, []).append((org_pk, kind, score))
    for day in days:
        mine = [
            (org_pk, ReturnKind(kind), lvl.score)
            for (org_pk, kind), lvl in state.on(day)
            if org_pk is not None and kind
        ]
        scores = [(k, score) for _, k, score in sorted([*mine, *others.get(day, [])])]
        told.judge(state.store(None, "", day, compute.system_level(scores)))
    state.write()
    return told.write()


# A change of level (the same organisation and service, from and to the same levels) is
# emailed at most once an hour; see docs/decisions.md.
TELL_SAME_CHANGE_EVERY = dt.timedelta(hours=1)


@dataclass
class _Stored:
    """What ``_Levels.store`` did: a level stored whose change may be told."""

    organisation: Organisation | None
    kind: str
    day: dt.date
    was: int | None  # the level on the latest day before with a level
    old: int | None  # the day's level before this recomputation
    level: int


class _Levels:
    """The stored levels being recomputed, in memory: each (organisation key, service)'s
    levels by day, and what is to be created, updated and deleted."""

    def __init__(self, levels: Iterable[OpelLevel]) -> None:
        self.by_key: dict[tuple[int | None, str], dict[dt.date, OpelLevel]] = {}
        self.dates: dict[tuple[int | None, str], list[dt.date]] = {}
        for lvl in levels:
            self.by_key.setdefault((lvl.organisation_id, lvl.kind), {})[lvl.date] = lvl
        for key, levels_by_day in self.by_key.items():
            self.dates[key] = sorted(levels_by_day)
        self.changed: dict[int, OpelLevel] = {}
        self.deleted: list[int] = []

    def store(
        self,
        organisation: Organisation | None,
        kind: str,
        day: dt.date,
        level: compute.Level | None,
    ) -> _Stored | None:
        """Store ``level`` (None: no level) for the day; what was stored, to be judged."""
        key = (organisation.pk if organisation else None, kind)
        by_day = self.by_key.setdefault(key, {})
        dates = self.dates.setdefault(key, [])
        old = by_day.get(day)
        if level is None:
            if old is not None:
                del by_day[day]
                dates.remove(day)
                if old.pk is not None:
                    self.changed.pop(old.pk, None)
                    self.deleted.append(old.pk)
            return None
        old_level = old.level if old is not None else None
        if old is None:
            old = OpelLevel(organisation=organisation, kind=kind, date=day)
            by_day[day] = old
            bisect.insort(dates, day)
        old.score, old.level = level.score, level.level
        old.points, old.missing = level.points, list(level.missing)
        if old.pk is not None:
            self.changed[old.pk] = old
        at = bisect.bisect_left(dates, day)
        was = by_day[dates[at - 1]].level if at else None
        return _Stored(organisation, kind, day, was, old_level, level.level)

    def on(self, day: dt.date) -> list[tuple[tuple[int | None, str], OpelLevel]]:
        return [(key, by_day[day]) for key, by_day in self.by_key.items() if day in by_day]

    def write(self) -> None:
        """Delete the levels gone, and replace the levels changed (a delete and an insert are
        much quicker than Django's ``bulk_update``, and nothing refers to a stored level)."""
        replaced = list(self.changed.values())
        gone = self.deleted + [lvl.pk for lvl in replaced]
        for at in range(0, len(gone), 500):
            OpelLevel.objects.filter(pk__in=gone[at : at + 500]).delete()
        for lvl in replaced:
            lvl.pk = None
        new = [lvl for by_day in self.by_key.values() for lvl in by_day.values() if not lvl.pk]
        OpelLevel.objects.bulk_create(new, batch_size=500)


class _Telling:
    """The changes of level found, to be recorded, audited and (for a recent day, once an
    hour for the same change) emailed to the on-call contacts."""

    def __init__(self, recent: Iterable[LevelChange], *, today: dt.date, now: dt.datetime):
        self.today, self.now = today, now
        self.told = {
            (c.organisation_id, c.kind, c.from_level, c.to_level) for c in recent if c.told
        }
        self.changes: list[LevelChange] = []
        self.events: list[AuditEvent] = []

    def judge(self, stored: _Stored | None, *, several: bool = False) -> None:
        if stored is None:
            return
        org, kind, day, was, level = (
            stored.organisation,
            stored.kind,
            stored.day,
            stored.was,
            stored.level,
        )
        if stored.old == level:
            return  # the day's level is unchanged by this return
        if was == level:
            return
        recent = day >= self.today - dt.timedelta(days=1)
        # The same change told once within TELL_SAME_CHANGE_EVERY: levels flapping
        # (4, 1, 4, 1…) are recorded each time but emailed once (probe F2).
        same = (org.pk if org else None, kind, was, level)
        contacts = queries.on_call_contacts(org) if recent and same not in self.told else []
        change = LevelChange(
            organisation=org,
            kind=kind,
            date=day,
            from_level=was,
            to_level=level,
            told=[c.email for c in contacts],
            created_at=self.now,
        )
        if change.told:
            self.told.add(same)
        self.changes.append(change)
        who = org.name if org else "The system (overall ICS level)"
        if org is not None and kind and several:
            who += f" ({ReturnKind(kind).label.lower()})"
        self.events.append(
            AuditEvent(
                actor=None,
                action=AuditAction.OPEL_LEVEL_CHANGED.value,
                summary=f"{who}: OPEL {was or '–'} → {level} on {day:%-d %B %Y}",
                details={
                    "organisation": org.ods_code if org else None,
                    "service": kind or None,
                    "date": day.isoformat(),
                    "from_level": was,
                    "to_level": level,
                    "told": change.told,
                },
            )
        )
        if contacts:
            _tell(change, who, contacts)

    def write(self) -> list[LevelChange]:
        """Record the changes and their audit events (bulk); the changes, in order."""
        LevelChange.objects.bulk_create(self.changes, batch_size=500)
        AuditEvent.objects.bulk_create(self.events, batch_size=500)
        return self.changes


def _tell(change: LevelChange, who: str, contacts: Sequence[OnCallContact]) -> None:
    actions = list(queries.actions(change.to_level))
    link = settings.FOOTPRINT_SITE_URL + reverse("flow:escalation")
    lines = [f"- {a.text}" + (f" ({a.owner})" if a.owner else "") for a in actions]
    body = (
        f"{who} is at OPEL {change.to_level} on {change.date:%-d %B %Y}"
        + (f" (it was OPEL {change.from_level})" if change.from_level else "")
        + ".\n\nThe partnership's actions at this level:\n\n"
        + ("\n".join(lines) if lines else "(none are set in the escalation plan)")
        + f"\n\nThe escalation plan and today's levels: {link}\n"
    )
    subject = f"OPEL {change.to_level}: {who}"
    emails = [(subject, body, settings.DEFAULT_FROM_EMAIL, [c.email]) for c in contacts]
    transaction.on_commit(lambda: send_mass_mail(emails, fail_silently=False))


# ---------------------------------------------------------------------------------------------
# Which returns each organisation is expected to make


def set_expected_returns(
    *, by: Any, organisation: Organisation, kinds: Iterable[str], now: dt.datetime
) -> tuple[ReturnKind, ...]:
    """Set the returns (sections of the daily return) ``organisation`` is expected to make:
    exactly ``kinds``, none for an organisation that makes no return. Each kind is stored as
    set (expected or not), so a later change of the defaults does not move it. The
    programme office only."""
    require(by, Permission.SET_EXPECTED_RETURNS, organisation)
    wanted = list(dict.fromkeys(kinds))
    unknown = [k for k in wanted if k not in {x.value for x in ReturnKind}]
    if unknown:
        raise ValidationError({"kinds": [f"'{k}' is not a kind of daily return" for k in unknown]})
    chosen = tuple(k for k in ReturnKind if k.value in wanted)
    before = queries.kinds_of(organisation)
    author = by if getattr(by, "is_authenticated", False) else None
    with transaction.atomic():
        for kind in ReturnKind:
            ExpectedReturn.objects.update_or_create(
                organisation=organisation,
                kind=kind.value,
                defaults={"expected": kind in chosen, "changed_at": now, "changed_by": author},
            )
        names = ", ".join(k.label for k in chosen) or "none"
        audit.record(
            actor=by,
            action=AuditAction.SET_EXPECTED_RETURNS,
            summary=f"Returns expected of {organisation.name}: {names}",
            organisation=organisation.ods_code,
            before=[k.value for k in before],
            after=[k.value for k in chosen],
            defaults=[k.value for k in default_kinds(organisation.kind)],
        )
    return chosen


# ---------------------------------------------------------------------------------------------
# The escalation plan and on-call contacts


def save_action(
    *,
    by: Any,
    level: int,
    text: str,
    owner: str = "",
    order: int = 0,
    action: EscalationAction | None = None,
) -> EscalationAction:
    require(by, Permission.CHANGE_ESCALATION_PLAN)
    obj = action or EscalationAction()
    obj.level, obj.text, obj.owner, obj.order = level, text.strip(), owner.strip(), order
    with transaction.atomic():
        audit.save_audited(
            obj,
            by=by,
            action=AuditAction.SAVE_ESCALATION_ACTION,
            summary=f"OPEL {level} action: {obj.text}",
            level=level,
        )
    return obj


def remove_action(*, by: Any, action: EscalationAction) -> None:
    require(by, Permission.CHANGE_ESCALATION_PLAN)
    with transaction.atomic():
        audit.record(
            actor=by,
            action=AuditAction.REMOVE_ESCALATION_ACTION,
            summary=f"Removed OPEL {action.level} action: {action.text}",
        )
        action.delete()


def save_contact(
    *,
    by: Any,
    name: str,
    email: str,
    organisation: Organisation | None = None,
    contact: OnCallContact | None = None,
) -> OnCallContact:
    require(by, Permission.CHANGE_ESCALATION_PLAN)
    if organisation is not None and not queries.kinds_of(organisation):
        raise ValidationError(
            {
                "organisation": [
                    f"{organisation.name} makes no daily return, so it has no level to be told "
                    "of: choose the system or an organisation that makes returns"
                ]
            }
        )
    twin = OnCallContact.objects.filter(
        organisation=organisation, email__iexact=email.strip()
    ).exclude(pk=contact.pk if contact else None)
    if twin.exists():
        whose = f"{organisation.name}'s" if organisation else "the system's"
        raise ValidationError(
            {"email": [f"{email.strip()} is already one of {whose} on-call contacts"]}
        )
    obj = contact or OnCallContact()
    obj.name, obj.email, obj.organisation = name.strip(), email.strip(), organisation
    with transaction.atomic():
        audit.save_audited(
            obj,
            by=by,
            action=AuditAction.SAVE_ON_CALL_CONTACT,
            summary=f"On-call contact {obj.name}"
            + (f" for {organisation.name}" if organisation else " for the system"),
        )
    return obj


def remove_contact(*, by: Any, contact: OnCallContact) -> None:
    require(by, Permission.CHANGE_ESCALATION_PLAN)
    with transaction.atomic():
        audit.record(
            actor=by,
            action=AuditAction.REMOVE_ON_CALL_CONTACT,
            summary=f"Removed on-call contact {contact.name}",
        )
        contact.delete()


# ---------------------------------------------------------------------------------------------
# Mutual aid


# Aid is logged for the year past (a record kept late) and the next 90 days; details are a
# note, not a document; the same entry logged again within ten minutes is a second click.
AID_DAYS_BEFORE = dt.timedelta(days=366)
AID_DAYS_AHEAD = dt.timedelta(days=90)
AID_DETAILS_MOST = 2000
AID_NOTE_MOST = 1000
AID_TWIN_WITHIN = dt.timedelta(minutes=10)


def log_aid(
    *,
    by: Any,
    from_organisation: Organisation,
    to_organisation: Organisation | None,
    is_offer: bool,
    kind: str,
    quantity: int,
    day: dt.date,
    details: str = "",
    now: dt.datetime,
) -> AidRequest:
    """Log a request for mutual aid (or an offer of it) from ``from_organisation``: its staff
    or the programme office."""
    require(by, Permission.LOG_AID, from_organisation)
    today = timezone.localtime(now).date()
    problems: dict[str, str] = {}
    if to_organisation is not None and to_organisation.pk == from_organisation.pk:
        problems["to_organisation"] = "an organisation cannot ask itself for aid"
    if kind not in AidKind.values:
        problems["kind"] = f"'{kind}' is not a kind of aid"
    if quantity < 1 or quantity > 10_000:
        problems["quantity"] = "give a number from 1 to 10,000"
    if not today - AID_DAYS_BEFORE <= day <= today + AID_DAYS_AHEAD:
        problems["date"] = (
            f"give a day from {today - AID_DAYS_BEFORE:%-d %B %Y} to "
            f"{today + AID_DAYS_AHEAD:%-d %B %Y}: aid is logged for the year past and the "
            f"{AID_DAYS_AHEAD.days} days ahead"
        )
    if len(details.strip()) > AID_DETAILS_MOST:
        problems["details"] = (
            f"write at most {AID_DETAILS_MOST:,} characters (this has {len(details.strip()):,})"
        )
    if problems:
        raise ValidationError({k: [v] for k, v in problems.items()})
    twin = AidRequest.objects.filter(
        is_offer=is_offer,
        from_organisation=from_organisation,
        to_organisation=to_organisation,
        kind=kind,
        quantity=quantity,
        date=day,
        details=details.strip(),
        outcome=AidOutcome.OPEN,
        created_at__gte=now - AID_TWIN_WITHIN,
    ).first()
    if twin is not None:
        raise ValidationError(
            f"The same {'offer' if is_offer else 'request'} is already in the log (logged at "
            f"{timezone.localtime(twin.created_at):%H:%M}): it was not logged twice."
        )
    aid = AidRequest(
        is_offer=is_offer,
        from_organisation=from_organisation,
        to_organisation=to_organisation,
        kind=kind,
        quantity=quantity,
        date=day,
        details=details.strip(),
        created_by=by if getattr(by, "is_authenticated", False) else None,
        created_at=now,
    )
    what = "offer" if is_offer else "request"
    with transaction.atomic():
        audit.save_audited(
            aid,
            by=by,
            action=AuditAction.LOG_AID,
            summary=f"Mutual-aid {what} from {from_organisation.name}: {quantity} "
            f"{AidKind(kind).label.lower()}",
        )
    return aid


def record_aid_outcome(*, by: Any, aid: AidRequest, outcome: str, note: str = "") -> AidRequest:
    """Record what came of a request or offer: the organisation asked (or offered to) agrees,
    partly meets or declines; the one that asked (or offered) withdraws; the programme office
    records any outcome (``rules.aid_outcomes``)."""
    require(by, Permission.RECORD_AID_OUTCOME, aid)
    if outcome not in AidOutcome.values:
        raise ValidationError({"outcome": [f"'{outcome}' is not an outcome"]})
    allowed = aid_outcomes(by, aid)
    if outcome not in allowed:
        who = "the organisation asked" if not aid.is_offer else "the organisation offered to"
        raise PermissionDenied(
            f"Only {who} may record '{AidOutcome(outcome).label}'; you may record: "
            + ", ".join(AidOutcome(o).label for o in allowed)
        )
    if len(note.strip()) > AID_NOTE_MOST:
        raise ValidationError({"note": [f"write at most {AID_NOTE_MOST:,} characters"]})
    aid.outcome, aid.outcome_note = outcome, note.strip()
    with transaction.atomic():
        audit.save_audited(
            aid,
            by=by,
            action=AuditAction.RECORD_AID_OUTCOME,
            summary=f"Mutual aid #{aid.pk}: {AidOutcome(outcome).label}",
        )
    return aid
