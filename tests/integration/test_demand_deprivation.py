"""Demand by deprivation: records that carry their small area (or a decile or quintile), a
run's activity, bed days, beds and cost by quintile, and each scheme's part in each."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from footprint.core.models import Job
from footprint.demand.models import ActivityCell, Baseline
from footprint.partnership.models import Neighbourhood, SmallArea, SmallAreaPopulation

HEADER = "provider,pod,neighbourhood,sex,age,los,small_area,imd_decile,imd_quintile\n"


def upload(client, content: str, name: str = "records.csv", kind: str = "records"):
    return client.post(
        reverse("demand:import"),
        {
            "name": "Activity by area",
            "base_year": 2025,
            "kind": kind,
            "source": "",
            "file": SimpleUploadedFile(name, content.encode()),
        },
    )


@pytest.fixture
def areas(footprint):
    """Two small areas in N1 (deciles 1 and 10: quintiles 1 and 5) and one in N2 with no
    decile, each with 500 women and 500 men in 2025 (1,000 residents)."""
    made = {}
    for code, hood, decile in (
        ("E01000001", "N1", 1),
        ("E01000002", "N1", 10),
        ("E01000003", "N2", None),
    ):
        area = SmallArea.objects.create(
            code=code, neighbourhood=Neighbourhood.objects.get(code=hood), imd_decile=decile
        )
        for sex in "FM":
            bands = [0] * 19
            bands[15] = 500  # all aged 75–79
            SmallAreaPopulation.objects.create(
                small_area=area, year=2025, sex=sex, bands=bands, total=500
            )
        made[code] = area
    return made


def test_records_take_their_quintile_from_their_small_area_or_decile(client_for, areas):
    rows = (
        "RA1,ip_emergency,N1,F,80,3,E01000001,,\n" * 6  # quintile 1 from its small area
        + "RA1,ip_emergency,N1,F,80,3,e01000002,,\n" * 2  # quintile 5 (code in lower case)
        + "RA1,ip_emergency,N1,F,80,3,,4,\n" * 3  # decile 4: quintile 2
        + "RA1,ip_emergency,N1,F,80,3,,,3\n"  # quintile 3 given
        + "RA1,ip_emergency,N2,F,80,3,E01000003,,\n"  # a small area with no decile
        + "RA1,ip_emergency,N2,F,80,3,,,\n" * 2  # none: the neighbourhood's
    )
    assert upload(client_for("pmo"), HEADER + rows).status_code == 302
    baseline = Baseline.objects.get()
    assert baseline.records == 15
    assert baseline.records_without_deprivation == 3
    counts = {
        q: sum(ActivityCell.objects.filter(quintile=q).values_list("count", flat=True))
        for q in range(6)
    }
    assert counts == {0: 3, 1: 6, 2: 3, 3: 1, 4: 0, 5: 2}
    page = client_for("pmo").get(baseline.get_absolute_url()).content.decode()
    assert "3 of the 15 records gave no small area or deprivation decile" in page


def test_a_bad_small_area_or_decile_is_refused_by_row_and_field(client_for, areas):
    rows = (
        "RA1,ip_emergency,N1,F,80,3,E01000001,,\n"
        "RA1,ip_emergency,N1,F,80,3,E09999999,,\n"  # not the partnership's
        "RA1,ip_emergency,N2,F,80,3,E01000001,,\n"  # in N1, not N2
        "RA1,ip_emergency,N1,F,80,3,,11,\n"
        "RA1,ip_emergency,N1,F,80,3,,,0\n"
        "RA1,ip_emergency,N1,F,80,3,E01000001,9,\n"  # decile 9 against the area's 1
        "RA1,ip_emergency,N1,F,80,3,,3,4\n"  # decile 3 is quintile 2, not 4
    )
    upload(client_for("pmo"), HEADER + rows, "bad.csv")
    job = Job.objects.get(kind="import:demand")
    assert job.status == Job.Status.FAILED
    assert job.errors == [
        "bad.csv, row 3, column 'small_area': not a small-area (LSOA 2021) code of the "
        "partnership's small areas",
        "bad.csv, row 4, column 'small_area': this small area lies in another neighbourhood "
        "than the row's",
        "bad.csv, row 5, column 'imd_decile': must be a whole number from 1 (the most deprived "
        "10 % in England) to 10, or empty",
        "bad.csv, row 6, column 'imd_quintile': must be a whole number from 1 (the most "
        "deprived 20 % in England) to 5, or empty",
        "bad.csv, row 7, column 'imd_decile': disagrees with the national decile of the row's "
        "small area",
        "bad.csv, row 8, column 'imd_quintile': disagrees with the quintile of the row's small "
        "area or decile",
    ]
    assert not Baseline.objects.exists() and not ActivityCell.objects.exists()


def test_aggregated_counts_may_carry_a_quintile_too(client_for, areas):
    content = (
        "provider,pod,neighbourhood,sex,age,count,lsoa\n"
        "RA1,ae,N1,F,30,40,E01000001\n"
        "RA1,ae,N1,F,30,10,\n"
    )
    assert upload(client_for("pmo"), content, "agg.csv", "aggregated").status_code == 302
    cells = dict(ActivityCell.objects.values_list("quintile", "count"))
    assert cells == {1: 40.0, 0: 10.0}
    assert Baseline.objects.get().records_without_deprivation == 1
