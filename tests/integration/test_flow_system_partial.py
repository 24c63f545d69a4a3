"""The system page from partial returns (planted): two acute trusts report the same figures
every day for three weeks; on the day chosen Trust B made no return, and a week before it left
its pathway-3 delays out. A total of what arrived would halve the delays and read as an
improvement; instead the page gives no system figure for those cells, names Trust B, and the
SPC neither judges the day nor uses it for the limits."""

import datetime as dt
import io
from csv import reader

from django.utils import timezone

from footprint.flow import services

NOW = timezone.make_aware(dt.datetime(2026, 11, 30, 9, 0))
TODAY = dt.date(2026, 11, 30)
FIGURES = {
    "ga_beds_open": "500",
    "ga_beds_occupied": "450",
    "admissions": "60",
    "handovers": "100",
    "handover_mean_minutes": "20",
    "handovers_over_60": "3",
    "nctr_pathway_0": "10",
    "nctr_pathway_1": "30",
    "nctr_pathway_2": "8",
    "nctr_pathway_3": "12",
    "nctr_awaiting_home_care": "30",
    "nctr_awaiting_care_home": "12",
    "nctr_awaiting_other": "18",  # by reason, the same 60 patients as by pathway
}


def test_a_day_with_a_trust_missing_is_incomplete_not_an_improvement(client_for, cast, footprint):
    a, b = footprint["trust_a"], footprint["trust_b"]
    for back in range(21):
        day = TODAY - dt.timedelta(days=back)
        services.submit_return(organisation=a, day=day, figures=FIGURES, by=cast["pmo"], now=NOW)
        if back == 0:
            continue  # Trust B is missing today
        mine = dict(FIGURES)
        if back == 7:
            del mine["nctr_pathway_3"]  # a week before, B left its pathway-3 delays out
            del mine["nctr_awaiting_care_home"]  # (and those waiting for a care home)
        services.submit_return(organisation=b, day=day, figures=mine, by=cast["pmo"], now=NOW)
    page = client_for("viewer").get(f"/workspace/flow/system/?date={TODAY.isoformat()}")
    text = page.content.decode()
    assert "(1 of 2 returns expected on the day; none from Trust B Hospitals)" in text
    pathways = text[text.index('id="pathways"') : text.index('id="reasons"')]
    # Today: no total (not A's 30), naming B; a week before, pathway 1 in full: 60.
    assert pathways.count("Incomplete: no figure from Trust B Hospitals") == 5
    assert ">60<" in pathways and ">30<" not in pathways
    # Escalation beds: neither trust reports them, so there is no system figure on any day.
    assert "No system figure for this in these 91 days: on 91 of them an acute trust" in text
    reasons = text[text.index('id="reasons"') :]
    assert "Incomplete: no figure from Trust B Hospitals" in reasons
    assert (
        "Patients with no criteria to reside: no system figure for 30 November 2026, because "
        "Trust B Hospitals did not report it" in text
    )
    # The CSV of every series says the same: today and the pathway-3 day a week before are
    # incomplete, with no value; a full day is judged on the sum of both trusts.
    csv = client_for("viewer").get(f"/workspace/flow/system/export/?date={TODAY.isoformat()}")
    rows = list(reader(io.StringIO(csv.content.decode())))
    today = [r for r in rows if r[2] == "Mon 30 November 2026"]
    assert len(today) == 10 and all(
        r[3] == "–"
        and r[7].startswith("Incomplete, not judged: no figure from")
        and "Trust B Hospitals" in r[7]
        for r in today
    )
    pathway_3 = {r[2]: r for r in rows if r[0] == "No criteria to reside: pathway 3"}
    assert pathway_3["Mon 23 November 2026"][3] == "–"
    assert pathway_3["Mon 23 November 2026"][7] == (
        "Incomplete, not judged: no figure from Trust B Hospitals"
    )
    assert pathway_3["Tue 24 November 2026"][3] == "24"
    assert not pathway_3["Tue 24 November 2026"][7].startswith("Incomplete")
