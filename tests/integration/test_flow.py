"""Daily returns: submitted on the page, by CSV and through the service; the OPEL level they
give, its change told to the on-call contacts with the actions; bad input refused whole."""

import datetime as dt
import html

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from footprint.core.imports import ImportRejected
from footprint.core.models import AuditEvent
from footprint.flow import importers, queries, services
from footprint.flow.models import (
    AidOutcome,
    AidRequest,
    DailyReturn,
    EscalationAction,
    LevelChange,
    OnCallContact,
    OpelLevel,
    ReturnKind,
    ReturnValue,
    return_kind,
)
from footprint.flow.rules import aid_outcomes
from footprint.partnership.models import Organisation, OrganisationKind

NOW = timezone.make_aware(dt.datetime(2026, 11, 30, 9, 0))
TODAY = dt.date(2026, 11, 30)

CALM = {
    "ga_beds_open": "500",
    "ga_beds_occupied": "400",  # 80 %: no points
    "handover_mean_minutes": "12",
    "four_hour_percent": "85",
}
# Every parameter at its worst: score 100, OPEL 4.
CRISIS = {
    "ga_beds_open": "500",
    "ga_beds_occupied": "499",
    "handover_mean_minutes": "90",
    "handovers": "100",
    "handovers_over_60": "40",
    "four_hour_percent": "50",
    "ed_attendances": "300",
    "waits_over_12_hours": "60",
    "ed_occupancy_percent": "150",
    "nctr_pathway_3": "120",
}


def submit(org, day, figures, by):
    return services.submit_return(organisation=org, day=day, figures=figures, by=by, now=NOW)


def test_a_return_is_saved_with_its_figures_and_level(cast, footprint):
    saved = submit(footprint["trust_a"], TODAY, CALM, cast["editor_a"])
    assert queries.figures(footprint["trust_a"], TODAY) == {
        "ga_beds_open": 500.0,
        "ga_beds_occupied": 400.0,
        "handover_mean_minutes": 12.0,
        "four_hour_percent": 85.0,
    }
    lvl = OpelLevel.objects.get(organisation=footprint["trust_a"], date=TODAY)
    assert (lvl.level, lvl.score) == (1, 0.0)
    assert OpelLevel.objects.get(organisation=None, date=TODAY).level == 1
    # The first level of each is a change from nothing.
    assert [(c.from_level, c.to_level) for c in saved.changes] == [(None, 1), (None, 1)]
    assert AuditEvent.objects.filter(action="submit_return").count() == 1


def test_submitting_again_updates_the_return_and_clears_only_what_is_named(cast, footprint):
    submit(footprint["trust_a"], TODAY, CRISIS, cast["editor_a"])
    assert OpelLevel.objects.get(organisation=footprint["trust_a"], date=TODAY).level == 4
    # A figure not named keeps its saved value; the level is worked out from the whole return.
    submit(footprint["trust_a"], TODAY, {"ga_beds_open": "510"}, cast["editor_a"])
    assert DailyReturn.objects.count() == 1
    figures = queries.figures(footprint["trust_a"], TODAY)
    assert figures == {**{k: float(v) for k, v in CRISIS.items()}, "ga_beds_open": 510.0}
    assert OpelLevel.objects.get(organisation=footprint["trust_a"], date=TODAY).level == 4
    # A figure named with no value (None from the API, blank from the page) is cleared.
    submit(
        footprint["trust_a"], TODAY, {"nctr_pathway_3": None, "four_hour_percent": ""}, cast["pmo"]
    )
    figures = queries.figures(footprint["trust_a"], TODAY)
    assert figures is not None and len(figures) == len(CRISIS) - 2
    assert "nctr_pathway_3" not in figures and "four_hour_percent" not in figures
    event = AuditEvent.objects.filter(action="submit_return").latest("pk")
    assert event.details["cleared"] == ["four_hour_percent", "nctr_pathway_3"]


def test_the_page_clears_a_figure_whose_box_is_emptied(client_for, cast, footprint):
    submit(footprint["trust_a"], TODAY - dt.timedelta(days=1), CALM, cast["editor_a"])
    day = TODAY - dt.timedelta(days=1)
    url = reverse("flow:submit") + f"?organisation=RA1&date={day.isoformat()}"
    shown = {**CALM, "four_hour_percent": ""}
    response = client_for("editor_a").post(url, shown)
    assert response.status_code == 302
    assert queries.figures(footprint["trust_a"], day) == {
        "ga_beds_open": 500.0,
        "ga_beds_occupied": 400.0,
        "handover_mean_minutes": 12.0,
    }


