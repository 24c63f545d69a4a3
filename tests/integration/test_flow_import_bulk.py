"""A CSV of many daily returns (probe F1c): the levels are recomputed in bulk, in a few queries
however many rows, and come out as they do when the same returns are made one at a time;
a file with one bad row saves nothing."""

import datetime as dt
import random

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from footprint.core.imports import ImportRejected
from footprint.core.models import AuditEvent
from footprint.flow import importers, services
from footprint.flow.models import DailyReturn, LevelChange, OnCallContact, OpelLevel, ReturnValue

NOW = timezone.make_aware(dt.datetime(2026, 11, 30, 9, 0))
TODAY = dt.date(2026, 11, 30)
HEADER = "ODS code,Date,ga_beds_open,ga_beds_occupied,handover_mean_minutes,four_hour_percent"


def rows_for(codes, days, seed=7):
    """Figures that cross the OPEL thresholds often, with some days missing."""
    rng = random.Random(seed)
    out = []
    for day in days:
        for code in codes:
            if rng.random() < 0.15:
                continue
            out.append(
                (
                    code,
                    day,
                    {
                        "ga_beds_open": "500",
                        "ga_beds_occupied": str(rng.randint(430, 499)),
                        "handover_mean_minutes": str(rng.randint(5, 60)),
                        "four_hour_percent": str(rng.randint(55, 90)),
                    },
                )
            )
    return out


def csv_of(rows):
    lines = [HEADER] + [
        f"{code},{day},{f['ga_beds_open']},{f['ga_beds_occupied']},"
        f"{f['handover_mean_minutes']},{f['four_hour_percent']}"
        for code, day, f in rows
    ]
    return ("\n".join(lines) + "\n").encode()


def import_csv(data, by, filename="returns.csv"):
    rows, problems = importers.read_problems(data, filename)
    return services.import_returns(rows=rows, filename=filename, by=by, now=NOW, problems=problems)


def levels():
    return sorted(
        (
            lvl.organisation_id or 0,
            lvl.kind,
            lvl.date,
            lvl.level,
            round(lvl.score, 9),
            str(lvl.points),
        )
        for lvl in OpelLevel.objects.all()
    )


def provider_changes():
    return sorted(
        (c.organisation_id, c.kind, c.date, c.from_level, c.to_level, tuple(c.told))
        for c in LevelChange.objects.exclude(organisation=None)
    )


def test_an_import_gives_the_levels_of_the_same_returns_made_one_at_a_time(
    cast, footprint, django_capture_on_commit_callbacks
):
    OnCallContact.objects.create(name="Trust A on call", email="oncall@trust-a.example")
    days = [TODAY - dt.timedelta(days=n) for n in range(44, -1, -1)]
    rows = rows_for(["RA1", "RB1"], days)
    with django_capture_on_commit_callbacks(execute=True):
        result = import_csv(csv_of(rows), cast["pmo"])
    assert result["returns"] == len(rows)
    by_import, changes_by_import = levels(), provider_changes()
    mails_by_import = sorted(m.subject for m in mail.outbox)
    system_days = {d for _, kind, d, *_ in by_import if not kind}
    assert system_days == {day for _, day, _ in rows}  # every day with a return has one
    assert len({lvl for *_, lvl, _, _ in by_import}) >= 3  # the levels do change
    assert any(told for *_, told in changes_by_import)  # a recent change is told

    DailyReturn.objects.all().delete()
    OpelLevel.objects.all().delete()
    LevelChange.objects.all().delete()
    mail.outbox.clear()
    orgs = {"RA1": footprint["trust_a"], "RB1": footprint["trust_b"]}
    with django_capture_on_commit_callbacks(execute=True):
        for code, day, figures in rows:
            services.submit_return(
                organisation=orgs[code], day=day, figures=figures, by=cast["pmo"], now=NOW
            )
    assert levels() == by_import
    # The providers' changes (and whom they were told to) are the same. The system's are not
    # compared: made one at a time, a day's system level changes once a trust has reported
    # and again when the other does, where the import sees the day whole.
    assert provider_changes() == changes_by_import
    assert [s for s in sorted(m.subject for m in mail.outbox) if "system" not in s] == [
        s for s in mails_by_import if "system" not in s
    ]


