"""Who may see and do what in system finance, proved for every page and every write.

Partners read the finance pages (what each shows depends on publication: see
test_finance.py); an organisation's plans are changed by its finance users and the programme
office; the programme office keeps the risk-share agreements and publishes and withdraws each
year; everyone reads "Our money". Each write service refuses a caller who may not act, whoever
calls it, and saves nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from footprint.core.imports import ImportRejected
from footprint.core.models import AuditEvent
from footprint.finance import importers, services
from footprint.finance.models import (
    Contract,
    ContractKind,
    FinancialPlan,
    PublishedYear,
    RiskShareAgreement,
    YearPublication,
)
from tests.conftest import CAST, PARTNERS, assert_may_see
from tests.integration.test_finance import GOOD, figures, workbook_bytes
from tests.integration.test_finance_by_quintile import add_small_areas

AGREEMENT = "agreement"  # stands for the pk of the ``agreement`` fixture's agreement
CONTRACT = "contract"  # and the ``contract`` fixture's contract

# (url name, args, who may see it, what they see). Everyone else: log-in redirect (public) or
# 403. The cast has no finance users: the programme office alone changes plans here.
PAGES = [
    ("finance:index", [], PARTNERS, "System finance"),
    ("finance:organisation", ["RA1"], PARTNERS, "Trust A Hospitals"),
    ("finance:risk_share", [], PARTNERS, "Risk share and ledger"),
    ("finance:scenario", [], PARTNERS, "Who gains and who loses"),
    ("finance:export", ["csv"], PARTNERS, "Financial year,ODS code,Organisation"),
    ("finance:export", ["xlsx"], PARTNERS, None),
    ("finance:upload", [], {"pmo"}, "Upload a financial plan"),
    ("finance:plan_edit", ["RA1", 2026], {"pmo"}, "Trust A Hospitals: enter the plan for 2026/27"),
    ("finance:template", ["RA1"], {"pmo"}, None),
    ("finance:agreement_new", [], {"pmo"}, "Record a risk-share agreement"),
    ("finance:agreement_edit", [AGREEMENT], {"pmo"}, "Change Test pool"),
    ("finance:contracts", [], PARTNERS, "Contracts"),
    ("finance:contract_new", [], {"pmo"}, "Add a contract"),
    ("finance:contract_edit", [CONTRACT], {"pmo"}, "Change the contract for"),
    ("finance:public", [], set(CAST), "Our money"),
]


@pytest.fixture
def contract(cast, footprint, icb):
    return services.save_contract(
        contract=Contract(
            commissioner=icb,
            provider=footprint["trust_a"],
            service="ip_elective",
            kind=ContractKind.ACTIVITY,
            price_pence=4_000_00,
        ),
        by=cast["pmo"],
    )


@pytest.fixture
def agreement(cast, footprint):
    return services.save_agreement(
        agreement=RiskShareAgreement(
            name="Test pool",
            first_year=2026,
            last_year=2027,
            contribution_rate=Decimal(50),
            contribution_cap_rate=Decimal(1),
            agreed_on=dt.date(2026, 3, 1),
        ),
        members=[footprint["trust_a"], footprint["trust_b"]],
        by=cast["pmo"],
    )


@pytest.mark.parametrize("who", CAST)
@pytest.mark.parametrize(("name", "args", "allowed", "shows"), PAGES, ids=lambda v: str(v))
def test_page_permission_matrix(client_for, agreement, contract, who, name, args, allowed, shows):
    pks = {AGREEMENT: agreement.pk, CONTRACT: contract.pk}
    args = [pks.get(a, a) if isinstance(a, str) else a for a in args]
    path = reverse(name, args=args)
    client = client_for(who)
    assert_may_see(client, who, path, allowed)
    if who in allowed and shows is not None:
        response = client.get(path)
        assert shows in response.content.decode("utf-8-sig")


@pytest.mark.parametrize(
    ("name", "args", "allowed"),
    [
        ("finance:upload", [], True),
        ("finance:plan_edit", ["RA1", 2026], True),
        ("finance:template", ["RA1"], True),
        ("finance:plan_edit", ["RB1", 2026], False),
        ("finance:template", ["RB1"], False),
        ("finance:agreement_new", [], False),
    ],
)
def test_a_finance_lead_changes_only_their_own_organisations_plans(
    client, finance_team, name, args, allowed
):
    client.force_login(finance_team["a"], backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(reverse(name, args=args))
    assert response.status_code == (200 if allowed else 403)


@pytest.mark.parametrize("name", ["finance:publish", "finance:withdraw"])
@pytest.mark.parametrize("who", CAST)
def test_only_the_programme_office_publishes_or_withdraws_a_year(
    client_for, cast, footprint, icb, who, name
):
    services.save_plan(organisation=footprint["trust_a"], figures=figures(2026), by=cast["pmo"])
    if name == "finance:withdraw":
        services.publish_year(year=2026, by=cast["pmo"])
    published = PublishedYear.objects.exists()
    response = client_for(who).post(reverse(name, args=[2026]))
    if who == "pmo":
        assert response.status_code == 302
        assert PublishedYear.objects.exists() is not published
    else:
        if who == "public":
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("core:login"))
        else:
            assert response.status_code == 403
        assert PublishedYear.objects.exists() is published
        assert YearPublication.objects.count() == int(published)


# --- Each service refuses a caller who may not act, and saves nothing ----------------------


@pytest.mark.parametrize("who", ["editor_a", "viewer", "stranger", "public", "finance_b"])
def test_save_plan_refuses_anyone_but_the_organisations_finance_users(
    cast, finance_team, footprint, icb, who
):
    by = finance_team["b"] if who == "finance_b" else cast[who]
    with pytest.raises(PermissionDenied, match="may not change Trust A Hospitals's"):
        services.save_plan(organisation=footprint["trust_a"], figures=figures(2026), by=by)
    assert not FinancialPlan.objects.exists()
    assert not AuditEvent.objects.filter(action="save_financial_plan").exists()
    services.save_plan(
        organisation=footprint["trust_a"], figures=figures(2026), by=finance_team["a"]
    )
    assert FinancialPlan.objects.get().organisation == footprint["trust_a"]


@pytest.mark.parametrize("who", ["editor_a", "viewer", "stranger", "public"])
def test_import_plan_workbook_refuses_anyone_who_changes_no_plans(cast, icb, who):
    workbook = importers.parse_plan_workbook(workbook_bytes(GOOD), "plan.xlsx")
    with pytest.raises(PermissionDenied):
        services.import_plan_workbook(workbook=workbook, filename="plan.xlsx", by=cast[who])
    assert not FinancialPlan.objects.exists()


def test_import_plan_workbook_tells_another_organisations_finance_lead_no(finance_team, icb):
    workbook = importers.parse_plan_workbook(workbook_bytes(GOOD), "plan.xlsx")  # RA1's
    with pytest.raises(ImportRejected, match="you may not change Trust A Hospitals's"):
        services.import_plan_workbook(workbook=workbook, filename="plan.xlsx", by=finance_team["b"])
    assert not FinancialPlan.objects.exists()
    assert not AuditEvent.objects.filter(action="import_financial_plan").exists()


@pytest.mark.parametrize("who", ["editor_a", "viewer", "stranger", "public", "finance_a"])
def test_publish_year_refuses_anyone_but_the_programme_office(
    cast, finance_team, footprint, icb, who
):
    services.save_plan(organisation=footprint["trust_a"], figures=figures(2026), by=cast["pmo"])
    by = finance_team["a"] if who == "finance_a" else cast[who]
    with pytest.raises(PermissionDenied):
        services.publish_year(year=2026, by=by)
    assert not PublishedYear.objects.exists() and not YearPublication.objects.exists()
    assert not AuditEvent.objects.filter(action="publish_finance_year").exists()


@pytest.mark.parametrize("who", ["editor_a", "viewer", "stranger", "public", "finance_a"])
def test_withdraw_year_refuses_anyone_but_the_programme_office(
    cast, finance_team, footprint, icb, who
):
    services.save_plan(organisation=footprint["trust_a"], figures=figures(2026), by=cast["pmo"])
    services.publish_year(year=2026, by=cast["pmo"])
    by = finance_team["a"] if who == "finance_a" else cast[who]
    with pytest.raises(PermissionDenied):
        services.withdraw_year(year=2026, by=by)
    assert PublishedYear.objects.filter(year=2026).exists()
    assert not AuditEvent.objects.filter(action="withdraw_finance_year").exists()


@pytest.mark.parametrize("who", ["editor_a", "viewer", "stranger", "public", "finance_a"])
def test_save_agreement_refuses_anyone_but_the_programme_office(
    cast, finance_team, footprint, agreement, who
):
    by = finance_team["a"] if who == "finance_a" else cast[who]
    new = RiskShareAgreement(
        name="A pool of our own",
        first_year=2026,
        last_year=2026,
        contribution_rate=Decimal(100),
        contribution_cap_rate=Decimal(100),
        agreed_on=dt.date(2026, 3, 1),
    )
    with pytest.raises(PermissionDenied):
        services.save_agreement(agreement=new, members=[footprint["trust_a"]], by=by)
    agreement.contribution_rate = Decimal(0)
    with pytest.raises(PermissionDenied):
        services.save_agreement(agreement=agreement, members=[footprint["trust_a"]], by=by)
    kept = RiskShareAgreement.objects.get()
    assert kept.name == "Test pool" and kept.contribution_rate == Decimal(50)
    assert kept.members.count() == 2
    assert AuditEvent.objects.filter(action="save_risk_share_agreement").count() == 1


# --- Contracts: the programme office, and a commissioner's finance users for its own ------


@pytest.fixture
def icb_finance(icb, django_user_model):
    from footprint.partnership.models import Membership, Role
    from tests.conftest import make_user

    user = make_user(django_user_model, "finance_icb")
    Membership.objects.create(user=user, organisation=icb, role=Role.FINANCE)
    return user


def test_a_commissioners_finance_lead_keeps_only_the_contracts_it_lets(
    client, cast, footprint, icb, icb_finance, contract
):
    client.force_login(icb_finance, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(reverse("finance:contract_edit", args=[contract.pk])).status_code == 200
    council_lets = services.save_contract(
        contract=Contract(
            commissioner=footprint["council"],
            provider=footprint["trust_b"],
            service="ae",
            kind=ContractKind.ACTIVITY,
            price_pence=300_00,
        ),
        by=cast["pmo"],
    )
    assert client.get(reverse("finance:contract_edit", args=[council_lets.pk])).status_code == 403
    # The form offers only the ICB; moving the council's contract to the ICB is refused.
    council_lets.commissioner = icb
    with pytest.raises(PermissionDenied):
        services.save_contract(contract=council_lets, by=icb_finance)
    with pytest.raises(PermissionDenied):
        services.remove_contract(contract=Contract.objects.get(pk=council_lets.pk), by=icb_finance)
    assert Contract.objects.get(pk=council_lets.pk).commissioner == footprint["council"]
    contract.price_pence = 4_100_00
    services.save_contract(contract=contract, by=icb_finance)
    assert Contract.objects.get(pk=contract.pk).price_pence == 4_100_00


@pytest.mark.parametrize("who", ["finance_a", "finance_b"])
def test_a_providers_finance_lead_reads_contracts_but_does_not_set_its_price(
    client, finance_team, contract, who
):
    client.force_login(finance_team[who[-1]], backend="django.contrib.auth.backends.ModelBackend")
    page = client.get(reverse("finance:contracts")).content.decode()
    assert "Trust A Hospitals" in page and "Add a contract" not in page
    assert client.get(reverse("finance:contract_new")).status_code == 403
    assert client.get(reverse("finance:contract_edit", args=[contract.pk])).status_code == 403


@pytest.mark.parametrize("who", ["editor_a", "viewer", "stranger", "public", "finance_a"])
def test_save_and_remove_contract_refuse_anyone_who_keeps_no_contracts(
    cast, finance_team, footprint, icb, contract, who
):
    by = finance_team["a"] if who == "finance_a" else cast[who]
    new = Contract(
        commissioner=icb,
        provider=footprint["trust_b"],
        service="ip_elective",
        kind=ContractKind.ACTIVITY,
        price_pence=1_00,
    )
    with pytest.raises(PermissionDenied):
        services.save_contract(contract=new, by=by)
    contract.price_pence = 1_00
    with pytest.raises(PermissionDenied):
        services.save_contract(contract=contract, by=by)
    with pytest.raises(PermissionDenied):
        services.remove_contract(contract=contract, by=by)
    kept = Contract.objects.get()
    assert kept.price_pence == 4_000_00
    assert AuditEvent.objects.filter(action="save_contract").count() == 1
    assert not AuditEvent.objects.filter(action="remove_contract").exists()


@pytest.mark.parametrize("who", CAST)
def test_only_the_programme_office_removes_a_contract_on_its_page(client_for, contract, who):
    response = client_for(who).post(reverse("finance:contract_remove", args=[contract.pk]))
    assert Contract.objects.exists() is (who != "pmo")
    assert response.status_code == (302 if who in ("pmo", "public") else 403)


@pytest.mark.parametrize("who", CAST)
def test_spend_by_deprivation_quintile_is_shown_to_whoever_sees_the_whole_year(
    client_for, cast, footprint, icb, who
):
    """Before the year is published only the programme office sees spend per weighted
    resident by quintile (it is worked from every plan); once published, every partner; the
    public and strangers never reach the page."""
    deprived = add_small_areas(footprint)
    for trust in ("trust_a", "trust_b"):
        services.save_plan(
            organisation=deprived[trust],
            figures=figures(2025, pay=3, non_pay=2.9),
            by=cast["pmo"],
            confirmed=True,
        )
    path = reverse("finance:index") + "?year=2025"
    client = client_for(who)
    assert_may_see(client, who, path, PARTNERS)
    if who in PARTNERS:
        shown = "by deprivation quintile" in client.get(path).content.decode()
        assert shown == (who == "pmo")
        services.publish_year(year=2025, by=cast["pmo"])
        assert "by deprivation quintile" in client.get(path).content.decode()


def test_who_gains_says_no_plan_only_of_organisations_with_none_at_all(cast, footprint, icb):
    """Walk FI5. A GP practice with no plan for any year is said to have none, to everyone
    (which organisations have a plan at all is no secret: the typed move offers only those).
    Trust B has a plan for 2027/28 only, unpublished: to those who may not see it, it is
    withheld for 2026/27 like an unpublished plan, not said to have none for the year. The
    ICB's row is what it pays under the contracts, which every partner sees: the same whether
    or not it has a plan, and its plan's income is not given as a share."""
    from dataclasses import replace

    from footprint.finance import compute, publication, queries
    from footprint.finance.rules import may_see_plan
    from footprint.partnership.models import Organisation

    practice = Organisation.objects.get(ods_code="A00001")
    for provider, price in ((footprint["trust_b"], 3_500_00), (practice, 3_000_00)):
        Contract.objects.create(
            commissioner=icb,
            provider=provider,
            service="ip_elective",
            kind=ContractKind.ACTIVITY,
            price_pence=price,
        )
    services.save_plan(organisation=footprint["trust_b"], figures=figures(2027), by=cast["pmo"])
    move = compute.TypedMove("RB1", "ip_elective", 100, "A00001")
    orgs = {o.ods_code: o for o in Organisation.objects.all()}

    def seen_by(who):
        flows = compute.typed_flows(move, 2026)
        return publication.flows_seen_by(
            flows,
            lambda code, y: may_see_plan(cast[who], orgs[code], y, frozenset()),
            queries.codes_with_plans(),
        )

    practice_name = practice.name
    for who in ("editor_a", "viewer"):
        seen = seen_by(who)
        assert f"No financial plan, so their costs are not estimated: {practice_name}" in (
            seen.notes
        ), who
        assert seen.notes[-1] == (
            "Costs and positions not shown until their plans for 2026/27 are published: "
            "Trust B Hospitals"
        )
        assert [r.organisation for r in seen.rows if r.costs_hidden] == ["RB1"]
    editor_b = seen_by("editor_b")  # sees its own (absent) plan for 2026/27
    assert (
        f"No financial plan, so their costs are not estimated: {practice_name}, Trust B Hospitals"
        in editor_b.notes
    )
    assert editor_b.complete
    # The ICB pays £50,000 less (100 admissions at £3,000 rather than £3,500), with or without
    # a plan of its own, and that plan's income is never given away as a share.
    before = {r.organisation: r for r in seen_by("editor_a").rows}["QA1"]
    own = replace(figures(2026), income={"other": 110 * 100_000_000})
    services.save_plan(organisation=icb, figures=own, by=cast["pmo"])
    after = {r.organisation: r for r in seen_by("editor_a").rows}["QA1"]
    assert (after.cost_change, after.position_change) == (-5_000_000, 5_000_000)
    assert replace(after, planned_income=None) == replace(before, planned_income=None)
    assert after.income_change_percent is None and not after.costs_hidden


def test_an_upload_for_another_organisation_asks_nothing_about_its_saved_plans(
    finance_team, icb, footprint, cast
):
    """Trust B's finance lead uploads a workbook naming Trust A: refused against B1, with the
    workbook's own problems, and no 'unusual' question comparing it with Trust A's saved plan
    (which would give that plan away)."""
    services.save_plan(
        organisation=footprint["trust_a"],
        figures=figures(2026, pay=6, non_pay=4),
        by=cast["pmo"],
        confirmed=True,
    )
    rows = [list(r) for r in GOOD]
    rows[5][2] = "lots"  # non-pay, 2027/28
    book = importers.read_plan_workbook(workbook_bytes(rows), "plan.xlsx")  # RA1's
    with pytest.raises(ImportRejected) as refused:
        services.import_plan_workbook(workbook=book, filename="plan.xlsx", by=finance_team["b"])
    assert [str(e) for e in refused.value.errors] == [
        "row 1, column 'B': you may not change Trust A Hospitals's financial plans: give the "
        "ODS code of an organisation whose finance team you belong to",
        "row 8, column '2027/28 (C)': 'lots' is not an amount of money",
    ]
    assert FinancialPlan.objects.get().non_pay_pence == 4 * 100_000_000
