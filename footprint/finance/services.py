"""Writes of financial figures. Each refuses a caller who may not act (``PermissionDenied``),
saves all or nothing in one transaction, and records itself in the audit trail inside it, with
the history of every figure kept."""

from __future__ import annotations

import datetime as dt
import math
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
from footprint.finance import compute, plausibility, publication, queries
from footprint.finance.importers import PlanFigures, PlanWorkbook
from footprint.finance.models import (
    OTHER_INCOME,
    Contract,
    ContractKind,
    FinancialPlan,
    PublishedYear,
    RiskShareAgreement,
    YearPublication,
    year_label,
)
from footprint.finance.rules import COMMISSIONING_KINDS, Permission
from footprint.partnership.models import Organisation, OrganisationKind
from footprint.partnership.rules import is_programme_office


class AuditAction(StrEnum):
    """What the audit trail records this app's services doing."""

    IMPORT_FINANCIAL_PLAN = "import_financial_plan"
    PUBLISH_FINANCE_YEAR = "publish_finance_year"
    REMOVE_CONTRACT = "remove_contract"
    SAVE_CONTRACT = "save_contract"
    SAVE_FINANCIAL_PLAN = "save_financial_plan"
    SAVE_RISK_SHARE_AGREEMENT = "save_risk_share_agreement"
    WITHDRAW_FINANCE_YEAR = "withdraw_finance_year"
    CHANGE_OWN_CONTROL_TOTAL = "change_own_control_total"


def _unknown_sources(organisation: Organisation | None, sources: Iterable[str]) -> list[str]:
    codes = {s for s in sources if s != OTHER_INCOME}
    known = set(Organisation.objects.filter(ods_code__in=codes).values_list("ods_code", flat=True))
    own = organisation.ods_code if organisation is not None else None
    return sorted(c for c in codes if c not in known or c == own)


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


def _figures_of(plan: FinancialPlan | None) -> plausibility.Figures | None:
    if plan is None or plan.pk is None:
        return None
    return plausibility.Figures(
        income=plan.total_income_pence,
        expenditure=plan.expenditure_pence,
        control_total=plan.control_total_pence,
    )


def _unusual(figures: PlanFigures, before: FinancialPlan | None) -> list[str]:
    """What looks wrong in a year's new figures against the plan saved before (if any)."""
    after = plausibility.Figures(
        income=sum(int(v) for v in figures.income.values()),
        expenditure=figures.pay_pence + figures.non_pay_pence,
        control_total=figures.control_total_pence,
    )
    return plausibility.unusual(_figures_of(before), after, year_label(figures.year))


def _record_own_control_total(
    organisation: Organisation, year: int, old: int | None, new: int, by: Any
) -> None:
    """An organisation's own finance team moving its control total (agreed with the system):
    recorded in the audit trail as such, and the organisation's page says who changed it."""
    if old is None or old == new or is_programme_office(by):
        return
    audit.record(
        actor=by,
        action=AuditAction.CHANGE_OWN_CONTROL_TOTAL,
        summary=f"{organisation.name}'s own finance team changed its control total for "
        f"{year_label(year)} from {plausibility.pounds(old)} to {plausibility.pounds(new)}",
        organisation=organisation.ods_code,
        year=year,
        before_pence=old,
        after_pence=new,
    )


def save_plan(
    *, organisation: Organisation, figures: PlanFigures, by: Any, confirmed: bool = False
) -> FinancialPlan:
    """Create or change ``organisation``'s plan for ``figures.year``. Figures that look
    implausible (``plausibility``) are saved only when ``confirmed``; otherwise refused with
    a ValidationError saying what looks wrong and how to confirm."""
    if not can(by, Permission.CHANGE_PLANS, organisation):
        raise PermissionDenied(f"You may not change {organisation.name}'s financial plans.")
    unknown = _unknown_sources(organisation, figures.income)
    if unknown:
        raise ValueError(f"No other organisation has the ODS code {', '.join(unknown)}")
    before = queries.plan_for(organisation, figures.year)
    problems = _unusual(figures, before)
    if problems and not confirmed:
        raise plausibility.Implausible([*problems, plausibility.CONFIRM])
    old_control = before.control_total_pence if before else None
    with transaction.atomic():
        _record_own_control_total(
            organisation, figures.year, old_control, figures.control_total_pence, by
        )
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


