"""A member of the public reads the partnership's inequalities picture: the Core20 share, a
chart with its table by quintile and by ethnic group, only the PLUS groups made public, and a
published goal's figures by quintile with its gap and SII."""

import pytest
from playwright.sync_api import expect

from footprint.inequalities.models import PlusGroup
from tests.browser.conftest import check_accessibility
from tests.integration.test_inequalities_public_splits import published  # noqa: F401  (a fixture)
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
