"""The demo's daily returns: two years for the acute, community, NHS 111 and council members,
with the winter, the norovirus week, the week at OPEL 4 and the care-home closure visible in
them."""

import datetime as dt
import json
import time

import pytest

from footprint.demo.flow import build_flow
from footprint.demo.timeline import Timeline
from footprint.flow import compute, queries
from footprint.flow.models import NCTR_PATHWAYS, NCTR_REASONS, AidRequest, DailyReturn, OpelLevel
from footprint.partnership.models import Organisation, OrganisationKind

TODAY = dt.date(2026, 11, 30)


@pytest.fixture
def members(db):
    k = OrganisationKind
    for code, kind in (
        ("RW9", k.ACUTE_TRUST),
        ("RM9", k.ACUTE_TRUST),
        ("RX9", k.COMMUNITY_TRUST),
        ("RY9", k.AMBULANCE_TRUST),
        ("LA901", k.LOCAL_AUTHORITY),
        ("LA902", k.LOCAL_AUTHORITY),
    ):
        Organisation.objects.create(ods_code=code, name=f"Member {code}", kind=kind)


def test_the_demo_draws_two_years_of_returns_with_its_stories(members):
    started = time.perf_counter()
    made = build_flow(Timeline(TODAY))
    print(f"build_flow: {time.perf_counter() - started:.2f} s", made)
    assert made["daily_returns"] == 6 * 730 - 1  # Hallowdale Council is late today
    assert [o.ods_code for o in queries.missing_returns(TODAY)] == ["LA902"]
    assert DailyReturn.objects.filter(date__gt=TODAY).count() == 0
    history = queries.daily_history(TODAY - dt.timedelta(days=729), TODAY)
    rw9 = Organisation.objects.get(ods_code="RW9")
    days = {d.date: d for d in history[rw9.pk]}
    # Winter fuller than summer.
    january = [days[dt.date(2026, 1, d)] for d in range(15, 29)]
    july = [days[dt.date(2026, 7, d)] for d in range(1, 15)]

    def occupancy(ds):
        return sum(d.occupied / d.beds_open for d in ds) / len(ds)

    assert occupancy(january) > occupancy(july) + 0.04
    # The norovirus week closes beds at Wyvern.
    noro = days[dt.date(2025, 1, 16)].beds_open
    assert noro < days[dt.date(2025, 1, 30)].beds_open - 30
    # The week at OPEL 4: the system is at 4 that week.
    week = OpelLevel.objects.filter(
        organisation=None, date__range=(dt.date(2026, 1, 5), dt.date(2026, 1, 11))
    )
    assert {lvl.level for lvl in week} == {4}
    # NHS 111 (the ambulance trust) is a pillar of the system's score every day: at OPEL 4 in
    # that week, mostly at OPEL 1 in summer.
    assert all(
        set(lvl.points) == {"acute", "community", "mental_health", "nhs_111"} for lvl in week
    )
    nhs_111 = OpelLevel.objects.filter(organisation__ods_code="RY9")
    assert {
        lvl.level for lvl in nhs_111.filter(date__range=(dt.date(2026, 1, 5), dt.date(2026, 1, 11)))
    } == {4}
    summer = [
        lvl.level for lvl in nhs_111.filter(date__range=(dt.date(2026, 7, 1), dt.date(2026, 7, 31)))
    ]
    assert summer.count(1) > len(summer) / 2
    # The care-home closure: pathway-3 delays at Wyvern longer after it.
    figures = queries.returns_between(dt.date(2025, 7, 1), dt.date(2025, 12, 31), [rw9])
    before = [v["nctr_pathway_3"] for (o, d), v in figures.items() if d.month in (7, 8)]
    after = [v["nctr_pathway_3"] for (o, d), v in figures.items() if d.month in (11, 12)]
    assert sum(after) / len(after) > sum(before) / len(before) + 20
    # Every day's patients with no criteria to reside add up the same by pathway and by reason
    # (the returns' own check, walk 8 FL6).
    two_years = queries.returns_between(
        TODAY - dt.timedelta(days=729), TODAY, list(queries.acute_trusts())
    )
    assert two_years
    for v in two_years.values():
        pathways = sum(v[m] for m in NCTR_PATHWAYS if m in v)
        assert pathways == sum(v[m] for m in NCTR_REASONS if m in v)
    # The discharge pathways fitted from the last year give back the shares they were drawn
    # with, and pathway 3 (care homes) the longest delay.
    year = queries.returns_between(TODAY - dt.timedelta(days=364), TODAY, queries.acute_trusts())
    fit = compute.discharge_fit(year)[None]
    assert [p.share for p in fit.pathways] == pytest.approx([0.62, 0.25, 0.09, 0.04], abs=0.01)
    delays = [p.delay_days for p in fit.pathways]
    assert delays[3] == max(delays) and 2 < delays[3] < 20
    assert fit.length_of_stay is not None and 3 < fit.length_of_stay < 10


