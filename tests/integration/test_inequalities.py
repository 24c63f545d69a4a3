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
