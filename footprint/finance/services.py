"""Writes of financial figures. Each refuses a caller who may not act (``PermissionDenied``),
saves all or nothing in one transaction, and records itself in the audit trail inside it, with
the history of every figure kept."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from footprint.core import audit
from footprint.core.imports import ImportRejected, RowError
from footprint.core.permissions import can, require
from footprint.finance import compute, publication, queries
from footprint.finance.importers import PlanFigures, PlanWorkbook
from footprint.finance.models import (
    OTHER_INCOME,
    FinancialPlan,
    PublishedYear,
    RiskShareAgreement,
    YearPublication,
    year_label,
)
from footprint.finance.rules import Permission
from footprint.partnership.models import Organisation


class AuditAction(StrEnum):
    """What the audit trail records this app's services doing."""

    IMPORT_FINANCIAL_PLAN = "import_financial_plan"
    PUBLISH_FINANCE_YEAR = "publish_finance_year"
    SAVE_FINANCIAL_PLAN = "save_financial_plan"
    SAVE_RISK_SHARE_AGREEMENT = "save_risk_share_agreement"
    WITHDRAW_FINANCE_YEAR = "withdraw_finance_year"


def _unknown_sources(organisation: Organisation, sources: Iterable[str]) -> list[str]:
    codes = {s for s in sources if s != OTHER_INCOME}
    known = set(Organisation.objects.filter(ods_code__in=codes).values_list("ods_code", flat=True))
    return sorted(c for c in codes if c not in known or c == organisation.ods_code)


def _with_figures(organisation: Organisation, figures: PlanFigures) -> FinancialPlan:
    """``organisation``'s plan for ``figures.year`` (new, if it has none) with these figures,
    not yet saved."""
    plan = queries.plan_for(organisation, figures.year)
    plan = plan or FinancialPlan(organisation=organisation, year=figures.year)
    plan.income = {k: int(v) for k, v in sorted(figures.income.items()) if v}
    plan.pay_pence = figures.pay_pence
    plan.non_pay_pence = figures.non_pay_pence
    plan.fixed_percent = Decimal(figures.fixed_percent)
    plan.semi_fixed_percent = Decimal(figures.semi_fixed_percent)
    plan.control_total_pence = figures.control_total_pence
    return plan


def save_plan(*, organisation: Organisation, figures: PlanFigures, by: Any) -> FinancialPlan:
    """Create or change ``organisation``'s plan for ``figures.year``."""
    if not can(by, Permission.CHANGE_PLANS, organisation):
        raise PermissionDenied(f"You may not change {organisation.name}'s financial plans.")
    unknown = _unknown_sources(organisation, figures.income)
    if unknown:
        raise ValueError(f"No other organisation has the ODS code {', '.join(unknown)}")
    with transaction.atomic():
        plan = _with_figures(organisation, figures)
        audit.save_audited(
            plan,
            by=by,
            action=AuditAction.SAVE_FINANCIAL_PLAN,
            summary=f"Saved {organisation.name}'s financial plan for {year_label(figures.year)}",
            organisation=organisation.ods_code,
            year=figures.year,
        )
    return plan