def test_a_change_of_level_tells_the_on_call_contacts_with_the_actions(cast, footprint):
    EscalationAction.objects.create(level=4, text="Open the discharge lounge", owner="COO")
    OnCallContact.objects.create(name="Trust A on call", email="oncall@trust-a.example")
    yesterday = TODAY - dt.timedelta(days=1)
    submit(footprint["trust_a"], yesterday, CALM, cast["editor_a"])
    saved = submit(footprint["trust_a"], TODAY, CRISIS, cast["editor_a"])
    assert OpelLevel.objects.get(organisation=footprint["trust_a"], date=TODAY).level == 4
    assert [(c.from_level, c.to_level) for c in saved.changes] == [(1, 4), (1, 4)]
    change = LevelChange.objects.filter(organisation=footprint["trust_a"], date=TODAY).get()
    assert change.told == ["oncall@trust-a.example"]


def test_the_email_is_sent_when_the_return_is_saved(
    cast, footprint, django_capture_on_commit_callbacks
):
    EscalationAction.objects.create(level=4, text="Open the discharge lounge", owner="COO")
    OnCallContact.objects.create(name="System on call", email="oncall@ics.example")
    submit(footprint["trust_a"], TODAY - dt.timedelta(days=1), CALM, cast["editor_a"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        submit(footprint["trust_a"], TODAY, CRISIS, cast["editor_a"])
    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects == ["OPEL 4: The system (overall ICS level)", "OPEL 4: Trust A Hospitals"]
    body = mail.outbox[0].body
    assert "OPEL 4" in body and "Open the discharge lounge (COO)" in body
    assert "it was OPEL 1" in body


def test_an_old_days_change_is_recorded_but_not_emailed(
    cast, footprint, django_capture_on_commit_callbacks
):
    OnCallContact.objects.create(name="System on call", email="oncall@ics.example")
    with django_capture_on_commit_callbacks(execute=True):
        submit(footprint["trust_a"], dt.date(2026, 1, 5), CRISIS, cast["editor_a"])
    assert mail.outbox == []
    assert LevelChange.objects.filter(date=dt.date(2026, 1, 5)).count() == 2


@pytest.mark.parametrize(
    ("figures", "field", "words"),
    [
        ({"ga_beds_open": "-3"}, "ga_beds_open", "negative"),
        (
            {"ga_beds_open": "10", "ga_beds_occupied": "11"},
            "ga_beds_occupied",
            "more than the 10 beds open",
        ),
        ({"ga_beds_open": "2.5"}, "ga_beds_open", "not a whole number"),
        ({"four_hour_percent": "101"}, "four_hour_percent", "more than 100"),
        ({"ga_beds_open": "nan"}, "ga_beds_open", "not a number"),
        ({"home_care_packages_available": "3"}, "home_care_packages_available", "not a figure"),
        ({"handovers": "5", "handovers_over_60": "6"}, "handovers_over_60", "more than the 5"),
        ({"calls_offered": "3"}, "calls_offered", "not a figure an acute trust reports"),
        (
            {"ga_beds_occupied": "10", "nctr_pathway_1": "6", "nctr_pathway_3": "6"},
            "nctr_pathway_0",
            "add up to 12",
        ),
        (
            {
                **CALM,
                "nctr_pathway_0": "2",
                "nctr_pathway_1": "80",
                "nctr_pathway_2": "12",
                "nctr_pathway_3": "17",
                "nctr_awaiting_assessment": "12",
                "nctr_awaiting_home_care": "17",
                "nctr_awaiting_community_bed": "9",
                "nctr_awaiting_care_home": "14",
                "nctr_awaiting_family": "1",
                "nctr_awaiting_other": "4",
            },
            "nctr_pathway_0",
            "by pathway (pathways 0 to 3) add up to 111, but by reason for delay (the "
            "'Delayed: …' figures) to 57",
        ),
    ],
)
def test_implausible_figures_are_refused_by_name(cast, footprint, figures, field, words):
    with pytest.raises(ValidationError) as caught:
        submit(footprint["trust_a"], TODAY, figures, cast["editor_a"])
    assert words in " ".join(caught.value.message_dict[field])
    assert not DailyReturn.objects.exists()


@pytest.mark.parametrize(
    ("day", "words"),
    [(TODAY + dt.timedelta(days=1), "in the future"), (dt.date(1999, 12, 31), "before 2000")],
)
def test_a_day_in_the_future_or_before_2000_is_refused(cast, footprint, day, words):
    with pytest.raises(ValidationError) as caught:
        submit(footprint["trust_a"], day, CALM, cast["editor_a"])
    assert words in caught.value.message_dict["date"][0]


def test_no_one_submits_another_organisations_return(cast, footprint):
    with pytest.raises(PermissionDenied):
        submit(footprint["trust_b"], TODAY, CALM, cast["editor_a"])
    with pytest.raises(PermissionDenied):
        submit(footprint["council"], TODAY, {"care_home_beds_available": "4"}, cast["viewer"])
    assert not DailyReturn.objects.exists()


def test_the_programme_office_submits_for_anyone(cast, footprint):
    submit(footprint["council"], TODAY, {"care_home_beds_available": "4"}, cast["pmo"])
    assert queries.figures(footprint["council"], TODAY) == {"care_home_beds_available": 4.0}
    # A council's return has no OPEL level.
    assert not OpelLevel.objects.filter(organisation=footprint["council"]).exists()


def test_an_ambulance_trust_makes_the_nhs_111_return_with_its_level(client_for, cast, footprint):
    ambulance = Organisation.objects.create(
        ods_code="RZ1", name="Vales Ambulance", kind=OrganisationKind.AMBULANCE_TRUST
    )
    assert return_kind(ambulance) == ReturnKind.NHS_111
    with pytest.raises(ValidationError) as caught:
        submit(ambulance, TODAY, {"calls_offered": "100", "calls_abandoned": "101"}, cast["pmo"])
    assert "more than the 100 calls offered" in caught.value.message_dict["calls_abandoned"][0]
    with pytest.raises(ValidationError) as caught:
        submit(ambulance, TODAY, {"ga_beds_open": "10"}, cast["pmo"])
    assert (
        "not a figure an NHS 111 provider reports" in caught.value.message_dict["ga_beds_open"][0]
    )
    figures = {"calls_offered": "1000", "calls_abandoned": "20", "answer_mean_seconds": "30"}
    submit(ambulance, TODAY, figures, cast["pmo"])
    level = OpelLevel.objects.get(organisation=ambulance, date=TODAY)
    # 2 % abandoned and 30 seconds to answer: no points, OPEL 1 (call-backs not reported).
    assert (level.score, level.level, level.missing) == (0.0, 1, ["callback_20"])
    system = OpelLevel.objects.get(organisation=None, date=TODAY)
    assert system.points == {"nhs_111": 1}
    # The page offers the NHS 111 figures, and no acute ones.
    url = reverse("flow:submit") + f"?organisation=RZ1&date={TODAY.isoformat()}"
    page = client_for("pmo").get(url).content.decode()
    assert "NHS 111 calls abandoned" in page and "Mean time to answer (seconds)" in page
    assert "General and acute beds open" not in page


def test_missing_returns_are_listed(cast, footprint):
    submit(footprint["trust_a"], TODAY, CALM, cast["editor_a"])
    assert [o.ods_code for o in queries.missing_returns(TODAY)] == ["LA001", "RB1"]


def test_daily_history_gives_admissions_and_occupancy(cast, footprint):
    submit(
        footprint["trust_a"],
        TODAY,
        {**CALM, "admissions": "80", "nctr_pathway_1": "7"},
        cast["pmo"],
    )
    history = queries.daily_history(TODAY - dt.timedelta(days=3), TODAY)
    (day,) = history[footprint["trust_a"].pk]
    assert (day.date, day.admissions, day.occupied, day.beds_open, day.nctr) == (
        TODAY,
        80.0,
        400.0,
        500.0,
        7.0,
    )


# CSV ------------------------------------------------------------------------------------


def csv_bytes(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def import_csv(data: bytes, by, filename="returns.csv"):
    rows, problems = importers.read_problems(data, filename)
    return services.import_returns(rows=rows, filename=filename, by=by, now=NOW, problems=problems)


def test_a_csv_of_returns_is_imported(cast, footprint):
    data = csv_bytes(
        "ODS code,Date,ga_beds_open,General and acute beds occupied,nctr_pathway_3",
        "RA1,2026-11-29,500,450,20",
        "RA1,30/11/2026,500,470,",
    )
    assert import_csv(data, cast["editor_a"])["returns"] == 2
    assert queries.figures(footprint["trust_a"], TODAY) == {
        "ga_beds_open": 500.0,
        "ga_beds_occupied": 470.0,
    }
    assert OpelLevel.objects.filter(organisation=None).count() == 2


@pytest.mark.parametrize(
    ("lines", "by", "words"),
    [
        (
            ["RB1,2026-11-29,500"],
            "editor_a",
            "row 3, column 'ODS code': you may not submit Trust B Hospitals's return",
        ),
        (["RA1,2026-11-29,-1"], "editor_a", "row 3, column 'ga_beds_open': '-1' is negative"),
        (
            ["RA1,2026-12-01,5"],
            "editor_a",
            "row 3, column 'Date': 1 December 2026 is in the future",
        ),
        (["RA1,1999-01-01,5"], "editor_a", "row 3, column 'Date': 1 January 1999 is before 2000"),
        (["RA1,tomorrow,5"], "editor_a", "row 3, column 'Date': 'tomorrow' is not a date"),
        (["ZZ9,2026-11-29,5"], "pmo", "row 3, column 'ODS code': no organisation has the ODS code"),
        (
            ["RA1,2026-11-29,5", "RA1,2026-11-29,6"],
            "editor_a",
            "row 4, column 'Date': RA1 on 29 November 2026 is already on row 3",
        ),
    ],
)
def test_a_bad_csv_is_refused_whole_naming_file_row_and_field(cast, footprint, lines, by, words):
    """A good row first, then the bad one: nothing at all is saved."""
    data = csv_bytes("ODS code,Date,ga_beds_open", "RA1,2026-11-28,500", *lines)
    with pytest.raises(ImportRejected) as caught:
        import_csv(data, cast[by])
    assert str(caught.value).startswith("returns.csv: ")
    assert words in str(caught.value)
    assert not DailyReturn.objects.exists() and not ReturnValue.objects.exists()


@pytest.mark.parametrize(
    ("lines", "words"),
    [
        (
            ["ODS code,Date,ga_beds_open,ga_beds_occupied", "RA1,2026-11-29,5,6"],
            "row 2, column 'ga_beds_occupied': 6 is more than the 5 beds open",
        ),
        (
            ["ODS code,Date,beds", "RA1,2026-11-29,5"],
            "row 1, column 'beds': no figure has this name",
        ),
        (["Date,ga_beds_open", "2026-11-29,5"], "row 1, column 'ODS code': this column is missing"),
        (["ODS code,Date", "RA1,2026-11-29"], "no column names a figure"),
    ],
)
def test_a_csv_with_bad_columns_is_refused(cast, footprint, lines, words):
    with pytest.raises(ImportRejected) as caught:
        import_csv(csv_bytes(*lines), cast["editor_a"])
    assert words in str(caught.value)
    assert not DailyReturn.objects.exists()


def test_a_row_for_a_day_already_returned_updates_only_the_figures_it_gives(cast, footprint):
    submit(footprint["trust_a"], TODAY, CALM, cast["editor_a"])  # 09:00: on time
    first = DailyReturn.objects.get()
    later = timezone.make_aware(dt.datetime(2026, 11, 30, 15, 5))
    rows, problems = importers.read_problems(
        csv_bytes("ODS code,Date,ga_beds_open,ga_beds_occupied", "RA1,2026-11-30,,455"), "a.csv"
    )
    result = services.import_returns(
        rows=rows, filename="a.csv", by=cast["editor_a"], now=later, problems=problems
    )
    assert (result["returns"], result["updated"], result["new"]) == (1, 1, 0)
    assert queries.figures(footprint["trust_a"], TODAY) == {
        "ga_beds_open": 500.0,
        "ga_beds_occupied": 455.0,
        "handover_mean_minutes": 12.0,
        "four_hour_percent": 85.0,
    }
    ret = DailyReturn.objects.get()
    assert ret.submitted_at == first.submitted_at == NOW  # the first submission is kept
    assert ret.changed_at == later
    # The checks across figures are made on the return as it will be: 600 occupied of the
    # 500 beds already saved is refused.
    with pytest.raises(ImportRejected, match="600 is more than the 500 beds open"):
        import_csv(csv_bytes("ODS code,Date,ga_beds_occupied", "RA1,2026-11-30,600"), cast["pmo"])


def test_saving_a_return_again_keeps_its_submission_time_and_lateness(client_for, cast, footprint):
    submit(footprint["trust_a"], TODAY, CALM, cast["editor_a"])  # 09:00: on time
    later = timezone.make_aware(dt.datetime(2026, 11, 30, 15, 5))
    services.submit_return(
        organisation=footprint["trust_a"], day=TODAY, figures=CRISIS, by=cast["pmo"], now=later
    )
    page = client_for("pmo").get(reverse("flow:returns") + "?date=2026-11-30").content.decode()
    assert "30 November 2026 at 09:00; changed 30 November 2026 at 15:05" in page
    assert "(late)" not in page
    # who made it and who changed it (walk 8 FL7: it named only the first)
    made, changed = cast["editor_a"], cast["pmo"]
    made_by = made.get_full_name() or made.email
    assert f"{made_by}; changed by {changed.get_full_name() or changed.email}" in page


@pytest.mark.parametrize(("line", "cells"), [("RA1,2026-11-29,5,6,7", 5), ("RA1,2026-11-29,5", 3)])
def test_a_row_with_more_or_fewer_cells_than_headings_is_refused(cast, footprint, line, cells):
    data = csv_bytes("ODS code,Date,ga_beds_open,ga_beds_occupied", "RA1,2026-11-28,5,4", line)
    with pytest.raises(ImportRejected) as caught:
        import_csv(data, cast["editor_a"])
    assert f"row 3: the row has {cells} cells but the first row has 4 headings" in str(caught.value)
    assert not DailyReturn.objects.exists()


def test_every_problem_in_a_file_is_listed_at_once(cast, footprint):
    data = csv_bytes(
        "ODS code,Date,ga_beds_open,ga_beds_occupied",
        "RA1,2026-13-01,500,400",  # 2: no such date
        "RA1,2026-11-20,500,400",
        "RA1,2026-11-20,500,400",  # 4: twice
        "RB1,2026-11-21,500,400",  # 5: another organisation's
        "RA1,2026-11-22,nan,400",  # 6
        "RA1,2026-11-23,500,-3",  # 7
        "RA1,1900-11-24,500,400",  # 8
        "RA1,2200-11-25,500,400",  # 9
        'RA1,2026-11-26,"=SUM(A1:A2)",400',  # 10
    )
    with pytest.raises(ImportRejected) as caught:
        import_csv(data, cast["editor_a"])
    rows = [e.row for e in caught.value.errors]
    assert rows == sorted(rows)
    assert set(rows) == {2, 4, 5, 6, 7, 8, 9, 10}
    assert not DailyReturn.objects.exists()


# The page ---------------------------------------------------------------------------------


def test_the_page_shows_yesterday_beside_and_saves_today(client_for, cast, footprint):
    submit(
        footprint["trust_a"],
        TODAY - dt.timedelta(days=1),
        {"ga_beds_open": "480"},
        cast["editor_a"],
    )
    client = client_for("editor_a")
    url = reverse("flow:submit") + f"?organisation=RA1&date={TODAY.isoformat()}"
    page = client.get(url).content.decode()
    assert "Daily return for 30 November 2026" in page
    assert "Yesterday: 480" in page
    response = client.post(
        url, {"ga_beds_open": "500", "ga_beds_occupied": "499", "four_hour_percent": "50"}
    )
    assert response.status_code == 302
    assert queries.figures(footprint["trust_a"], TODAY)["ga_beds_occupied"] == 499.0
    index = html.unescape(client.get(response["Location"]).content.decode())
    assert (
        "Saved Trust A Hospitals’s return" in index or "Saved Trust A Hospitals's return" in index
    )
    assert "OPEL" in index


def test_the_page_names_a_bad_figure(client_for, cast, footprint):
    client = client_for("editor_a")
    url = reverse("flow:submit") + f"?organisation=RA1&date={TODAY.isoformat()}"
    page = client.post(url, {"ga_beds_open": "-4"}).content.decode()
    assert "There is a problem" in page and "is negative" in page
    assert not DailyReturn.objects.exists()


def test_the_page_offers_only_your_own_organisation(client_for, cast, footprint):
    client = client_for("editor_a")
    page = client.get(reverse("flow:submit")).content.decode()
    assert "Trust A Hospitals" in page and "Trust B Hospitals" not in page
    # Asking for another's page by its address is refused by the chooser.
    other = client.get(reverse("flow:submit") + f"?organisation=RB1&date={TODAY.isoformat()}")
    assert "Choose one of the options for organisation" in other.content.decode()


def test_the_returns_page_lists_who_has_not_submitted(client_for, cast, footprint):
    submit(footprint["trust_a"], TODAY, CALM, cast["editor_a"])
    page = (
        client_for("viewer")
        .get(reverse("flow:returns") + f"?date={TODAY.isoformat()}")
        .content.decode()
    )
    missing = page[page.index('id="missing"') : page.index("</ul>", page.index('id="missing"'))]
    assert "Trust B Hospitals" in missing and "Northshire Council" in missing
    assert "Trust A Hospitals" not in missing


def test_the_import_page_lists_every_problem_and_saves_nothing(client_for, cast, footprint):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for("editor_a")
    upload = SimpleUploadedFile(
        "mine.csv", csv_bytes("ODS code,Date,ga_beds_open", "RB1,2026-11-29,5", "RA1,2026-11-29,-2")
    )
    page = html.unescape(client.post(reverse("flow:import"), {"file": upload}).content.decode())
    assert "Nothing was imported" in page
    assert "mine.csv, row 2, column 'ODS code': you may not submit Trust B" in page
    assert "is negative" in page
    assert not DailyReturn.objects.exists()


# Escalation, the calendar and mutual aid ----------------------------------------------------


def test_the_escalation_page_shows_actions_contacts_and_changes(client_for, cast, footprint):
    client = client_for("pmo")
    client.post(
        reverse("flow:action_add"), {"level": "4", "text": "Cancel electives", "order": "1"}
    )
    client.post(
        reverse("flow:contact_add"),
        {"name": "ICB on call", "email": "icb@example.org", "organisation": ""},
    )
    submit(footprint["trust_a"], TODAY - dt.timedelta(days=1), CALM, cast["editor_a"])
    submit(footprint["trust_a"], TODAY, CRISIS, cast["editor_a"])
    page = html.unescape(client_for("viewer").get(reverse("flow:escalation")).content.decode())
    assert "Cancel electives" in page
    assert "ICB on call (icb@example.org), for the system: told of every change" in page
    assert "OPEL 1 to" in page and "icb@example.org" in page
    assert AuditEvent.objects.filter(action="save_escalation_action").count() == 1


def test_the_calendar_shows_each_days_levels(client_for, cast, footprint):
    submit(footprint["trust_a"], dt.date(2026, 11, 2), CALM, cast["editor_a"])
    submit(footprint["trust_a"], dt.date(2026, 11, 3), CRISIS, cast["editor_a"])
    page = client_for("viewer").get(reverse("flow:calendar") + "?month=2026-11").content.decode()
    assert "OPEL levels in November 2026" in page
    assert "OPEL 1 on 1 day, OPEL 2 on 0, OPEL 3 on 0 and OPEL 4 on 1." in page
    assert "<strong>OPEL 4</strong>" in page
    assert "Northshire Council" not in page  # a council has no OPEL level


def test_aid_is_logged_and_its_outcome_recorded(client_for, cast, footprint):
    client = client_for("editor_a")
    response = client.post(
        reverse("flow:aid"),
        {
            "is_offer": "0",
            "from_organisation": footprint["trust_a"].pk,
            "to_organisation": footprint["trust_b"].pk,
            "kind": "beds",
            "quantity": "6",
            "date": "2026-11-30",
            "details": "Six medical beds tonight",
        },
    )
    assert response.status_code == 302
    entry = AidRequest.objects.get()
    assert (entry.quantity, entry.kind, entry.outcome) == (6, "beds", "open")
    client_for("editor_b").post(
        reverse("flow:aid_outcome", args=[entry.pk]), {"outcome": "partly", "note": "Four beds"}
    )
    page = html.unescape(client.get(reverse("flow:aid")).content.decode())
    assert "Request: 6 × beds" in page and "Partly met: Four beds" in page
    assert AuditEvent.objects.filter(action__in=["log_aid", "record_aid_outcome"]).count() == 2


def test_an_agreed_request_is_not_undone_by_the_one_that_asked(client_for, cast, footprint):
    # Walk 8 FL0: the requester saw only Open/Withdrawn, Open shown; adding a note and pressing
    # Record took the agreed request back to open.
    entry = services.log_aid(
        by=cast["editor_a"],
        from_organisation=footprint["trust_a"],
        to_organisation=footprint["trust_b"],
        is_offer=False,
        kind="staff",
        quantity=3,
        day=TODAY,
        now=NOW,
    )
    services.record_aid_outcome(by=cast["editor_b"], aid=entry, outcome="agreed", note="Yes")
    client = client_for("editor_a")
    page = client.get(reverse("flow:aid")).content.decode()
    select = page[page.index(f'id="outcome-{entry.pk}"') :]
    select = select[: select.index("</select>")]
    assert '<option value="agreed" selected>Agreed</option>' in select
    assert 'value="withdrawn"' in select and 'value="open"' not in select
    response = client.post(
        reverse("flow:aid_outcome", args=[entry.pk]),
        {"outcome": "agreed", "note": "Thanks, nurses arriving 19:00"},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.outcome, entry.outcome_note) == ("agreed", "Thanks, nurses arriving 19:00")
    forged = client.post(reverse("flow:aid_outcome", args=[entry.pk]), {"outcome": "open"})
    assert forged.status_code == 403
    entry.refresh_from_db()
    assert entry.outcome == "agreed"
    # The organisation asked may change its answer, not take it back to open; once the
    # request is withdrawn it records nothing.
    assert aid_outcomes(cast["editor_b"], entry) == ("agreed", "partly", "declined")
    services.record_aid_outcome(by=cast["editor_a"], aid=entry, outcome="withdrawn")
    assert aid_outcomes(cast["editor_b"], entry) == ()
    assert aid_outcomes(cast["editor_a"], entry) == ("open", "withdrawn")
    assert len(aid_outcomes(cast["pmo"], entry)) == len(AidOutcome.values)


def test_aid_is_not_asked_of_oneself(cast, footprint):
    with pytest.raises(ValidationError):
        services.log_aid(
            by=cast["editor_a"],
            from_organisation=footprint["trust_a"],
            to_organisation=footprint["trust_a"],
            is_offer=False,
            kind="staff",
            quantity=1,
            day=TODAY,
            now=NOW,
        )


def test_a_return_after_noon_is_marked_late(client_for, cast, footprint):
    late = timezone.make_aware(dt.datetime(2026, 11, 29, 15, 5))
    services.submit_return(
        organisation=footprint["trust_a"],
        day=dt.date(2026, 11, 29),
        figures=CALM,
        by=cast["editor_a"],
        now=late,
    )
    page = client_for("pmo").get(reverse("flow:returns") + "?date=2026-11-29").content.decode()
    assert "29 November 2026 at 15:05 <strong>(late)</strong>" in page


def test_the_outcome_of_an_entry_with_no_author_is_recorded(client_for, cast, footprint):
    # Demo entries, and entries whose author has left, have no created_by: recording their
    # outcome must not fail the model's full_clean (it was a 500).
    entry = AidRequest.objects.create(
        from_organisation=footprint["trust_a"],
        to_organisation=footprint["trust_b"],
        kind="staff",
        quantity=2,
        date=TODAY,
        created_by=None,
        created_at=NOW,
    )
    response = client_for("pmo").post(
        reverse("flow:aid_outcome", args=[entry.pk]), {"outcome": "agreed", "note": ""}
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.outcome == "agreed"


def aid_form(**changes):
    return {
        "is_offer": "0",
        "from_organisation": "",
        "to_organisation": "",
        "kind": "beds",
        "quantity": "6",
        "date": "2026-11-30",
        "details": "Six medical beds tonight",
        **changes,
    }


def test_a_second_click_does_not_log_the_aid_twice(client_for, cast, footprint):
    client = client_for("editor_a")
    data = aid_form(from_organisation=footprint["trust_a"].pk)
    assert client.post(reverse("flow:aid"), data).status_code == 302
    page = html.unescape(client.post(reverse("flow:aid"), data).content.decode())
    assert "already in the log" in page and "it was not logged twice" in page
    assert AidRequest.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"date": "1900-01-01"}, "give a day from 29 November 2025 to 28 February 2027"),
        ({"date": "2200-01-01"}, "give a day from 29 November 2025"),
        ({"details": "x" * 2001}, "at most 2,000 characters"),
    ],
)
def test_aid_with_an_implausible_date_or_long_details_is_refused(
    client_for, cast, footprint, changes, words
):
    with pytest.raises(ValidationError, match=words.replace("(", r"\(")):
        services.log_aid(
            by=cast["editor_a"],
            from_organisation=footprint["trust_a"],
            to_organisation=footprint["trust_b"],
            is_offer=False,
            kind="beds",
            quantity=2,
            day=dt.date.fromisoformat(changes.get("date", "2026-11-30")),
            details=changes.get("details", ""),
            now=NOW,
        )
    assert not AidRequest.objects.exists()