def test_an_import_of_old_days_tells_no_one(cast, footprint, django_capture_on_commit_callbacks):
    OnCallContact.objects.create(name="System on call", email="oncall@ics.example")
    days = [dt.date(2026, 1, 1) + dt.timedelta(days=n) for n in range(60)]
    with django_capture_on_commit_callbacks(execute=True):
        import_csv(csv_of(rows_for(["RA1"], days)), cast["pmo"])
    assert LevelChange.objects.count() > 5
    assert not LevelChange.objects.exclude(told=[]).exists()
    assert mail.outbox == []


def test_the_queries_of_an_import_do_not_grow_with_its_rows(cast, footprint):
    def queries_for(first, count):
        days = [first + dt.timedelta(days=n) for n in range(count)]
        rows = [
            (
                "RA1",
                d,
                {
                    "ga_beds_open": "500",
                    "ga_beds_occupied": str(440 + 9 * (i % 7)),
                    "handover_mean_minutes": "20",
                    "four_hour_percent": "80",
                },
            )
            for i, d in enumerate(days)
        ]
        with CaptureQueriesContext(connection) as captured:
            import_csv(csv_of(rows), cast["pmo"])
        return len(captured)

    queries_for(dt.date(2025, 1, 1), 5)  # so that both find a level before their first day
    few = queries_for(dt.date(2025, 2, 1), 10)
    many = queries_for(dt.date(2025, 3, 1), 60)  # within one batch of each bulk write
    assert LevelChange.objects.filter(date__gte=dt.date(2025, 3, 1)).count() > 15
    assert many == few
    assert few < 40


def test_one_bad_row_among_many_saves_nothing(cast, footprint):
    days = [dt.date(2026, 3, 1) + dt.timedelta(days=n) for n in range(200)]
    rows = rows_for(["RA1"], days)
    code, day, figures = rows[150]
    rows[150] = (code, day, {**figures, "ga_beds_occupied": "501"})
    events = AuditEvent.objects.count()
    with pytest.raises(ImportRejected, match="more than the 500 beds open"):
        import_csv(csv_of(rows), cast["pmo"])
    assert DailyReturn.objects.count() == ReturnValue.objects.count() == 0
    assert OpelLevel.objects.count() == LevelChange.objects.count() == 0
    assert AuditEvent.objects.count() == events


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["RA1", "RB1"]),
            st.integers(min_value=0, max_value=400),  # days before today
            st.integers(min_value=400, max_value=500),  # beds occupied of 500
            st.integers(min_value=5, max_value=60),  # mean handover minutes
        ),
        min_size=1,
        max_size=12,
        unique_by=lambda r: (r[0], r[1]),
    )
)
def test_any_file_gives_the_levels_of_its_rows_made_one_at_a_time(cast, footprint, drawn):
    """Property: in any order and with any gaps, an imported file's levels (every provider's
    and the system's, each day) are those of its rows submitted one at a time."""
    rows = [
        (
            code,
            TODAY - dt.timedelta(days=back),
            {
                "ga_beds_open": "500",
                "ga_beds_occupied": str(occupied),
                "handover_mean_minutes": str(handover),
            },
        )
        for code, back, occupied, handover in drawn
    ]
    orgs = {"RA1": footprint["trust_a"], "RB1": footprint["trust_b"]}
    for model in (DailyReturn, OpelLevel, LevelChange):
        model.objects.all().delete()
    import_csv(csv_of_some(rows), cast["pmo"])
    by_import = levels()
    for model in (DailyReturn, OpelLevel, LevelChange):
        model.objects.all().delete()
    for code, day, figures in sorted(rows, key=lambda r: r[1]):
        services.submit_return(
            organisation=orgs[code], day=day, figures=figures, by=cast["pmo"], now=NOW
        )
    assert levels() == by_import


def csv_of_some(rows):
    """A file of rows in the order given, with only the figures each row has."""
    lines = ["ODS code,Date,ga_beds_open,ga_beds_occupied,handover_mean_minutes"] + [
        f"{code},{day},{f['ga_beds_open']},{f['ga_beds_occupied']},{f['handover_mean_minutes']}"
        for code, day, f in rows
    ]
    return ("\n".join(lines) + "\n").encode()