def import_plan_workbook(*, workbook: PlanWorkbook, filename: str, by: Any) -> list[FinancialPlan]:
    """Save every year of an uploaded plan workbook, or nothing. Someone who changes no
    organisation's plans is refused outright; a finance user of another organisation is told
    so against the workbook's ODS code cell."""
    require(by, Permission.CHANGE_PLANS)
    organisation = Organisation.objects.filter(ods_code=workbook.organisation).first()
    if organisation is None:
        raise ImportRejected(
            filename,
            [RowError(1, "B", f"no organisation has the ODS code '{workbook.organisation}'")],
        )
    if not can(by, Permission.CHANGE_PLANS, organisation):
        raise ImportRejected(
            filename,
            [RowError(1, "B", f"you may not change {organisation.name}'s financial plans")],
        )
    unknown = _unknown_sources(organisation, {k for y in workbook.years for k in y.income})
    if unknown:
        raise ImportRejected(
            filename,
            [
                RowError(0, "A", f"'Income from {c}': no other organisation has this ODS code")
                for c in unknown
            ],
        )
    with transaction.atomic():
        plans = [_with_figures(organisation, figures) for figures in workbook.years]
        for plan in plans:
            audit.save_with_history(plan, by=by)
        audit.record(
            actor=by,
            action=AuditAction.IMPORT_FINANCIAL_PLAN,
            summary=f"Imported {organisation.name}'s financial plans for "
            f"{', '.join(year_label(p.year) for p in plans)} from {filename}",
            organisation=organisation.ods_code,
            years=[p.year for p in plans],
        )
    return plans


def publish_year(*, year: int, by: Any, at: dt.datetime | None = None) -> YearPublication:
    """Publish ``year``'s system summary as it stands now: every partner sees every plan for
    the year, and the public these figures, kept as they are until the programme office
    publishes again. A revision records what changed from the publication before; publishing
    figures that have not changed adds no revision."""
    require(by, Permission.PUBLISH_YEAR)
    at = at or timezone.now()
    with transaction.atomic():
        system = compute.system_year(year)
        if not system.rows:
            raise ValidationError(f"No organisation has a plan for {year_label(year)} to publish.")
        summary = publication.summary_of(system)
        latest = queries.latest_publication(year)
        if latest is not None and at < latest.published_at:
            raise ValidationError(
                f"{year_label(year)} was last published on {latest.published_on:%-d %B %Y}; "
                "a new publication cannot be dated before it."
            )
        PublishedYear.objects.get_or_create(year=year, defaults={"published_by": by})
        if latest is not None and latest.summary == summary:
            audit.record(
                actor=by,
                action=AuditAction.PUBLISH_FINANCE_YEAR,
                summary=f"Published the system financial summary for {year_label(year)}, "
                f"unchanged since {latest.published_on:%-d %B %Y}",
                year=year,
                publication=latest.pk,
            )
            return latest
        changed = publication.changes(latest.summary if latest else None, summary)
        record = YearPublication.objects.create(
            year=year, published_at=at, published_by=by, summary=summary, changes=changed
        )
        audit.record(
            actor=by,
            action=AuditAction.PUBLISH_FINANCE_YEAR,
            summary=f"{'Revised' if latest else 'Published'} the system financial summary "
            f"for {year_label(year)}" + (f": {len(changed)} figures changed" if latest else ""),
            year=year,
            publication=record.pk,
            changes=changed,
        )
    return record


def withdraw_year(*, year: int, by: Any) -> None:
    """Take ``year``'s system summary back to partner-only (plans back to their own people).
    Its publications are kept: publishing again compares with the last of them."""
    require(by, Permission.PUBLISH_YEAR)
    with transaction.atomic():
        PublishedYear.objects.filter(year=year).delete()
        audit.record(
            actor=by,
            action=AuditAction.WITHDRAW_FINANCE_YEAR,
            summary=f"Withdrew the system financial summary for {year_label(year)}",
            year=year,
        )


def save_agreement(
    *, agreement: RiskShareAgreement, members: Sequence[Organisation], by: Any
) -> RiskShareAgreement:
    """Record a risk-share agreement, new or changed (its terms on ``agreement``, not yet
    saved), and its members, audited, with its history."""
    require(by, Permission.MANAGE_RISK_SHARE)
    with transaction.atomic():
        audit.save_with_history(agreement, by=by)
        agreement.members.set(members)
        audit.record(
            actor=by,
            action=AuditAction.SAVE_RISK_SHARE_AGREEMENT,
            summary=f"Saved the risk-share agreement '{agreement.name}'",
            agreement=agreement.pk,
            members=sorted(m.ods_code for m in members),
        )
    return agreement