def test_a_refused_escalation_form_keeps_what_was_typed_and_links_each_error(client_for, cast):
    response = client_for("pmo").post(
        reverse("flow:contact_add"), {"name": "Site on call", "email": "not-an-address"}
    )
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert 'value="Site on call"' in page  # what was typed is kept
    assert 'href="#id_email"' in page  # the summary links to the field
    assert "This field" not in page and "Enter a valid" not in page
    assert not OnCallContact.objects.exists()
    response = client_for("pmo").post(reverse("flow:action_add"), {"level": "3", "order": "0"})
    assert response.status_code == 400
    assert 'href="#id_text"' in response.content.decode()


def test_the_same_on_call_contact_is_not_added_twice(client_for, cast):
    client = client_for("pmo")
    data = {"name": "Site on call", "email": "site@example.org"}
    assert client.post(reverse("flow:contact_add"), data).status_code == 302
    response = client.post(
        reverse("flow:contact_add"), {"name": "Site", "email": "SITE@example.org"}
    )
    assert response.status_code == 400
    assert "SITE@example.org is already one of the system" in html.unescape(
        response.content.decode()
    )
    assert OnCallContact.objects.count() == 1


def test_the_calendar_does_not_go_back_before_2000(client_for, cast):
    page = client_for("viewer").get(reverse("flow:calendar") + "?month=1900-01").content.decode()
    assert "January 1900" not in page
    assert "OPEL levels in" in page


