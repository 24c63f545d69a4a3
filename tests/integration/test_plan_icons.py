"""The Making Data Count verdicts as icons on the plan's pages, and a series too short to judge.

The ``plan`` fixture's goal: 24 months of A&E figures for Trust A (higher is better) ending in
eight low months, a special-cause concern (low); its target of 80 % is above the upper limit,
so the process will not meet it without change (assurance: fail).
"""

import datetime as dt
import json
import re

from django.urls import reverse

from footprint.plans import services
from footprint.plans.models import Goal, Measurement, Metric, Rebase

CONCERN_LOW = 'aria-label="Special cause concern: unusually low, which is bad"'
FAIL = 'aria-label="Assurance: the target will consistently be missed'


def spec_of(page: str) -> dict:
    match = re.search(r'<script id="spc-spec" type="application/json">(.*?)</script>', page, re.S)
    assert match, "the page has no SPC chart"
    return json.loads(match.group(1))


def icon(page: str, name: str) -> str:
    match = re.search(rf'<svg[^>]*data-icon="{name}"[^>]*>.*?</svg>', page, re.S)
    assert match, f"no {name} icon"
    return match.group(0)


def key_of(page: str) -> str:
    """The key to the symbols, in words."""
    match = re.search(r'<ul class="nhsuk-list" id="icon-key">(.*?)</ul>', page, re.S)
    assert match, "no key to the symbols"
    return match.group(1)


def test_the_goal_page_draws_both_icons_with_their_meaning(client_for, plan):
    page = client_for("viewer").get(reverse("plans:goal", args=[plan["goal"].pk])).content.decode()
    variation = icon(page, "variation-concern_low")
    assert 'role="img"' in variation and CONCERN_LOW in variation
    assert "<title>Special cause concern: unusually low, which is bad</title>" in variation
    assert ">L</text>" in variation and 'fill="#ed8b00"' in variation
    assurance = icon(page, "assurance-fail")
    assert FAIL in assurance and ">F</text>" in assurance
    assert 'id="icon-key"' in page
    assert "nhsuk-tag--orange" not in page  # no more text tags for the verdicts


def test_the_overview_early_warning_and_series_pages_use_the_icons(client_for, plan):
    client = client_for("viewer")
    overview = client.get(reverse("plans:overview")).content.decode()
    assert CONCERN_LOW in icon(overview, "variation-concern_low")
    assert FAIL in icon(overview, "assurance-fail")
    warnings = client.get(reverse("plans:early_warning")).content.decode()
    assert CONCERN_LOW in icon(warnings, "variation-concern_low")
    series = client.get(
        reverse("plans:metric_series", args=["ae-4-hour", "org:RA1"])
    ).content.decode()
    assert CONCERN_LOW in icon(series, "variation-concern_low")
    for page in (overview, warnings, series):
        assert "Special cause concern: unusually low, which is bad" in key_of(page)
    assert "Assurance: the target will consistently be met" in key_of(overview)
    assert "Assurance:" not in key_of(warnings) + key_of(series)  # no targets there


def test_the_public_page_shows_the_icons_in_words_too(client, cast, plan):
    services.publish_plan(plan=plan["plan"], by=cast["pmo"])
    page = client.get(reverse("plans:public")).content.decode()
    assert CONCERN_LOW in icon(page, "variation-concern_low")
    assert FAIL in icon(page, "assurance-fail")
    assert "What the symbols mean" in page
    assert "Common cause variation: nothing unusual is happening" in key_of(page)


def test_the_spc_chart_colours_a_concern_orange_and_labels_the_target(client_for, plan):
    page = client_for("viewer").get(reverse("plans:goal", args=[plan["goal"].pk])).content.decode()
    spec = json.dumps(spec_of(page))
    assert '"Target 80.0%"' in spec and '"utcyearmonth"' in spec and '"Month"' in spec
    assert '"A&E within 4 hours (%)"' in spec


def test_four_points_are_too_few_to_judge(client_for, plan, footprint):
    metric = Metric.objects.create(
        slug="new-measure",
        name="A new measure",
        unit="%",
        improvement="increase",
        definition="New.",
        data_source="Test",
        owner=footprint["trust_a"],
        next_review=dt.date(2026, 1, 1),
    )
    for i, v in enumerate([70.0, 72.0, 66.0, 66.0]):
        Measurement.objects.create(
            metric=metric,
            organisation=footprint["trust_a"],
            period=dt.date(2025, 1 + i, 1),
            value=v,
        )
    goal = Goal.objects.create(
        priority=plan["priority"],
        statement="A new goal",
        metric=metric,
        organisation=footprint["trust_a"],
        owner=footprint["trust_a"],
        baseline_value=70.0,
        baseline_date=dt.date(2025, 1, 1),
        target_value=75.0,
        target_date=dt.date(2026, 3, 1),
    )
    page = client_for("viewer").get(reverse("plans:goal", args=[goal.pk])).content.decode()
    assert "There are too few points to judge: 4 months of figures" in page
    assert "limits need at least 12" in page
    assert "most months should fall between" not in page
    assert 'data-icon="variation-too_few_points"' in page
    assert 'data-icon="assurance-' not in page
    assert "No assurance: too few points to judge" in page
    spec = spec_of(page)
    limits = [
        layer
        for layer in spec["layer"]
        if layer.get("encoding", {}).get("y", {}).get("field") in {"mean", "upper", "lower"}
    ]
    assert limits and all(layer["data"]["values"] == [] for layer in limits)
    assert "Too few points to judge" in json.dumps(spec)
    overview = client_for("viewer").get(reverse("plans:overview")).content.decode()
    assert "Too few points to judge" in overview  # a row of the summary matrix


def test_a_rebase_is_marked_and_a_short_new_segment_is_too_few_to_judge(client_for, plan):
    Rebase.objects.create(
        metric=plan["metric"],
        organisation=plan["goal"].organisation,
        period=dt.date(2024, 12, 1),
        reason="New triage model",
    )
    page = client_for("viewer").get(reverse("plans:goal", args=[plan["goal"].pk])).content.decode()
    assert "4 months of figures since the limits were last recalculated" in page
    spec = json.dumps(spec_of(page))
    assert '"Limits recalculated"' in spec and '"2024-12-01"' in spec
    assert 'data-icon="assurance-' not in page


def test_the_key_says_each_symbol_in_the_verdicts_own_words(client_for, plan):
    from footprint.engine.spc import Assurance, Variation

    page = client_for("viewer").get(reverse("plans:goal", args=[plan["goal"].pk])).content.decode()
    key = key_of(page)
    for variation in Variation:
        assert variation.label in key
        assert f'data-key-icon="variation-{variation}"' in key
    for verdict in Assurance:
        assert f"Assurance: {verdict.label}" in key
    # The same words name the icons beside the goal.
    assert f'aria-label="{Variation.CONCERN_LOW.label}"' in icon(page, "variation-concern_low")
