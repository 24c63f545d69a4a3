"""The inequalities pages: the partnership's picture by place, Core20PLUS5 with its clinical
areas, and the SII of a clinical area's figures by quintile checked by hand."""

import pytest
from django.urls import reverse

from footprint.inequalities import compute, services
from footprint.inequalities.models import ClinicalAreaMetric
from footprint.plans.models import Metric
from tests.integration.test_small_areas import small_areas  # noqa: F401  (a fixture)


def test_the_picture_shows_each_place_and_the_whole_partnership(client_for, small_areas):  # noqa: F811
    page = client_for("viewer").get(reverse("inequalities:overview")).content.decode()
    assert "2,639 of 4,732 residents (55.8%)" in page
    # Walk 8 IN1: Core20 is counted by small area, not by Footprint's own neighbourhoods
    assert "live in small areas (LSOAs) among the most deprived fifth of small areas" in page
    assert "fifth of neighbourhoods" not in page
    assert "Residents by national deprivation quintile, by place, 2025" in page
    assert "Northshire" in page and "Southshire" in page and "Test Partnership" in page


def test_core20plus5_lists_ten_clinical_areas_without_figures_yet(client_for, small_areas):  # noqa: F811
    page = client_for("pmo").get(reverse("inequalities:core20plus5")).content.decode()
    for name in ("Maternity", "Severe mental illness", "Early cancer diagnosis", "Epilepsy"):
        assert name in page
    assert page.count("No figures by quintile supplied yet") == 10
    assert "Choose the metric" in page and "Add a PLUS group" in page
    viewer = client_for("viewer").get(reverse("inequalities:core20plus5")).content.decode()
    assert "Choose the metric" not in viewer and "Add a PLUS group" not in viewer


def test_choosing_a_metric_for_a_clinical_area(client_for, cast, footprint):
    metric = Metric.objects.create(
        name="Hypertension treated to target",
        slug="htn",
        unit="%",
        improvement="up",
        definition="x",
        data_source="CVDPREVENT",
        owner=footprint["trust_a"],
        next_review="2027-06-01",
    )
    client = client_for("pmo")
    url = reverse("inequalities:clinical_area_edit", args=["hypertension"])
    assert "Hypertension treated to target" in client.get(url).content.decode()
    client.post(url, {"metric": str(metric.pk)})
    assert ClinicalAreaMetric.objects.get(area="hypertension").metric == metric
    page = client.get(reverse("inequalities:core20plus5")).content.decode()
    assert "Tracked by the plan metric" in page and "Hypertension treated to target" in page
    services.choose_metric(area="hypertension", metric=None, by=cast["pmo"])
    assert ClinicalAreaMetric.objects.get(area="hypertension").metric is None


def test_the_sii_of_a_straight_line_is_its_slope_across_the_range():
    # Equal populations: relative ranks 0.1, 0.3, 0.5, 0.7, 0.9. Values on the line
    # 50 + 20 × rank: 52, 56, 60, 64, 68; the SII is the slope, 20, and the gap 52 − 68 = −16.
    # RII = fitted(1) / fitted(0) = 70 / 50 = 1.4.
    g = compute.gradient({1: 52, 2: 56, 3: 60, 4: 64, 5: 68}, {q: 1000 for q in range(1, 6)})
    assert g is not None
    assert g.sii == pytest.approx(20) and g.gap == pytest.approx(-16)
    assert g.rii == pytest.approx(1.4) and g.interval is None
    assert compute.gradient({1: 52, 2: 56, 3: 60, 4: 64}, {q: 1000 for q in range(1, 6)}) is None
    assert compute.gradient({q: 1.0 for q in range(1, 6)}, {1: 0, 2: 1, 3: 1, 4: 1, 5: 1}) is None


def test_a_percentage_with_its_denominators_gets_an_interval():
    g = compute.gradient(
        {1: 52, 2: 56, 3: 60, 4: 64, 5: 68},
        {q: 1 for q in range(1, 6)},
        unit="%",
        denominators={q: 1000.0 for q in range(1, 6)},
    )
    assert g is not None and g.sii == pytest.approx(20) and g.gap == pytest.approx(-16)
    assert g.interval is not None
    lower, upper = g.interval
    # By hand, near enough: each quintile's standard error is √(p(1−p)/1000), about 1.5
    # points; the slope weights them by cᵢ = (bᵢ − 0.5) / 0.08 (ranks bᵢ 0.1 … 0.9), so the
    # SII's standard error is √Σcᵢ²seᵢ² = 2.42 points and its 95 % interval 20 ± 4.75. The
    # simulation on the logit scale agrees to a few hundredths.
    assert lower == pytest.approx(20 - 4.75, abs=0.3) and upper == pytest.approx(20 + 4.75, abs=0.3)
    assert g.populations == {q: 1000.0 for q in range(1, 6)}