def test_the_error_summary_names_each_figure_and_hard_blocks_ask_nothing(client_for, cast):
    client = client_for("editor_a")
    url = reverse("flow:submit") + f"?organisation=RA1&date={TODAY.isoformat()}"
    page = html.unescape(
        client.post(
            url, {"ga_beds_open": "500", "ga_beds_occupied": "600", "ed_attendances": "nan"}
        ).content.decode()
    )
    summary = page[page.index("There is a problem") : page.index("</ul>", page.index("There"))]
    assert "ED attendances: 'nan' is not a number" in summary
    assert "General and acute beds occupied: 600 is more than the 500 beds open" in summary
    assert "is it right" not in page
    bad_day = client.get(reverse("flow:submit") + "?organisation=RA1&date=30-11-2026")
    assert "Enter the day as a date, like 2026-11-30" in html.unescape(bad_day.content.decode())


def test_the_import_page_offers_a_template_of_your_columns(client_for, cast, footprint):
    client = client_for("editor_a")
    page = client.get(reverse("flow:import")).content.decode()
    assert "docs/flow.md" not in page
    assert reverse("flow:import_template") in page and "ga_beds_open" in page
    template = client.get(reverse("flow:import_template")).content.decode("utf-8-sig")
    header, row = template.splitlines()[:2]
    assert header.startswith("ODS code,Date,ga_beds_open,ga_beds_occupied")
    assert "community_beds_open" not in header  # Trust A makes the acute return only
    assert row.startswith("RA1,2026-")