def _column_order(error: RowError) -> tuple[int, str]:
    letters = error.column.rsplit("(", 1)[-1].rstrip(")")
    return (len(letters), letters)


def import_plan_workbook(
    *, workbook: PlanWorkbook, filename: str, by: Any, confirmed: bool = False
) -> list[FinancialPlan]:
    """Save every year of an uploaded plan workbook, or nothing. Someone who changes no
    organisation's plans is refused outright. Otherwise every problem is listed at once, each
    against its cell: those found reading the cells (``workbook.problems``), an ODS code no
    organisation has or one whose plans ``by`` may not change, income from an unknown
    commissioner, and (unless ``confirmed``, the upload form's tick) each year that looks
    implausible (``plausibility``), asked about only of someone who may change the plans, as
    it compares them with the plans saved."""
    require(by, Permission.CHANGE_PLANS)
    where = workbook.where or filename
    problems = list(workbook.problems)
    organisation = None
    if workbook.organisation:
        organisation = Organisation.objects.filter(ods_code=workbook.organisation).first()
        if organisation is None:
            problems.append(
                RowError(1, "B", f"no organisation has the ODS code '{workbook.organisation}'")
            )
        elif not can(by, Permission.CHANGE_PLANS, organisation):
            problems.append(
                RowError(
                    1,
                    "B",
                    f"you may not change {organisation.name}'s financial plans: give the "
                    "ODS code of an organisation whose finance team you belong to",
                )
            )
            organisation = None
    elif not any(e.row == 1 and e.column == "B" for e in problems):
        problems.append(RowError(1, "B", "give the organisation's ODS code"))
    codes = set(workbook.income_rows) | {k for y in workbook.years for k in y.income}
    for code in _unknown_sources(organisation, codes) if codes else []:
        problems.append(
            RowError(
                workbook.income_rows.get(code, 0),
                "A",
                f"'Income from {code}': no other organisation has this ODS code",
            )
        )
    befores = (
        {f.year: queries.plan_for(organisation, f.year) for f in workbook.years}
        if organisation is not None
        else {}
    )
    unusual = (
        [
            RowError(figures.row, figures.column, problem)
            for figures in workbook.years
            for problem in _unusual(figures, befores[figures.year])
        ]
        if organisation is not None and not confirmed
        else []
    )
    if problems or unusual:
        cells = sorted(
            (e for e in [*problems, *unusual] if e.row),
            key=lambda e: (e.row, _column_order(e)),
        )
        rest = [e for e in problems if not e.row]
        confirm = [RowError(0, "A", plausibility.CONFIRM_UPLOAD)] if unusual else []
        raise ImportRejected(where, [*cells, *rest, *confirm])
    if organisation is None:  # not reached: a workbook without problems names one
        raise ImportRejected(where, [RowError(1, "B", "give the organisation's ODS code")])
    with transaction.atomic():
        for figures in workbook.years:
            before = befores[figures.year]
            _record_own_control_total(
                organisation,
                figures.year,
                before.control_total_pence if before else None,
                figures.control_total_pence,
                by,
            )
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


# --- Contracts ---------------------------------------------------------------------------

# A price per unit above £1 million is a mistake (a whole contract's value typed as its unit
# price, or pence typed as pounds): the dearest spells the tariff prices are tens of thousands.
MOST_PRICE_PENCE = 1_000_000 * 100
# No member delivers more than 50 million units of one point of delivery in a year.
MOST_UNITS = 50_000_000


