"""Who may see the workforce pages and who may change the figures, as stories.

Partners read every workforce page; importing is for the programme office and each member's
workforce team, and each row only for the organisation whose team it is. The services refuse
a caller who may not act, whoever calls them: the page, the background job or (later) the API.
"""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from footprint.core.imports import ImportRejected
from footprint.core.jobs import create_job
from footprint.core.models import AuditEvent, Job
from footprint.workforce import importers, services
from footprint.workforce.models import AgencyShift, RateCap, WorkforceReturn
from footprint.workforce.tasks import run_workforce_import
from tests.conftest import CAST, PARTNERS, assert_may_see
from tests.integration.test_workforce import TODAY, returns_csv

SHIFTS = (
    "Date,Org code,Agency,Staff group,Grade,Hours,Hourly rate,Reason\n"
    "2025-03-03,RA1,Acme,Nurses and health visitors,Band 5,12,60.00,Sickness\n"
)

# (url name, args, who may see it). Everyone else: log-in redirect (public) or 403.
PAGES = [
    ("workforce:index", [], PARTNERS),
    ("workforce:retention", [], PARTNERS),
    ("workforce:retention_series", ["RA1", "nurses"], PARTNERS),
    ("workforce:agency", [], PARTNERS),
    ("workforce:supply", [], PARTNERS),
    ("workforce:escalation", [], PARTNERS),  # staff for the escalation beds open today
    # No one in the standing cast is on a workforce team: only the programme office imports.
    ("workforce:import", [], {"pmo"}),
    ("workforce:rate_card", [], PARTNERS),
    # The programme office alone keeps the rate card.
    ("workforce:rate_new", [], {"pmo"}),
    ("workforce:rate_edit", ["cap"], {"pmo"}),
]


@pytest.fixture
def trust_a_returns(cast, footprint):
    """Two months of Trust A's nurses, so its retention chart has something to show."""
    for month in (1, 2):
        WorkforceReturn.objects.create(
            organisation=footprint["trust_a"],
            month=dt.date(2025, month, 1),
            staff_group="nurses",
            headcount=100,
            wte=90,
            establishment_wte=100,
            joiners=2,
            leavers=3,
            sickness_days_lost=50,
            days_available=1900,
            pay_bill_pence=35_000_000,
            bank_pence=1_000_000,
            agency_pence=2_000_000,
        )


@pytest.mark.parametrize("who", CAST)
@pytest.mark.parametrize(("name", "args", "allowed"), PAGES, ids=lambda v: str(v))
def test_page_permission_matrix(client_for, trust_a_returns, cap, who, name, args, allowed):
    args = [cap.pk if a == "cap" else a for a in args]
    assert_may_see(client_for(who), who, reverse(name, args=args), allowed)


@pytest.fixture
def cap(cast):
    return services.save_rate_cap(
        cap=RateCap(staff_group="nurses", grade="Band 5", cap_pence=45_00), by=cast["pmo"]
    )


# The pages with the workforce sub-menu, and who may import (the menu's Import link is theirs).
MENU_PAGES = ["workforce:index", "workforce:retention", "workforce:agency", "workforce:supply"]
IMPORTERS = {"pmo"}


@pytest.mark.parametrize("who", sorted(PARTNERS))
@pytest.mark.parametrize("name", MENU_PAGES)
def test_the_import_link_is_only_for_those_who_may_import(client_for, trust_a_returns, who, name):
    """A viewer (or a chair, a finance lead, a practice) is not offered a link that says 403."""
    page = client_for(who).get(reverse(name)).content.decode()
    assert "Retention early warning</a>" in page  # the sub-menu is there
    assert (reverse("workforce:import") in page) == (who in IMPORTERS), who


def test_a_viewers_empty_dashboard_does_not_link_to_the_import(client_for, cast):
    page = client_for("viewer").get(reverse("workforce:index")).content.decode()
    assert "No workforce returns yet" in page and reverse("workforce:import") not in page


def test_a_workforce_lead_sees_the_import_link(client, workforce_user, trust_a_returns):
    client.force_login(workforce_user, backend="django.contrib.auth.backends.ModelBackend")
    for name in MENU_PAGES:
        assert reverse("workforce:import") in client.get(reverse(name)).content.decode()