def test_the_import_message_counts_in_words(cast, footprint):
    from footprint.flow.views import imported_message

    one = {"returns": 1, "new": 0, "updated": 1, "level_changes": 0}
    assert imported_message(one, "a.csv") == (
        "Imported 1 return from a.csv: 1 updated (only the figures the file gives). "
        "No OPEL level changed."
    )


def test_the_export_writes_counts_as_whole_numbers(client_for, cast, footprint):
    submit(footprint["trust_a"], TODAY, CALM, cast["editor_a"])
    csv_text = (
        client_for("pmo")
        .get(reverse("flow:returns_export") + f"?start={TODAY}&end={TODAY}")
        .content.decode("utf-8-sig")
    )
    assert ",500,400," in csv_text and "500.0" not in csv_text


def test_a_csv_row_whose_pathways_and_reasons_disagree_is_refused(cast, footprint):
    data = csv_bytes(
        "ODS code,Date,nctr_pathway_1,nctr_pathway_2,nctr_awaiting_home_care,nctr_awaiting_other",
        "RA1,2026-11-29,10,5,10,5",
        "RA1,2026-11-30,10,5,10,4",
    )
    with pytest.raises(ImportRejected) as caught:
        import_csv(data, cast["editor_a"])
    said = str(caught.value)
    assert "returns.csv" in said and "row 3" in said.lower() and "nctr_pathway_0" in said
    assert "add up to 15, but by reason for delay" in said and "to 14" in said
    assert "row 2" not in said.lower()
    assert not DailyReturn.objects.exists()


def test_a_csv_of_more_returns_than_one_import_takes_is_refused_before_checking(cast, footprint):
    # Probe F1: a 9,000-row file held the database's write lock for 380 s.
    start = dt.date(2010, 1, 1)
    lines = [f"RA1,{start + dt.timedelta(days=i)},500" for i in range(importers.RETURNS_MOST + 1)]
    with pytest.raises(ImportRejected) as caught:
        import_csv(csv_bytes("ODS code,Date,ga_beds_open", *lines), cast["editor_a"])
    said = str(caught.value)
    assert f"more than {importers.RETURNS_MOST:,} returns, the most one import takes" in said
    assert "split it into smaller files" in said
    assert not DailyReturn.objects.exists()