def check_contract(contract: Contract) -> None:
    """Refuse a contract whose terms cannot be right, each problem against its field: the
    commissioner an ICB or a council, the provider another organisation that is not an ICB,
    a plausible price, a block only where the kind has one, and one contract for each
    provider's point of delivery."""
    errors: dict[str, list[str]] = {}

    def refuse(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    commissioner, provider = contract.commissioner, contract.provider
    if commissioner.kind not in COMMISSIONING_KINDS:
        refuse(
            "commissioner",
            f"{commissioner.name} is a {commissioner.get_kind_display().lower()}, not a "
            "commissioner: choose the ICB or a council",
        )
    if provider.pk == commissioner.pk:
        refuse("provider", f"{provider.name} cannot hold a contract it lets itself")
    elif provider.kind == OrganisationKind.COMMISSIONER:
        refuse("provider", f"{provider.name} is a commissioner, not a provider")
    price = contract.price_pence
    if price is None or not 1 <= price <= MOST_PRICE_PENCE:
        refuse(
            "price_pence",
            f"The price per unit must be from £0.01 to £{MOST_PRICE_PENCE // 100:,}: "
            "is it the price of one unit, in pounds?",
        )
    units = contract.threshold_units
    blocked = contract.kind in (ContractKind.BLOCK, ContractKind.BLOCK_MARGINAL)
    if units is None or not math.isfinite(units) or not 0 <= units <= MOST_UNITS:
        refuse("threshold_units", f"The units in the block must be from 0 to {MOST_UNITS:,}")
    elif blocked and units == 0:
        refuse("threshold_units", "A block contract needs the number of units in its block")
    elif not blocked and units:
        refuse(
            "threshold_units",
            "An activity-based contract has no block: leave the units in the block at 0",
        )
    rate = contract.marginal_rate
    if rate is None or not Decimal(0) <= Decimal(rate) <= Decimal(1):
        refuse("marginal_rate", "The marginal rate must be from 0 to 1, e.g. 0.7 for 70%")
    elif contract.kind != ContractKind.BLOCK_MARGINAL and rate:
        refuse(
            "marginal_rate",
            "Only a block with a marginal rate has one: leave it at 0, or choose that kind",
        )
    other = (
        Contract.objects.filter(provider=provider, service=contract.service)
        .exclude(pk=contract.pk)
        .select_related("commissioner")
        .first()
    )
    if other is not None:
        refuse(
            "service",
            f"{provider.name} already has a contract for {contract.get_service_display()} "
            f"(from {other.commissioner.name}): change that one instead",
        )
    if errors:
        raise ValidationError(errors)


def save_contract(*, contract: Contract, by: Any) -> Contract:
    """Record a contract, new or changed (its terms on ``contract``, not yet saved), checked
    (``check_contract``), audited, with its history. The programme office keeps every
    contract; a commissioner's finance users the contracts it lets, and may not move one
    to or from another commissioner."""
    require(by, Permission.MANAGE_CONTRACTS, contract.commissioner)
    with transaction.atomic():
        if contract.pk is not None:
            before = Contract.objects.select_for_update().select_related("commissioner")
            require(by, Permission.MANAGE_CONTRACTS, before.get(pk=contract.pk).commissioner)
        check_contract(contract)
        new = contract.pk is None
        audit.save_audited(
            contract,
            by=by,
            action=AuditAction.SAVE_CONTRACT,
            summary=f"{'Added' if new else 'Changed'} the contract for "
            f"{contract.get_service_display()} at {contract.provider.name} from "
            f"{contract.commissioner.name}",
            contract=contract.pk,
            commissioner=contract.commissioner.ods_code,
            provider=contract.provider.ods_code,
            service=contract.service,
            kind=contract.kind,
            price_pence=contract.price_pence,
        )
    return contract


def remove_contract(*, contract: Contract, by: Any) -> None:
    """End a contract (its history is kept), audited."""
    require(by, Permission.MANAGE_CONTRACTS, contract.commissioner)
    with transaction.atomic():
        user = by if getattr(by, "is_authenticated", False) else None
        contract._history_user = user  # type: ignore[attr-defined]
        summary = (
            f"Removed the contract for {contract.get_service_display()} at "
            f"{contract.provider.name} from {contract.commissioner.name}"
        )
        pk = contract.pk
        contract.delete()
        audit.record(actor=by, action=AuditAction.REMOVE_CONTRACT, summary=summary, contract=pk)