def test_a_workforce_lead_may_import_but_an_editor_of_the_same_trust_may_not(
    client, client_for, workforce_user
):
    client.force_login(workforce_user, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get(reverse("workforce:import")).content.decode()
    assert "Import workforce figures" in page and "Upload and import" in page
    refused = client_for("editor_a").get(reverse("workforce:import"))
    assert refused.status_code == 403 and "permission" in refused.content.decode().lower()


def returns_rows(org="RA1"):
    return importers.parse_returns(returns_csv(org=org, months=2), "wf.csv", today=TODAY)


def shift_rows():
    return importers.parse_shifts(SHIFTS, "s.csv", today=TODAY)


def nothing_saved():
    return not (
        WorkforceReturn.objects.exists()
        or AgencyShift.objects.exists()
        or AuditEvent.objects.filter(action__startswith="import_").exists()
    )


@pytest.mark.parametrize("who", ["editor_a", "editor_b", "viewer", "stranger", "public"])
def test_the_returns_service_refuses_anyone_not_on_a_workforce_team(cast, who):
    with pytest.raises(PermissionDenied):
        services.import_returns(rows=returns_rows(), filename="wf.csv", by=cast[who])
    assert nothing_saved()


@pytest.mark.parametrize("who", ["editor_a", "editor_b", "viewer", "stranger", "public"])
def test_the_shifts_service_refuses_anyone_not_on_a_workforce_team(cast, who):
    with pytest.raises(PermissionDenied):
        services.import_shifts(rows=shift_rows(), filename="s.csv", by=cast[who])
    assert nothing_saved()


def test_a_workforce_lead_is_refused_another_trusts_shifts_row_by_row(workforce_user):
    rows = importers.parse_shifts(SHIFTS.replace(",RA1,", ",RB1,"), "s.csv", today=TODAY)
    with pytest.raises(ImportRejected, match="row 2, column 'Org code': you may not change"):
        services.import_shifts(rows=rows, filename="s.csv", by=workforce_user)
    assert nothing_saved()


def test_the_programme_office_imports_any_members_figures(cast):
    services.import_returns(rows=returns_rows(org="RB1"), filename="wf.csv", by=cast["pmo"])
    services.import_shifts(rows=shift_rows(), filename="s.csv", by=cast["pmo"])
    assert WorkforceReturn.objects.filter(organisation__ods_code="RB1").count() == 2
    assert AgencyShift.objects.filter(organisation__ods_code="RA1").count() == 1


def test_a_job_started_by_someone_who_may_not_import_fails_and_says_why(cast):
    """However a job came to be queued, it saves as its creator may: an editor's fails."""
    job = create_job(
        kind="import:workforce:returns",
        title="Import wf.csv",
        user=cast["editor_a"],
        payload={"text": returns_csv(months=2), "filename": "wf.csv", "kind": "returns"},
    )
    run_workforce_import.enqueue(job.pk)
    job = Job.objects.get(pk=job.pk)
    assert job.status == Job.Status.FAILED
    assert "nothing was saved" in job.message
    assert any("permission" in line for line in job.errors)
    assert nothing_saved()


# --- The rate card: the programme office alone keeps it ------------------------------------


@pytest.mark.parametrize("who", ["editor_a", "viewer", "stranger", "public", "workforce_a"])
def test_the_rate_card_services_refuse_anyone_but_the_programme_office(
    cast, workforce_user, cap, who
):
    by = workforce_user if who == "workforce_a" else cast[who]
    with pytest.raises(PermissionDenied):
        services.save_rate_cap(
            cap=RateCap(staff_group="nurses", grade="Band 6", cap_pence=50_00), by=by
        )
    cap.cap_pence = 99_00
    with pytest.raises(PermissionDenied):
        services.save_rate_cap(cap=cap, by=by)
    with pytest.raises(PermissionDenied):
        services.remove_rate_cap(cap=cap, by=by)
    kept = RateCap.objects.get()
    assert (kept.grade, kept.cap_pence) == ("Band 5", 45_00)
    assert AuditEvent.objects.filter(action="save_rate_cap").count() == 1
    assert not AuditEvent.objects.filter(action="remove_rate_cap").exists()


def test_a_workforce_lead_reads_the_card_but_may_not_change_it(client, workforce_user, cap):
    client.force_login(workforce_user, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get(reverse("workforce:rate_card")).content.decode()
    assert "Nurses and health visitors, Band 5" in page and "Add a cap" not in page
    assert client.get(reverse("workforce:rate_new")).status_code == 403
    assert client.post(reverse("workforce:rate_remove", args=[cap.pk])).status_code == 403
    assert RateCap.objects.exists()


@pytest.mark.parametrize("who", CAST)
def test_only_the_programme_office_removes_a_cap_on_its_page(client_for, cap, who):
    response = client_for(who).post(reverse("workforce:rate_remove", args=[cap.pk]))
    assert RateCap.objects.exists() is (who != "pmo")
    assert response.status_code == (302 if who in ("pmo", "public") else 403)
