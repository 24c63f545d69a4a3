"""The demo footprint: realistic in size and shape, the same every time for the same day, built
as on the day it is given, and every demo user able to do what the printed list says.

The fresh builds come first; the rest share one demo built once for the module (as on
TODAY) and each roll back what they change."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict

import numpy as np
import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models, transaction
from django.test import override_settings
from django.utils import timezone

from footprint.demo import generator
from footprint.demo.constants import AMBULANCE_SHARE, DEMO_PASSWORD, PRICES
from footprint.demo.timeline import Timeline
from footprint.partnership.models import Neighbourhood, Organisation, Place, Population

TODAY = dt.date(2026, 11, 30)

# Dates that are about the future by their nature: when something is due, closes, may be
# published, or is to be reviewed or reached. Everything else the demo dates has happened.
FUTURE_BY_NATURE = re.compile(r"due|closes|until|publish_after|deadline|next_review|target|expir")
# Apps whose every date is a plan for days to come: a winter plan simulates the coming winter.
PLANS_AHEAD = {"winter"}


def _dated_after(today: dt.date) -> list[str]:
    """Every date or time the demo recorded after ``today`` (model.field: latest)."""
    late = []
    tomorrow = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=1), dt.time()))
    for model in apps.get_models():
        if not model.__module__.startswith("footprint.") or model._meta.app_label in PLANS_AHEAD:
            continue
        for f in model._meta.concrete_fields:
            if not isinstance(f, models.DateField) or FUTURE_BY_NATURE.search(f.name):
                continue
            latest = model.objects.aggregate(latest=models.Max(f.name))["latest"]
            if latest is None:
                continue
            if latest >= tomorrow if isinstance(latest, dt.datetime) else latest > today:
                late.append(f"{model._meta.label}.{f.name}: {latest}")
    return late


def _as_on(today: dt.date) -> dict[str, object]:
    """Build the demo as on ``today`` (rolled back afterwards) and note what it dated."""
    from footprint.finance.models import FinancialPlan
    from footprint.plans.models import Measurement
    from footprint.workforce.models import AgencyShift, WorkforceReturn

    with transaction.atomic():
        made = generator.build(today)
        monthly = Measurement.objects.filter(metric__frequency="monthly")
        seen = {
            "made": made,
            "latest_month": monthly.aggregate(m=models.Max("period"))["m"],
            "latest_quarter": Measurement.objects.filter(metric__frequency="quarterly").aggregate(
                m=models.Max("period")
            )["m"],
            "latest_return": WorkforceReturn.objects.aggregate(m=models.Max("month"))["m"],
            "latest_shift": AgencyShift.objects.aggregate(m=models.Max("date"))["m"],
            "first_plan_year": FinancialPlan.objects.aggregate(m=models.Min("year"))["m"],
            "population_years": sorted(set(Population.objects.values_list("year", flat=True))),
            "dated_after_today": _dated_after(today),
            "values": list(
                Measurement.objects.order_by(  # the unique key: PostgreSQL orders ties at random
                    "metric__slug", "subject_key", "breakdown", "category", "period"
                ).values_list("value", flat=True)
            ),
            "counts": list(
                Population.objects.order_by("neighbourhood__code", "year", "sex").values_list(
                    "counts", flat=True
                )
            ),
            "names": list(Organisation.objects.order_by("ods_code").values_list("name", flat=True)),
        }
        transaction.set_rollback(True)
    return seen


def test_demo_is_built_as_on_the_day_it_is_given_and_the_same_every_time(db):
    november, march = _as_on(TODAY), _as_on(dt.date(2026, 3, 15))
    assert november["latest_month"] == november["latest_return"] == dt.date(2026, 10, 1)
    assert march["latest_month"] == march["latest_return"] == dt.date(2026, 2, 1)
    assert november["latest_quarter"] == dt.date(2026, 7, 1)  # July to September
    assert march["latest_quarter"] == dt.date(2025, 10, 1)  # October to December
    assert november["latest_shift"] <= dt.date(2026, 10, 31)
    assert march["latest_shift"] <= dt.date(2026, 2, 28)
    assert november["first_plan_year"] == 2026 and march["first_plan_year"] == 2025
    assert november["population_years"] == list(range(2026, 2032))
    assert november["dated_after_today"] == [] and march["dated_after_today"] == []
    again = _as_on(TODAY)
    assert again == november


def test_timeline_derives_everything_from_today():
    t = Timeline(dt.date(2026, 11, 30))
    assert t.financial_year == 2026 and Timeline(dt.date(2027, 3, 31)).financial_year == 2026
    assert t.last_month == dt.date(2026, 10, 1)
    assert t.months(3) == [dt.date(2026, 8, 1), dt.date(2026, 9, 1), dt.date(2026, 10, 1)]
    assert t.last_quarter == dt.date(2026, 7, 1)
    assert Timeline(dt.date(2026, 10, 1)).last_quarter == dt.date(2026, 7, 1)
    assert Timeline(dt.date(2027, 1, 5)).last_quarter == dt.date(2026, 10, 1)
    assert t.quarters(2) == [dt.date(2026, 4, 1), dt.date(2026, 7, 1)]


def test_load_demo_takes_the_day_and_says_so(db, capsys):
    with transaction.atomic():
        call_command("load_demo", "--today", "2026-03-15")
        out = capsys.readouterr().out
        transaction.set_rollback(True)
    assert "Loaded the demo footprint as on 15 March 2026" in out and DEMO_PASSWORD in out
    for u in generator.USERS:
        assert f"{u.username} " in out and u.does in out
    assert "/m/" in out  # the practice manager's personal link


# --- One demo for the rest of the module -------------------------------------------------


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    # The tests' fast hasher (conftest sets it for each test; this fixture outlives one).
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast:
        made = generator.build(TODAY)
    yield made
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


def test_demo_is_a_rural_two_county_partnership_of_about_800000(demo, db):
    assert 750_000 <= demo["residents"] <= 850_000
    assert demo["places"] == 2
    assert 18 <= demo["neighbourhoods"] <= 24
    assert 75 <= demo["practices"] <= 85
    year = Timeline(TODAY).financial_year
    for hood in Neighbourhood.objects.all():
        residents = sum(p.total for p in hood.population.filter(year=year))
        assert 29_000 <= residents <= 51_000, hood.name  # the size of a primary care network
    kinds = set(Organisation.objects.values_list("kind", flat=True))
    assert {
        "commissioner",
        "acute_trust",
        "community_trust",
        "ambulance_trust",
        "local_authority",
        "healthwatch",
        "voluntary",
        "gp_practice",
        "pcn",
    } <= kinds
    assert Organisation.objects.filter(kind="acute_trust").count() == 2


# Real places near the demo's model (Herefordshire, Worcestershire, the Welsh border) and
# those earlier versions of the demo borrowed; none may appear in a demo name.
REAL = {
    "Marches",
    "Marcher",
    "Kington",
    "Malvern",
    "Tenbury",
    "Tenby",
    "Worcester",
    "Hereford",
    "Leominster",
    "Ledbury",
    "Ross",
    "Bromyard",
    "Evesham",
    "Pershore",
    "Broadway",
    "Upton",
    "Redditch",
    "Bromsgrove",
    "Kidderminster",
    "Droitwich",
    "Stourport",
    "Ombersley",
    "Alvechurch",
    "Catshill",
    "Barbourne",
    "Lowesmoor",
    "Holmer",
    "Ewyas",
    "Powys",
    "Severn",
    "Wye",
    "Pershall",
    "Redford",
    "Hallow",
}


def test_demo_names_are_invented(demo, db):
    from footprint.decisions.models import Action, Proposal
    from footprint.demand.models import Baseline, Scenario
    from footprint.engagement.models import Answer, Consultation, Message, Response, Statement
    from footprint.partnership.models import System
    from footprint.plans.models import Goal, Plan

    texts = [
        *System.objects.values_list("name", "description"),
        *Organisation.objects.values_list("name", flat=True),
        *Baseline.objects.values_list("name", flat=True),
        *Scenario.objects.values_list("name", "description"),
        *Plan.objects.values_list("title", "summary"),
        *Goal.objects.values_list("statement", flat=True),
        *Action.objects.values_list("description", flat=True),
        *Answer.objects.values_list("text", flat=True),
        *Response.objects.values_list("theme", "response"),
        *Place.objects.values_list("name", "description"),
        *Neighbourhood.objects.values_list("name", "description"),
        *Proposal.objects.values_list("title", "summary", "options"),
        *Consultation.objects.values_list("title", "summary", "body"),
        *Statement.objects.values_list("text", flat=True),
        *Message.objects.values_list("title", "body"),
    ]
    words = set(re.findall(r"[A-Z][a-z]+", " ".join(map(str, texts))))
    assert not words & REAL


def test_demo_consultations_know_the_age_and_place_of_most_who_took_part(demo, db):
    """Walk EN2: each consultation's "By place" and "By age" tables have believable shares,
    not everyone as "Did not say"."""
    from footprint.engagement.models import Consultation, Participant

    for slug in ("hawkesmere-minor-injuries", "dales-community-beds"):
        people = Participant.objects.filter(consultation__slug=slug)
        total = people.count()
        aged = people.exclude(age_band="").count() / total
        placed = people.exclude(place=None).count() / total
        assert 0.5 <= aged <= 0.8 and 0.5 <= placed <= 0.9, (slug, aged, placed)
        assert people.values("age_band").distinct().count() >= 5, slug
    # The closed consultation's report keeps who took part as published, small counts withheld.
    kept = Consultation.objects.get(slug="hawkesmere-minor-injuries").published_reach
    ages = dict(next(b["rows"] for b in kept["breakdowns"] if b["key"] == "age"))
    assert all(n is None or n >= 5 for n in ages.values()) and ages["75 and over"] >= 5
    dales = Participant.objects.filter(consultation__slug="dales-community-beds")
    assert (
        dales.filter(place__name="Hallowdale").count()
        > dales.filter(place__name="Wyvernshire").count()
    )


def test_demo_population_is_older_than_england_and_projected_five_years(demo, db):
    from footprint.partnership import compute

    year = Timeline(TODAY).financial_year
    base = compute.population(year)
    assert base is not None
    # England is about 19 % aged 65+, median age about 40; rural counties are older.
    assert 0.21 <= base.summary.share_65_plus <= 0.30
    assert 42 <= base.summary.median_age <= 48
    later = compute.population(year + 5)
    assert later is not None
    growth = later.summary.total / base.summary.total - 1
    assert 0.0 < growth < 0.05  # modest growth, as ONS projects for rural counties
    assert later.summary.aged_85_plus > base.summary.aged_85_plus


def test_load_demo_reuses_a_loaded_demo_and_prints_the_logins(demo, db, capsys):
    call_command("load_demo")
    out = capsys.readouterr().out
    assert "already loaded" in out and DEMO_PASSWORD in out
    assert Organisation.objects.filter(ods_code="RW9").count() == 1


def _waiting_for(code: str) -> str:
    """A proposal page where ``code``'s representative can record its board's consent."""
    from footprint.decisions.models import Proposal

    proposal = (
        Proposal.objects.filter(
            status="seeking_consent", forum__members__organisation__ods_code=code
        )
        .exclude(consents__organisation__ods_code=code)
        .first()
    )
    assert proposal is not None, code
    return f"/workspace/decisions/proposals/{proposal.pk}/"


def _practice_link() -> str:
    from footprint.engagement.models import Recipient
    from footprint.engagement.services import link_url

    recipient = Recipient.objects.get(
        organisation__ods_code=generator.DEMO_PRACTICE, acknowledged_at__isnull=True
    )
    return link_url(recipient, issued_at=timezone.now()).split("://", 1)[1].split("/", 1)[1]


CONSENT_FORM = "Record your organisation's response"


def _pages(username: str) -> list[tuple[str, str]]:
    """The pages where a demo user does what the printed list says, and what shows they can
    (empty: the page opening is enough)."""
    fy = Timeline(TODAY).financial_year
    pages = {
        "pmo": [
            ("/workspace/engagement/moderation/", ""),
            ("/workspace/plan/import/", ""),
            ("/workspace/decisions/forums/partnership-board/", ""),
            ("/workspace/finance/", ""),
        ],
        "chair": [("/workspace/", ""), (_waiting_for("QW9"), CONSENT_FORM)],
        "editor.wyvern": [
            ("/workspace/organisations/RW9/edit/", ""),
            ("/workspace/messages/new/", ""),
        ],
        "editor.hallowdale": [
            ("/workspace/organisations/RM9/edit/", ""),
            ("/workspace/messages/new/", ""),
        ],
        "finance.wyvern": [
            ("/workspace/finance/upload/", ""),
            (f"/workspace/finance/RW9/{fy}/", ""),
        ],
        "workforce.hallowdale": [("/workspace/workforce/import/", "")],
        "board.community": [(_waiting_for("RX9"), CONSENT_FORM)],
        "viewer": [
            ("/workspace/plan/", ""),
            ("/workspace/numbers/", ""),
            ("/workspace/decisions/", ""),
        ],
        "practice.manager": [
            ("/workspace/messages/", ""),
            ("/workspace/inbox/", "Urgent care"),
            ("/" + _practice_link(), ""),
        ],
        "rep.hw901": [("/workspace/decisions/proposals/new/", "")],
        "rep.vs901": [("/workspace/decisions/proposals/new/", "")],
    }
    for code in ("RW9", "RM9", "RY9", "LA901", "LA902"):
        pages[f"rep.{code.lower()}"] = [(_waiting_for(code), CONSENT_FORM)]
    return pages[username]


def test_every_demo_user_can_do_what_the_printed_list_says(demo, db, client):
    for u in generator.USERS:
        response = client.post("/login/", {"username": u.username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, u.username
        assert client.get("/workspace/").status_code == 200, u.username
        for path, shows in _pages(u.username):
            response = client.get(path)
            assert response.status_code == 200, (u.username, path)
            assert shows in response.content.decode(), (u.username, path)
        client.post("/logout/")


def test_the_practice_manager_acknowledges_the_urgent_care_message(demo, db, client):
    from footprint.engagement.models import Recipient

    client.post("/login/", {"username": "practice.manager", "password": DEMO_PASSWORD})
    link = "/" + _practice_link()
    assert "minor injuries" in client.get(link).content.decode()
    client.post(link)
    recipient = Recipient.objects.get(
        organisation__ods_code=generator.DEMO_PRACTICE, message__title__startswith="Urgent care"
    )
    assert recipient.acknowledged_at is not None


def test_forum_representatives_are_board_members_of_their_organisation(demo, db):
    from footprint.decisions.models import ForumMember

    for seat in ForumMember.objects.select_related("organisation", "representative"):
        assert seat.representative.memberships.filter(
            organisation=seat.organisation, role="board_member"
        ).exists(), seat


def test_demo_plan_has_its_planted_special_causes(demo, db):
    from footprint.plans import compute, queries
    from footprint.plans.models import Goal, Metric

    assert 20 <= demo["goals"] <= 30 and 35 <= demo["metrics"] <= 45
    assert Goal.objects.values("priority").distinct().count() == 6
    measured = queries.measured_values(Metric.objects.all())
    warnings = {(w.metric.slug, w.subject_key) for w in compute.early_warnings(measured)}
    assert ("nursing-leaver-rate", "org:RM9") in warnings
    assert ("health-checks", "place:E06000099") in warnings
    goal = Goal.objects.get(metric__slug="ae-4-hour", organisation__ods_code="RW9")
    ae = compute.judge_goal(goal, queries.series(goal.metric, goal.subject_key))
    assert len(ae.series.rebases) == 1
    assert {p.segment for p in ae.series.result.points} == {0, 1}
    assert ae.series.result.points[-1].mean > ae.series.result.points[0].mean + 4
    for goal in Goal.objects.filter(kind=Goal.Kind.LEVEL):  # each starts from its series
        assert goal.metric.measurements.filter(
            subject_key=goal.subject_key, period=goal.baseline_date, value=goal.baseline_value
        ).exists(), goal.statement


def test_demo_plan_has_a_widening_and_a_narrowing_gap(demo, db):
    from footprint.plans import compute, queries
    from footprint.plans.models import Goal

    trends = {}
    for goal in Goal.objects.filter(kind=Goal.Kind.GAP):
        view = compute.judge_goal(goal, queries.series(goal.metric, goal.subject_key, split=True))
        assert view.series.values[0] is not None, goal.statement
        trends[goal.metric.slug] = compute.gap_trend(view.series)
    assert trends == {
        "health-checks": compute.Trend.WIDENING,
        "flu-vaccination-65": compute.Trend.NARROWING,
    }


def test_measures_are_reported_as_often_as_the_real_ones(demo, db):
    from footprint.plans.models import Measurement

    def periods(slug: str) -> set[dt.date]:
        return set(Measurement.objects.filter(metric__slug=slug).values_list("period", flat=True))

    assert {p.month for p in periods("flu-vaccination-65")} == {9, 10, 11, 12, 1, 2}
    for slug in ("health-checks", "childhood-immunisation", "smoking-quits"):
        assert {p.month for p in periods(slug)} <= {1, 4, 7, 10}, slug
        assert len(periods(slug)) == 12, slug
    assert len(periods("ae-4-hour")) == 36


def test_counts_scale_with_the_trust_and_rolling_rates_are_rolling_sums(demo, db):
    from footprint.engine import workforce as wf
    from footprint.plans.models import Measurement
    from footprint.workforce.models import WorkforceReturn

    def mean(slug: str, code: str) -> float:
        return float(
            np.mean(
                Measurement.objects.filter(
                    metric__slug=slug, organisation__ods_code=code
                ).values_list("value", flat=True)
            )
        )

    for slug in ("delayed-discharges", "ae-12-hour-waits", "handover-delays"):
        ratio = mean(slug, "RM9") / mean(slug, "RW9")
        assert 0.25 < ratio < 0.45, slug  # Hallowdale has about a third of Wyvern's beds
    returns = list(
        WorkforceReturn.objects.filter(organisation__ods_code="RW9", staff_group="nurses")
    )
    rolling = wf.rolling_turnover([r.leavers for r in returns], [r.headcount for r in returns])
    plan = dict(
        Measurement.objects.filter(
            metric__slug="nursing-leaver-rate", organisation__ods_code="RW9"
        ).values_list("period", "value")
    )
    for r, rate in zip(returns, rolling, strict=True):
        if r.month in plan:
            assert plan[r.month] == pytest.approx(100 * rate, abs=0.05)
    steps = np.diff(
        list(
            Measurement.objects.filter(metric__slug="cyp-mh-access")
            .order_by("period")
            .values_list("value", flat=True)
        )
    )
    assert np.abs(steps).max() < 250  # a 12-month count of about 11,000 moves smoothly


def test_demo_decisions_tell_different_stories(demo, db):
    from footprint.decisions.models import Action, Decision, Escalation, Forum, Proposal

    assert Forum.objects.count() == 3 and demo["proposals"] >= 25
    states = set(Proposal.objects.values_list("status", flat=True))
    assert states == {"draft", "seeking_consent", "escalated", "deferred", "decided"}
    assert Escalation.objects.count() == 2
    outcomes = set(Decision.objects.values_list("outcome", flat=True))
    assert outcomes == {"approved", "rejected", "deferred"}
    deferred = Decision.objects.get(outcome="deferred")
    assert deferred.proposal.status == "deferred" and not deferred.option
    assert len(set(Decision.objects.values_list("option", flat=True))) >= 10
    assert Action.objects.values("owner").distinct().count() >= 6
    assert Proposal.objects.values("created_by").distinct().count() >= 6
    confidential = Proposal.objects.get(confidentiality="confidential")
    assert confidential.status == "decided" and confidential.publish_after > TODAY
    overdue = Action.objects.filter(done=False, due__lt=TODAY).count()
    assert 3 <= overdue <= 10


def test_demo_money_follows_activity_and_the_icb_buys_care(demo, db):
    from footprint.demand.models import Scenario
    from footprint.demo.finance import OUTSIDE_THE_MODEL, activity_value
    from footprint.finance.models import Contract, FinancialPlan

    year = Timeline(TODAY).financial_year
    plans = {
        p.organisation.ods_code: p
        for p in FinancialPlan.objects.filter(year=year).select_related("organisation")
    }
    residents = sum(p.total for p in Population.objects.filter(year=year))
    icb = plans["QW9"]
    assert 10 <= icb.pay_pence / 100 / residents <= 19  # pay is part of £19 a head
    assert icb.non_pay_pence > 0.98 * icb.expenditure_pence  # commissioning
    value, _ = activity_value(year)
    for code, (outside, _) in OUTSIDE_THE_MODEL.items():
        from_icb = plans[code].income["QW9"] / 100 / 1e6
        assert from_icb == pytest.approx(value[code] / (1 - outside), rel=0.001), code
        share = plans[code].pay_pence / plans[code].expenditure_pence
        assert 0.55 <= share <= 0.8, code
    ambulance = plans["RY9"].total_income_pence / 100 / 1e6
    assert 25 < ambulance < 60  # this system's share of a regional trust
    assert 0.15 <= AMBULANCE_SHARE <= 0.3
    for c in Contract.objects.all():
        assert c.price_pence == PRICES[c.service] * 100
    for s in Scenario.objects.all():
        assert s.parameters["capacity"]["unit_costs"] == {k: float(v) for k, v in PRICES.items()}


def test_demo_workforce_varies_by_staff_group_and_agency_shifts_add_up(demo, db):
    from footprint.workforce import compute
    from footprint.workforce.models import AgencyShift, WorkforceReturn

    concerns = [
        (s.organisation, s.staff_group_key)
        for s in compute.retention_signals()
        if s.variation.startswith("concern")
    ]
    assert concerns == [("RM9", "nurses")]
    since = AgencyShift.objects.aggregate(m=models.Min("date"))["m"]
    report = compute.agency_report(since)
    assert {e.agency for e in report.escalations} == {"Halcyon Locums"}
    assert report.breaches
    year = WorkforceReturn.objects.filter(month__gte=since)
    by_group: dict[str, list[float]] = defaultdict(lambda: [0.0] * 4)
    for r in year:
        for key in (r.staff_group, "all"):
            g = by_group[key]
            g[0] += r.agency_pence
            g[1] += r.pay_bill_pence
            g[2] += r.sickness_days_lost
            g[3] += r.days_available
    agency = {k: v[0] / v[1] for k, v in by_group.items()}
    sickness = {k: v[2] / v[3] for k, v in by_group.items()}
    assert 0.045 <= sickness["all"] <= 0.056
    assert sickness["support"] > sickness["nurses"] > sickness["all"] > sickness["doctors"]
    assert 0.015 <= agency["all"] <= 0.04
    assert agency["doctors"] > agency["nurses"] > agency["all"] > agency["infrastructure"]
    spent: dict[tuple[str, str, dt.date], int] = defaultdict(int)
    for s in AgencyShift.objects.select_related("organisation"):
        key = (s.organisation.ods_code, s.staff_group, s.date.replace(day=1))
        spent[key] += round(s.rate_pence * s.hours)
    for r in year.select_related("organisation"):
        assert r.agency_pence == spent[(r.organisation.ods_code, r.staff_group, r.month)]
