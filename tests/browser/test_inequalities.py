"""A member of the public reads the partnership's inequalities picture: the Core20 share, a
chart with its table by quintile and by ethnic group, only the PLUS groups made public, and a
published goal's figures by quintile with its gap and SII."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from footprint.inequalities.models import PlusGroup
from tests.browser.conftest import check_accessibility
from tests.integration.test_inequalities_public_splits import (  # noqa: F401  (a fixture)
    TODAY,
    published,
)
from tests.integration.test_small_areas import small_areas  # noqa: F401  (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.public, pytest.mark.django_db(transaction=True)]


def test_the_public_reads_the_inequalities_picture(page, small_areas):  # noqa: F811
    PlusGroup.objects.create(name="Carers", who="Unpaid carers.", why="Survey.", public=True)
    PlusGroup.objects.create(name="Not yet public", who="x", why="y", public=False)
    page.goto("/inequalities/")
    expect(page.get_by_role("heading", name="Health inequalities", level=1)).to_be_visible()
    expect(page.get_by_text("2,639 of 4,732 residents (55.8%)")).to_be_visible()
    # The charts are drawn (vega-embed puts an SVG or canvas in each), each beside its table.
    for chart in ("#core20-chart", "#quintile-chart", "#ethnicity-chart"):
        expect(page.locator(f"{chart} svg, {chart} canvas").first).to_be_attached()
    table = page.get_by_role("table", name="Residents of Test Partnership by national")
    expect(table.get_by_role("row", name="Quintile 1 (most deprived)")).to_contain_text("2,639")
    expect(page.get_by_role("heading", name="Carers")).to_be_visible()
    expect(page.get_by_text("Not yet public")).to_have_count(0)
    check_accessibility(page)


def test_a_chart_axis_reads_counts_with_commas_not_exponents(page, small_areas):  # noqa: F811
    """The residents axis ticks every 500 up to 2,639 read "2,000", not "2e+3" (a bare ","
    format on ticks gives d3's significant-digit precision)."""
    page.goto("/inequalities/")
    chart = page.locator("#quintile-chart[data-chart-ready]")
    expect(chart).to_be_attached()
    labels = chart.locator(".role-axis-label text").all_text_contents()
    assert "2,000" in labels, labels
    assert not [t for t in labels if "e+" in t], labels


def test_the_bar_charts_draw_readable_bars_and_whole_titles(page, small_areas):  # noqa: F811
    """At every width, a phone's 390 px too, the longest bar of the quintile and ethnic-group
    charts takes at least two fifths of the chart's width (labels do not squeeze the plot to
    nothing), and each chart's title lies wholly inside the chart."""
    page.goto("/inequalities/")
    for chart_id in ("#quintile-chart", "#ethnicity-chart"):
        chart = page.locator(f"{chart_id}[data-chart-ready]")
        expect(chart).to_be_attached()
        box = chart.bounding_box()
        bars = chart.locator(".mark-rect.role-mark path")
        widest = max(bars.nth(i).bounding_box()["width"] for i in range(bars.count()))
        assert widest >= 0.4 * box["width"], (chart_id, widest, box["width"])
        for line in chart.locator(".role-title-text text, .role-title-text tspan").all():
            t = line.bounding_box()
            assert t["x"] >= box["x"] - 1 and t["x"] + t["width"] <= box["x"] + box["width"] + 1


def test_the_public_reads_a_published_goal_by_quintile(page, published):  # noqa: F811
    page.goto("/inequalities/")
    section = page.locator("#published-0")
    expect(
        section.get_by_role("heading", name="Four in five seen within four hours")
    ).to_be_visible()
    expect(section).to_contain_text("a gap of 18.0 percentage points")
    expect(page.locator("#published-0-chart svg, #published-0-chart canvas").first).to_be_attached()
    table = page.get_by_role("table", name="A&E within 4 hours by deprivation quintile")
    expect(table.get_by_role("row", name="Quintile 1 (most deprived)")).to_contain_text("52.0%")
    expect(section.locator(".fp-sii")).to_contain_text("22.0 percentage points")
    check_accessibility(page)


def test_the_public_reads_a_published_goal_by_ethnic_group(page, cast, footprint, plan):
    from footprint.plans import queries, services

    services.record_split_figures(
        metric=plan["metric"],
        subject=queries.SubjectRef(organisation=footprint["trust_a"]),
        period=dt.date(2025, 5, 1),
        breakdown="ethnic group",
        figures_by_group=[
            ("asian", 61.0, 500.0),
            ("black", 55.0, 500.0),
            ("mixed", 64.0, 500.0),
            ("white", 70.0, 500.0),
            ("other", 58.0, 500.0),
        ],
        by=cast["pmo"],
        today=TODAY,
    )
    services.publish_plan(plan=plan["plan"], by=cast["pmo"])
    page.goto("/inequalities/")
    section = page.locator("#published-ethnic-0")
    expect(section).to_contain_text("lowest for people of the Black, Black British")
    chart = page.locator("#published-ethnic-0-chart[data-chart-ready]")
    expect(chart).to_be_attached()
    bars = chart.locator(".mark-rect.role-mark path")
    widest = max(bars.nth(i).bounding_box()["width"] for i in range(bars.count()))
    assert widest >= 0.4 * chart.bounding_box()["width"]
    table = page.get_by_role("table", name="A&E within 4 hours by ethnic group, as published")
    expect(table.get_by_role("row", name="White")).to_contain_text("70.0%")
    check_accessibility(page)
