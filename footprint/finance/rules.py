"""Who may see and change financial figures.

- Partners read the finance pages; what each shows depends on publication.
- Before the programme office publishes a year's system summary, an organisation's plan for
  that year is seen only by its own people and the programme office.
- Once published, every partner sees every plan for the year, and the public the system
  summary (positions, not the lines behind them or their history).
- Only an organisation's finance users and the programme office change its plans; the
  programme office keeps the risk-share agreements and publishes and withdraws each year.
- Contracts are kept by the programme office and by the finance users of the commissioner
  that lets them (an ICB or a council): a provider's finance team reads them but does not set
  its own price.

``may_see_plan`` and ``sees_every_plan`` decide what a page, an export or the API shows of
many plans at once: they take the published years (``queries.published_years()``), read once.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import rules

from footprint.core.permissions import permissions
from footprint.partnership.models import Organisation, OrganisationKind, Role
from footprint.partnership.rules import (
    has_role_anywhere,
    has_role_at,
    is_partner,
    is_programme_office,
    roles_of,
)


def may_see_plan(
    user: Any, organisation: Organisation, year: int, published: frozenset[int]
) -> bool:
    """Whether ``user`` may see ``organisation``'s plan for ``year``, given the years published."""
    if is_programme_office(user):
        return True
    if not is_partner(user):
        return False
    return year in published or organisation.pk in roles_of(user).by_organisation


def sees_every_plan(user: Any, year: int, published: frozenset[int]) -> bool:
    """Whether ``user`` may see the whole system's figures for ``year``."""
    return bool(is_programme_office(user)) or (bool(is_partner(user)) and year in published)


@rules.predicate
def is_finance_user_of(user: Any, organisation: Organisation | None) -> bool:
    """A finance user of ``organisation``; with none given, of any organisation."""
    if organisation is None:
        return has_role_anywhere(user, Role.FINANCE)
    return has_role_at(user, organisation, Role.FINANCE)


COMMISSIONING_KINDS = (OrganisationKind.COMMISSIONER, OrganisationKind.LOCAL_AUTHORITY)


@rules.predicate
def is_commissioning_finance_user(user: Any, organisation: Organisation | None) -> bool:
    """A finance user of ``organisation``, if it commissions (an ICB or a council); with none
    given, of any commissioner."""
    if organisation is None:
        held = [pk for pk, roles in roles_of(user).by_organisation.items() if Role.FINANCE in roles]
        return (
            bool(held)
            and Organisation.objects.filter(pk__in=held, kind__in=COMMISSIONING_KINDS).exists()
        )
    return organisation.kind in COMMISSIONING_KINDS and has_role_at(
        user, organisation, Role.FINANCE
    )


@permissions
class Permission(StrEnum):
    """Every permission this app declares: ask for one as ``Permission.NAME``."""

    VIEW_FINANCE = "finance.view_finance"
    # With an organisation: its plans; with none: some organisation's (to offer the upload).
    CHANGE_PLANS = "finance.change_plans"
    MANAGE_RISK_SHARE = "finance.manage_risk_share"
    # With an organisation: the contracts it lets; with none: some commissioner's (the pages).
    MANAGE_CONTRACTS = "finance.manage_contracts"
    PUBLISH_YEAR = "finance.publish_year"


rules.add_perm(Permission.VIEW_FINANCE, is_partner)
rules.add_perm(Permission.CHANGE_PLANS, is_programme_office | is_finance_user_of)
rules.add_perm(Permission.MANAGE_RISK_SHARE, is_programme_office)
rules.add_perm(Permission.MANAGE_CONTRACTS, is_programme_office | is_commissioning_finance_user)
rules.add_perm(Permission.PUBLISH_YEAR, is_programme_office)