def test_the_system_page_says_what_changed_with_a_chart_and_table_for_each_series(
    members, admin_client
):
    build_flow(Timeline(TODAY))
    page = admin_client.get("/workspace/flow/system/?date=2026-01-07").content.decode()
    changed = page[page.index('id="what-changed"') :].split("</p>", 1)[0]
    # The week at OPEL 4: beds, handovers and delays all beyond the usual for a Wednesday.
    assert "On 7 January 2026, allowing for the day of the week," in changed
    assert "general and acute bed occupancy" in changed
    assert "mean ambulance handover time" in changed
    assert page.count('class="fp-chart"') == 10
    assert page.count("The figures in this chart") == 10
    assert "above the usual" in page and "for a Wednesday" in page
    # The NCTR tables: by pathway and by reason, with the week before.
    assert "Awaiting a care home" in page and "Pathway 3" in page


def test_the_system_page_tables_a_fortnight_and_offers_every_day_as_csv(members, admin_client):
    """The page was 1.17 MB with 932 table rows (91 days of ten series, and each chart's
    points five times over); now each table has the latest 14 days, each chart's points are
    given once, and every day of every series is in the CSV."""
    build_flow(Timeline(TODAY))
    page = admin_client.get(f"/workspace/flow/system/?date={TODAY.isoformat()}").content
    assert page.decode().count("<tr") <= 10 * 15 + 2 * 11
    assert len(page) < 300_000
    assert '"datasets"' in page.decode()
    # Each chart's points carry only what it draws, once for all its layers (walk FL3).
    specs = [
        json.loads(part.split(">", 1)[1].split("</script>", 1)[0])
        for part in page.decode().split('<script id="chart-')[1:]
    ]
    assert len(specs) == 10
    for spec in specs:
        points = [d for d in spec["datasets"].values() if "period" in d[0]]
        assert len(points) == 1 and len(points[0]) == 91
        assert set(points[0][0]) == {"period", "value", "mean", "lower", "upper", "verdict"}
    csv = admin_client.get(f"/workspace/flow/system/export/?date={TODAY.isoformat()}")
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Series,Unit,Day,Value,Usual for the weekday")
    assert lines[0].endswith(",Verdict,In the baseline")
    # The first six weeks are the baseline the limits come from, shaded on every chart.
    assert [line.rsplit(",", 1)[1] for line in lines[1:92]] == ["Yes"] * 42 + ["No"] * 49
    assert page.decode().count("Shaded: the baseline,") >= 10
    assert len(lines) == 1 + 10 * 91
    assert "General and acute bed occupancy" in lines[1]


def test_the_combined_trust_returns_two_years_of_mental_health_figures(members):
    """RX9 runs community and mental health services: one return a day with both sections,
    and an OPEL level for each. Its wards are fuller, more people are placed out of area and
    wait in ED in winter; section 136 holds are more common at weekends; its mental health
    level is at 4 in the week at OPEL 4 and mostly at 1 in summer."""
    build_flow(Timeline(TODAY))
    rx9 = Organisation.objects.get(ods_code="RX9")
    assert set(queries.kinds_of(rx9)) == {"community", "mental_health"}
    figures = queries.returns_between(TODAY - dt.timedelta(days=729), TODAY, [rx9])
    assert len(figures) == 730
    assert all("mh_beds_occupied" in v and "community_beds_open" in v for v in figures.values())

    def mean(measure, months, weekdays=range(7)):
        picked = [
            v[measure]
            for (_, d), v in figures.items()
            if d.month in months and d.weekday() in weekdays
        ]
        return sum(picked) / len(picked)

    winter, summer = (12, 1, 2), (6, 7, 8)
    occupancy_winter = mean("mh_beds_occupied", winter) / 150
    occupancy_summer = mean("mh_beds_occupied", summer) / 150
    assert 0.9 < occupancy_summer < 0.97 < occupancy_winter < 1.06
    assert mean("out_of_area", winter) > mean("out_of_area", summer) + 4
    assert mean("mh_ed_over_12_hours", winter) > mean("mh_ed_over_12_hours", summer) + 1
    assert mean("section_136", range(1, 13), (5, 6)) > mean("section_136", range(1, 13), (1, 2))
    mh = OpelLevel.objects.filter(organisation=rx9, kind="mental_health")
    community = OpelLevel.objects.filter(organisation=rx9, kind="community")
    assert mh.count() == community.count() == 730
    week = mh.filter(date__range=(dt.date(2026, 1, 5), dt.date(2026, 1, 11)))
    assert {lvl.level for lvl in week} == {4}
    july = [lvl.level for lvl in mh.filter(date__month=7)]
    assert july.count(1) > len(july) / 2


def test_the_demo_mutual_aid_log_has_entries_near_its_today(members):
    build_flow(Timeline(TODAY))
    recent = AidRequest.objects.filter(date__gte=TODAY - dt.timedelta(days=7))
    assert recent.count() >= 3
    assert set(recent.values_list("outcome", flat=True)) >= {"open", "partly"}
