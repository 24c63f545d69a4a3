"""Is a plan's change plausible? Figures a finance team would not normally type: a deficit or
surplus over a fifth of income, or a year's figures moved far from the plan saved before.
Such a change is not refused outright (a trust in deep trouble is real) but asked about: the
page, the upload and the API save it only when told the figures are right (``confirmed``).

Thresholds (chosen, docs/decisions.md "Finance: asking before an implausible plan is saved"):
- the surplus or deficit over 20 % of income (NHS trusts' plans rarely pass 10 %);
- against the saved plan: the surplus or deficit, or the control total, moving by more than
  10 % of income (and more than £5m), or income or expenditure by more than a quarter."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError

SHARE_OF_INCOME = 0.20
MOVE_SHARE_OF_INCOME = 0.10
MOVE_AT_LEAST_PENCE = 5_000_000_00
MOVE_SHARE = 0.25

CONFIRM_LABEL = "These figures are right, even though they look unusual"
CONFIRM = f"If the figures are right, tick “{CONFIRM_LABEL}” and save again"
CONFIRM_UPLOAD = f"If the figures are right, tick “{CONFIRM_LABEL}” and upload the workbook again"
CONFIRM_API = 'If the figures are right, send them again with "confirm_unusual": true'


class Implausible(ValidationError):
    """Figures that look implausible, refused until confirmed: each problem, then how to
    confirm (``CONFIRM``)."""


@dataclass(frozen=True)
class Figures:
    """A year's plan in pence: total income, expenditure and control total."""

    income: int
    expenditure: int
    control_total: int

    @property
    def surplus(self) -> int:
        return self.income - self.expenditure


def pounds(pence: int) -> str:
    sign = "-" if pence < 0 else ""
    return f"{sign}£{abs(pence) // 100:,}"


def _share(part: int, whole: int) -> str:
    return f"{abs(part) / whole:.0%}"


def unusual(before: Figures | None, after: Figures, year_label: str) -> list[str]:
    """What looks wrong in ``after`` (a year's plan; ``before`` the one saved, if any), in
    words naming the year; empty when nothing does."""
    out = []
    income = after.income
    if income <= 0 and after.expenditure > 0:
        out.append(
            f"{year_label}: expenditure of {pounds(after.expenditure)} with no income: is it right?"
        )
    elif income > 0 and abs(after.surplus) > SHARE_OF_INCOME * income:
        what = "deficit" if after.surplus < 0 else "surplus"
        out.append(
            f"{year_label}: a {what} of {pounds(abs(after.surplus))} is "
            f"{_share(after.surplus, income)} of income ({pounds(income)}; "
            f"expenditure {pounds(after.expenditure)}): is it right?"
        )
    if before is None:
        return out
    scale = max(before.income, income, 1)
    moved = max(MOVE_SHARE_OF_INCOME * scale, MOVE_AT_LEAST_PENCE)
    for name, old, new in (
        ("the surplus or deficit", before.surplus, after.surplus),
        ("the control total", before.control_total, after.control_total),
    ):
        if abs(new - old) > moved:
            out.append(
                f"{year_label}: {name} moves from {pounds(old)} to {pounds(new)}, "
                f"{_share(new - old, scale)} of income: is it right?"
            )
    for name, old, new in (
        ("income", before.income, after.income),
        ("expenditure", before.expenditure, after.expenditure),
    ):
        if old > 0 and abs(new - old) > MOVE_SHARE * old and abs(new - old) > MOVE_AT_LEAST_PENCE:
            out.append(
                f"{year_label}: {name} moves from {pounds(old)} to {pounds(new)} "
                f"({(new - old) / old:+.0%}): is it right?"
            )
    return out
