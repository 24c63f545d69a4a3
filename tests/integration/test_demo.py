"""The demo footprint: realistic in size and shape, the same every time, loaded once."""

import pytest
from django.core.management import call_command

from footprint.demo import generator
from footprint.partnership.models import Organisation, Population


@pytest.fixture
def demo(db):
    return generator.build()


def test_demo_is_a_rural_two_county_partnership_of_about_800000(demo):
    assert 750_000 <= demo["residents"] <= 850_000
    assert demo["places"] == 2
    assert 10 <= demo["neighbourhoods"] <= 14
    assert 75 <= demo["practices"] <= 85
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


def test_demo_population_is_older_than_england_and_projected_five_years(demo):
    from footprint.partnership import compute

    base = compute.population(2025)
    assert base is not None
    # England is about 19 % aged 65+, median age about 40; rural counties are older.
    assert 0.21 <= base.summary.share_65_plus <= 0.30
    assert 42 <= base.summary.median_age <= 48
    years = sorted(set(Population.objects.values_list("year", flat=True)))
    assert years == [2025, 2026, 2027, 2028, 2029, 2030]
    later = compute.population(2030)
    assert later is not None
    growth = later.summary.total / base.summary.total - 1
    assert 0.0 < growth < 0.05  # modest growth, as ONS projects for rural counties
    assert later.summary.aged_85_plus > base.summary.aged_85_plus


def test_demo_is_deterministic(db):
    from django.db import transaction

    def snapshot():
        with transaction.atomic():
            made = generator.build()
            counts = list(
                Population.objects.order_by("neighbourhood__code", "year", "sex").values_list(
                    "counts", flat=True
                )
            )
            names = list(Organisation.objects.order_by("ods_code").values_list("name", flat=True))
            transaction.set_rollback(True)
        return made, counts, names

    assert snapshot() == snapshot()


def test_load_demo_is_idempotent_and_prints_the_logins(db, capsys):
    call_command("load_demo")
    first = capsys.readouterr().out
    assert "Loaded the demo footprint" in first and generator.DEMO_PASSWORD in first
    call_command("load_demo")
    second = capsys.readouterr().out
    assert "already loaded" in second
    assert Organisation.objects.filter(ods_code="RW9").count() == 1


def test_every_demo_user_can_log_in_and_has_their_role(demo, client):
    for username, *_ in generator.USERS:
        response = client.post(
            "/login/", {"username": username, "password": generator.DEMO_PASSWORD}
        )
        assert response.status_code == 302, username
        assert client.get("/workspace/").status_code == 200
        client.post("/logout/")


def test_demo_plan_has_its_planted_special_causes(demo):
    from footprint.plans import compute
    from footprint.plans.models import Goal, Metric

    assert 20 <= demo["goals"] <= 30 and 35 <= demo["metrics"] <= 45
    assert Goal.objects.values("priority").distinct().count() == 6
    warnings = {
        (w.metric.slug, w.subject_key) for w in compute.early_warnings(Metric.objects.all())
    }
    assert ("nursing-leaver-rate", "org:RM9") in warnings
    assert ("health-checks", "place:E06000099") in warnings
    ae = compute.judge_goal(
        Goal.objects.get(metric__slug="ae-4-hour", organisation__ods_code="RW9")
    )
    assert len(ae.series.rebases) == 1
    assert {p.segment for p in ae.series.result.points} == {0, 1}
    assert ae.series.result.points[-1].mean > ae.series.result.points[0].mean + 4


def test_demo_decisions_cover_every_state(demo):
    from footprint.decisions.models import Decision, Escalation, Forum, Proposal

    assert Forum.objects.count() == 3 and demo["proposals"] == 30
    states = set(Proposal.objects.values_list("status", flat=True))
    assert states == {"draft", "seeking_consent", "escalated", "decided"}
    assert Escalation.objects.count() == 1
    confidential = Proposal.objects.get(confidentiality="confidential")
    assert confidential.status == "decided" and confidential.publish_after.year == 2026
    assert Decision.objects.count() >= 20


def test_demo_workforce_warns_about_marches_nurses_and_one_agency(demo):
    import datetime as dt

    from footprint.workforce import compute

    concerns = [
        (s.organisation, s.staff_group_key)
        for s in compute.retention_signals()
        if s.variation.startswith("concern")
    ]
    assert concerns == [("RM9", "nurses")]
    report = compute.agency_report(dt.date(2024, 10, 1))
    assert {e.agency for e in report.escalations} == {"Premier Locums"}
    assert report.breaches