def test_a_clinical_areas_figures_by_quintile_and_sii_on_the_page(client_for, cast, footprint):
    from footprint.plans.models import Measurement

    metric = Metric.objects.create(
        name="Flu vaccination, aged 65 and over",
        slug="flu",
        unit="%",
        improvement="up",
        definition="x",
        data_source="ImmForm",
        owner=footprint["trust_a"],
        next_review="2027-06-01",
    )
    for period, shift in (("2026-09-01", 0), ("2026-10-01", 1)):
        for q, v in enumerate([52, 56, 60, 64, 68], start=1):
            Measurement.objects.create(
                metric=metric,
                period=period,
                breakdown="imd_quintile",
                category=str(q),
                value=v + shift,
                population=1000,
            )
    services.choose_metric(area="respiratory", metric=metric, by=cast["pmo"])
    page = client_for("viewer").get(reverse("inequalities:core20plus5")).content.decode()
    assert "by deprivation quintile, 1 October 2026" in page
    # OHID's SII is 20.0 (least deprived above); the page reads it as every gap in the plan
    # is, the most deprived less the least deprived, so beside the -16.0 gap it is -20.0.
    assert "the most deprived end less the least deprived): <strong>-20.0</strong> (%)" in page
    assert "the least deprived end stands 20.0 above the most deprived" in page
    assert "The most deprived quintile less the least deprived: -16.0" in page
    assert "95 % interval of the slope index" in page
    assert page.count("No figures by quintile supplied yet") == 9


def test_the_programme_office_adds_and_changes_a_plus_group_on_its_pages(client_for, footprint):
    from footprint.inequalities.models import PlusGroup

    client = client_for("pmo")
    add = reverse("inequalities:plus_group_add")
    refused = client.post(add, {"name": "", "who": "x", "why": "y", "order": "1"})
    assert "Enter" in refused.content.decode() or "required" in refused.content.decode()
    assert not PlusGroup.objects.exists()
    client.post(add, {"name": "Carers", "who": "Unpaid carers.", "why": "Survey.", "order": "1"})
    group = PlusGroup.objects.get()
    assert (group.name, group.public) == ("Carers", False)
    edit = reverse("inequalities:plus_group_edit", args=[group.pk])
    client.post(
        edit,
        {
            "name": "Young carers",
            "who": "Under 18.",
            "why": "Survey.",
            "order": "1",
            "public": "on",
        },
    )
    group.refresh_from_db()
    assert (group.name, group.public) == ("Young carers", True)
    page = client.get(reverse("inequalities:core20plus5")).content.decode()
    assert "Young carers" in page and "Under 18." in page


def test_a_plus_groups_text_is_limited_in_the_form_and_the_service(client_for, cast, footprint):
    from django.core.exceptions import ValidationError

    from footprint.inequalities.models import PlusGroup

    add = reverse("inequalities:plus_group_add")
    long = "x" * 100_000
    page = client_for("pmo").post(
        add, {"name": "Carers", "who": long, "why": "Survey.", "order": "1"}
    )
    assert "Who is in the group must be 500 characters or fewer" in page.content.decode()
    page = client_for("pmo").post(
        add, {"name": "Carers", "who": "Unpaid carers.", "why": long, "order": "1"}
    )
    assert "Why the partnership chose it must be 1,000 characters or fewer" in (
        page.content.decode()
    )
    with pytest.raises(ValidationError):
        services.add_plus_group(
            data={"name": "Carers", "who": "x" * 501, "why": "y", "order": 1}, by=cast["pmo"]
        )
    assert not PlusGroup.objects.exists()
    services.add_plus_group(
        data={"name": "Carers", "who": "x" * 500, "why": "y" * 1000, "order": 1}, by=cast["pmo"]
    )
    assert PlusGroup.objects.get().who == "x" * 500
    PlusGroup.objects.update(public=True)
    public = client_for("public").get(reverse("inequalities:public")).content.decode()
    assert '<ul class="nhsuk-list nhsuk-u-text-break-word">' in public and "x" * 500 in public


def test_a_double_submitted_plus_group_is_added_once_and_said_once(client_for, footprint):
    from footprint.inequalities.models import PlusGroup

    client = client_for("pmo")
    add = reverse("inequalities:plus_group_add")
    data = {"name": "Carers", "who": "Unpaid carers.", "why": "Survey.", "order": "1"}
    client.post(add, data)
    page = client.post(add, data, follow=True).content.decode()
    assert PlusGroup.objects.count() == 1
    assert page.count("Carers added to the PLUS groups") == 1
    assert "already" not in page
    # A different group under a name already taken is refused, saying so.
    page = client.post(add, {**data, "who": "Someone else."}).content.decode()
    assert "There is already a PLUS group called Carers" in page
    assert PlusGroup.objects.count() == 1
