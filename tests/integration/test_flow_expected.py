"""Which returns each organisation is expected to make: by default from its kind, set by the
programme office on a page (audited), and used for the late and missing lists, the page, the
CSV and the API. An ambulance trust that does not run NHS 111 is no longer chased for it; a
combined community and mental health trust makes both sections in one return."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from footprint.core.imports import ImportRejected
from footprint.core.models import AuditEvent
from footprint.flow import importers, queries, services
from footprint.flow.models import DailyReturn, ExpectedReturn, ReturnKind
from footprint.partnership.models import Organisation, OrganisationKind

NOW = timezone.make_aware(dt.datetime(2026, 11, 30, 9, 0))
TODAY = dt.date(2026, 11, 30)


@pytest.fixture
def others(footprint):
    k = OrganisationKind
    return {
        "ambulance": Organisation.objects.create(
            ods_code="RZ1", name="Vales Ambulance", kind=k.AMBULANCE_TRUST
        ),
        "alliance": Organisation.objects.create(
            ods_code="VS1", name="Voluntary Alliance", kind=k.VOLUNTARY
        ),
        "combined": Organisation.objects.create(
            ods_code="RC1", name="Community and Mental Health", kind=k.COMMUNITY_TRUST
        ),
    }


def test_the_defaults_follow_the_kind_of_organisation(footprint, others):
    kinds = queries.expected_kinds([footprint["trust_a"], footprint["council"], *others.values()])
    assert kinds[footprint["trust_a"].pk] == (ReturnKind.ACUTE,)
    assert kinds[footprint["council"].pk] == (ReturnKind.SOCIAL_CARE,)
    assert kinds[others["ambulance"].pk] == (ReturnKind.NHS_111,)
    assert kinds[others["alliance"].pk] == ()  # a voluntary organisation makes none
    assert kinds[others["combined"].pk] == (ReturnKind.COMMUNITY,)
    missing = [o.ods_code for o in queries.missing_returns(TODAY)]
    assert missing == ["RC1", "LA001", "RA1", "RB1", "RZ1"]  # by name; not the alliance


def test_an_ambulance_trust_without_nhs_111_is_not_chased(cast, footprint, others):
    ambulance = others["ambulance"]
    services.set_expected_returns(by=cast["pmo"], organisation=ambulance, kinds=[], now=NOW)
    assert queries.kinds_of(ambulance) == ()
    assert "RZ1" not in [o.ods_code for o in queries.missing_returns(TODAY)]
    page = _page(cast, "flow:returns")
    assert "Vales Ambulance" not in page
    # Nor may a return be made for it: the service refuses, naming why.
    with pytest.raises(ValidationError) as caught:
        services.submit_return(
            organisation=ambulance,
            day=TODAY,
            figures={"calls_offered": "10"},
            by=cast["pmo"],
            now=NOW,
        )
    assert "not expected to make a daily return" in caught.value.messages[0]
    # The audit trail says who changed it, from what to what.
    event = AuditEvent.objects.get(action="set_expected_returns")
    assert event.actor == cast["pmo"]
    assert event.details["before"] == ["nhs_111"] and event.details["after"] == []
    assert event.summary == "Returns expected of Vales Ambulance: none"


def _page(cast, name):
    from django.test import Client

    client = Client()
    client.force_login(cast["pmo"])
    response = client.get(reverse(name) + f"?date={TODAY.isoformat()}")
    assert response.status_code == 200
    return response.content.decode()


def test_a_combined_trust_makes_both_sections_in_one_return(cast, footprint, others):
    combined = others["combined"]
    services.set_expected_returns(
        by=cast["pmo"], organisation=combined, kinds=["community", "mental_health"], now=NOW
    )
    figures = {"community_beds_open": "100", "mh_beds_open": "40", "mh_beds_occupied": "38"}
    services.submit_return(
        organisation=combined, day=TODAY, figures=figures, by=cast["pmo"], now=NOW
    )
    assert queries.figures(combined, TODAY) == {
        "community_beds_open": 100.0,
        "mh_beds_open": 40.0,
        "mh_beds_occupied": 38.0,
    }
    # An acute figure is still refused, naming both sections it makes.
    with pytest.raises(ValidationError) as caught:
        services.submit_return(
            organisation=combined,
            day=TODAY,
            figures={"ga_beds_open": "10"},
            by=cast["pmo"],
            now=NOW,
        )
    assert caught.value.message_dict["ga_beds_open"] == [
        "is not a figure a community services or a mental health services reports"
    ]
    # The page shows each section under its heading.
    from django.test import Client

    client = Client()
    client.force_login(cast["pmo"])
    url = reverse("flow:submit") + f"?organisation=RC1&date={TODAY.isoformat()}"
    page = client.get(url).content.decode()
    assert "<h2>Community services</h2>" in page and "<h2>Mental health services</h2>" in page
    assert "Inappropriate out-of-area placements" in page


def test_a_voluntary_organisation_set_to_return_is_chased_and_may_import(cast, footprint, others):
    alliance = others["alliance"]
    csv = b"ODS code,Date,care_home_beds_available\nVS1,2026-11-29,5\n"
    rows = importers.read_returns(csv, "a.csv")
    with pytest.raises(ImportRejected) as caught:
        services.import_returns(rows=rows, filename="a.csv", by=cast["pmo"], now=NOW)
    assert "Voluntary Alliance is not expected to make a daily return" in str(
        caught.value.as_lines()
    )
    services.set_expected_returns(
        by=cast["pmo"], organisation=alliance, kinds=["social_care"], now=NOW
    )
    assert "VS1" in [o.ods_code for o in queries.missing_returns(TODAY)]
    services.import_returns(rows=rows, filename="a.csv", by=cast["pmo"], now=NOW)
    assert DailyReturn.objects.filter(organisation=alliance).count() == 1


def test_an_unknown_kind_is_refused_with_nothing_saved(cast, others):
    with pytest.raises(ValidationError) as caught:
        services.set_expected_returns(
            by=cast["pmo"], organisation=others["alliance"], kinds=["acute", "hospice"], now=NOW
        )
    assert caught.value.message_dict["kinds"] == ["'hospice' is not a kind of daily return"]
    assert not ExpectedReturn.objects.exists()


def test_the_page_lists_each_organisation_and_saves_by_post(client_for, cast, others):
    client = client_for("pmo")
    page = client.get(reverse("flow:expected")).content.decode()
    assert "Vales Ambulance" in page and "NHS 111 provider (the default for its kind)" in page
    response = client.post(
        reverse("flow:expected_set", args=[others["ambulance"].pk]), {"kinds": []}
    )
    assert response.status_code == 302
    page = client.get(reverse("flow:expected")).content.decode()
    assert '<td class="nhsuk-table__cell">None</td>' in page or ">None<" in page
    assert queries.kinds_of(others["ambulance"]) == ()
