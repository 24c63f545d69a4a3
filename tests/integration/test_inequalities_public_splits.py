"""The public inequalities page shows the published goals' figures by deprivation quintile
(chart, table, the gap in a sentence, the SII) strictly as the plan's latest publication froze
them: nothing recorded or changed since appears until the plan is published again."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from footprint.plans import queries, services

TODAY = dt.date(2026, 11, 30)
URL = reverse("inequalities:public")


def quintiles(cast, metric, org, period, values):
    services.record_split_figures(
        metric=metric,
        subject=queries.SubjectRef(organisation=org),
        period=period,
        breakdown="quintile",
        figures_by_group=[(str(q), v, 2000.0) for q, v in enumerate(values, start=1)],
        by=cast["pmo"],
        today=TODAY,
    )


@pytest.fixture
def published(cast, footprint, plan):
    """The test plan's goal on four-hour waits at Trust A with April and May 2025 by quintile
    (quintile 1 at 50 then 52; quintiles 2 to 5 at 60, 65, 68, 70), published."""
    metric, org = plan["metric"], footprint["trust_a"]
    quintiles(cast, metric, org, dt.date(2025, 4, 1), [50, 60, 65, 68, 70])
    quintiles(cast, metric, org, dt.date(2025, 5, 1), [52, 60, 65, 68, 70])
    services.publish_plan(plan=plan["plan"], by=cast["pmo"])
    return plan


def test_nothing_by_quintile_until_the_plan_is_published(client, cast, footprint, plan):
    quintiles(cast, plan["metric"], footprint["trust_a"], dt.date(2025, 5, 1), [52, 60, 65, 68, 70])
    page = client.get(URL).content.decode()
    assert "We will publish figures for each area by how deprived" in page
    assert "Four in five seen within four hours" not in page and "52.0%" not in page


def test_the_published_figures_by_quintile_with_the_gap_and_sii(client, published):
    page = client.get(URL).content.decode()
    assert "Our goals, by how deprived people&#39;s areas are" in page or (
        "Our goals, by how deprived people's areas are" in page
    )
    assert "<h3>Four in five seen within four hours at Trust A</h3>" in page
    # The gap between the ends in May 2025: 52.0 % against 70.0 %, 18.0 points.
    assert (
        "In May 2025 the figure was 52.0% for people in the most deprived fifth of areas in "
        "England and 70.0% in the least deprived fifth: a gap of 18.0 percentage points."
    ) in page
    assert 'id="published-0-chart"' in page and 'id="published-0-table"' in page
    assert "A&amp;E within 4 hours by deprivation quintile, as published" in page
    # Equal numbers in each quintile put them at ranks 0.1 … 0.9; the slope of 52, 60, 65,
    # 68, 70 on those ranks is Σ(x − 0.5)y / Σ(x − 0.5)² = 8.8 / 0.4 = 22.0 points, published
    # as every gap in the plan is, the most deprived end less the least deprived: −22.0.
    assert re.search(r"Slope index of inequality, May 2025: <strong>(-|−)22.0 percentage", page)
    assert "the least deprived end stands 22.0 percentage points above the most deprived" in page


def test_a_figure_recorded_after_publishing_stays_off_the_page(client, cast, published):
    footprint_org = published["metric"].owner
    quintiles(cast, published["metric"], footprint_org, dt.date(2025, 6, 1), [40, 60, 65, 68, 90])
    page = client.get(URL).content.decode()
    assert "In May 2025 the figure was 52.0%" in page
    assert "June 2025" not in page and "Jun 2025" not in page and "90.0%" not in page
    services.publish_plan(plan=published["plan"], by=cast["pmo"])
    again = client.get(URL).content.decode()
    assert "In June 2025 the figure was 40.0%" in again and "a gap of 50.0 percentage" in again


def test_the_published_figures_by_ethnic_group_as_published(client, cast, footprint, plan):
    """May 2025 by ethnic group (Asian 61, Black 55, Mixed 64, White 70, Other 58), published:
    the page shows them in the Census's order with the lowest and highest in a sentence; a
    figure recorded after publishing stays off until the plan is published again."""
    metric, org = plan["metric"], footprint["trust_a"]

    def record(period, values):
        services.record_split_figures(
            metric=metric,
            subject=queries.SubjectRef(organisation=org),
            period=period,
            breakdown="ethnic group",
            figures_by_group=[
                (g, v, 500.0)
                for g, v in zip(["asian", "black", "mixed", "white", "other"], values, strict=True)
            ],
            by=cast["pmo"],
            today=TODAY,
        )

    record(dt.date(2025, 5, 1), [61, 55, 64, 70, 58])
    page = client.get(URL).content.decode()
    assert (
        "Our goals, by ethnic group" in page
        and "We will publish figures for each area by ethnic" in page
    )
    services.publish_plan(plan=plan["plan"], by=cast["pmo"])
    record(dt.date(2025, 6, 1), [10, 10, 10, 10, 99])
    page = client.get(URL).content.decode()
    assert 'id="published-ethnic-0-chart"' in page and 'id="published-ethnic-0-table"' in page
    assert "A&amp;E within 4 hours by ethnic group, as published" in page
    assert (
        "In May 2025 the figure was lowest for people of the Black, Black British, Black Welsh, "
        "Caribbean or African group (55.0%) and highest for the White group (70.0%)."
    ) in page
    assert "99.0%" not in page and "Jun 2025" not in page
    assert page.index("Asian, Asian British") < page.index("Other ethnic group")
