"""The demo's winter plan: its scenarios costed, one brought to a decision, and the staff the
escalation beds need, on the pages partners read."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from footprint.demo import generator
from footprint.winter import services
from footprint.winter.models import Scenario

TODAY = dt.date(2026, 11, 30)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast:
        made = generator.build(TODAY)
    yield made
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


def test_the_demo_schemes_are_costed_and_one_is_a_draft_proposal(demo, db, client):
    assert demo["winter_scenarios"] == 3 and demo["winter_proposals"] == 1
    more = Scenario.objects.get(name="More step-down beds and packages")
    d2a = Scenario.objects.get(name="Discharge to assess with virtual wards")
    # Two trusts × 120 days × (2 packages × £1,500 + 1 step-down placement × £2,800), less
    # any escalation beds the extra places save.
    assert 500_000 < services.extra_cost(more) <= 2 * 120 * (2 * 1500 + 2800)
    assert services.extra_cost(d2a) > 0 and d2a.other_cost == 180_000
    proposal = more.proposal
    assert proposal.status == "draft" and proposal.forum.name == "Partnership Board"
    assert proposal.value_pence == round(services.extra_cost(more) * 100)
    assert "bed days lost" in proposal.summary
    client.force_login(proposal.created_by)
    page = client.get(more.get_absolute_url()).content.decode()
    assert "Brought to a decision as" in page and "Staff for the escalation beds" in page


def test_the_demo_workforce_page_staffs_the_escalation_beds_open(demo, db, client):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="pmo"))
    page = client.get(reverse("workforce:escalation")).content.decode()
    assert "Staff for escalation beds" in page and "NICE guideline SG1" in page


def _returns_last_winter(organisation):
    """The demo's daily returns for ``organisation``: every day's figures over the two years,
    and those from last December to March."""
    from footprint.winter import queries

    days = queries.daily_returns(TODAY - dt.timedelta(days=729), TODAY, [organisation])
    history = queries.daily_history(TODAY - dt.timedelta(days=729), TODAY, [organisation])
    dates = [h.date for h in history[organisation.pk]]
    figures = days[organisation.pk]
    assert len(dates) == len(figures) == 730
    winter = [
        f
        for d, f in zip(dates, figures, strict=True)
        if d >= dt.date(TODAY.year - 1, 12, 1) and (d.month == 12 or d.month <= 3)
    ]
    return figures, winter


def test_the_demo_winter_plan_is_fitted_to_the_demo_returns_and_shows_a_winter_risk(demo, db):
    """The winter plan and the flow pages describe the same hospitals: each trust's beds are
    within 2 % of the median beds open its returns report and its admissions a day within
    2 % of their mean; the do-nothing run (stays fitted by Little's law, places short at
    the peak) fills within 10 % of the beds its returns show occupied last December to March.
    It shows a real risk of running over 92 % in some weeks, and each what-if lowers it."""
    import numpy as np

    from footprint.winter import queries

    plan = Scenario.objects.get(name="Do nothing").plan
    do_nothing, *what_ifs = queries.scenarios(plan)
    assert do_nothing.name == "Do nothing" and len(what_ifs) == 2
    base = queries.latest_run(do_nothing)
    for pi in queries.inputs(do_nothing):
        values = queries.values_of(pi)
        figures, winter = _returns_last_winter(pi.organisation)
        beds_open = np.median([f["ga_beds_open"] for f in figures])
        admissions = np.mean([f["admissions"] for f in figures])
        assert abs(values["beds"] / beds_open - 1) <= 0.02, (pi.organisation, values["beds"])
        assert abs(values["admissions_per_day"] / admissions - 1) <= 0.02
        fitted = set(values["fitted"]["inputs"])
        assert {"beds", "admissions_per_day", "stay_mean", "pathway_shares"} <= fitted
        code = pi.organisation.ods_code
        occupied = np.mean([f["ga_beds_occupied"] for f in winter])
        simulated = np.mean([d.mean for d in base.days.filter(provider=code)])
        assert abs(simulated / occupied - 1) <= 0.10, (code, simulated, occupied)
        risk = [w.p_over_92 for w in base.weeks.filter(provider=code)]
        assert max(risk) >= 0.3, (code, risk)
        assert risk.index(max(risk)) >= 4 and risk[-1] <= 0.7 * max(risk), (code, risk)
        for sc in what_ifs:
            lower = [w.p_over_92 for w in queries.latest_run(sc).weeks.filter(provider=code)]
            assert np.mean(lower) <= np.mean(risk) / 2, (sc.name, code)
