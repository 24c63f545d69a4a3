"""Who may see and do what with the urgent-care flow, read as stories: every flow page for
every member of the cast, and every service that writes refusing a caller who may not act,
with nothing saved. Trust A's editor keeps Trust A's figures and no one else's."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from footprint.core.imports import ImportRejected
from footprint.flow import importers, services
from footprint.flow.models import AidRequest, DailyReturn, EscalationAction, OnCallContact
from tests.conftest import CAST, PARTNERS, assert_may_see

NOW = timezone.make_aware(dt.datetime(2026, 11, 30, 9, 0))
TODAY = dt.date(2026, 11, 30)
SUBMITTERS = {"pmo", "editor_a", "editor_b"}

PAGES = [
    ("flow:index", PARTNERS),
    ("flow:returns", PARTNERS),
    ("flow:returns_export", PARTNERS),
    ("flow:system", PARTNERS),
    ("flow:system_export", PARTNERS),
    ("flow:calendar", PARTNERS),
    ("flow:escalation", PARTNERS),
    ("flow:aid", PARTNERS),
    ("flow:submit", SUBMITTERS),
    ("flow:import", SUBMITTERS),
    ("flow:import_template", SUBMITTERS),
]


@pytest.mark.parametrize("who", CAST)
@pytest.mark.parametrize(("name", "allowed"), PAGES, ids=lambda v: str(v))
def test_flow_page_permission_matrix(client_for, who, name, allowed):
    assert_may_see(client_for(who), who, reverse(name), allowed)


def user(cast, who):
    return cast[who] or AnonymousUser()


@pytest.mark.parametrize(
    ("who", "trust_a", "trust_b", "council"),
    [
        ("pmo", True, True, True),
        ("editor_a", True, False, False),
        ("editor_b", False, True, False),
        ("viewer", False, False, False),
        ("stranger", False, False, False),
        ("public", False, False, False),
    ],
)
def test_each_organisation_submits_only_its_own_return(
    cast, footprint, who, trust_a, trust_b, council
):
    for key, may, figures in (
        ("trust_a", trust_a, {"ga_beds_open": "5"}),
        ("trust_b", trust_b, {"ga_beds_open": "5"}),
        ("council", council, {"care_home_beds_available": "5"}),
    ):
        org = footprint[key]

        def attempt(org=org, figures=figures):
            return services.submit_return(
                organisation=org, day=TODAY, figures=figures, by=user(cast, who), now=NOW
            )

        if may:
            attempt()
            assert DailyReturn.objects.filter(organisation=org).exists()
        else:
            with pytest.raises(PermissionDenied):
                attempt()
            assert not DailyReturn.objects.filter(organisation=org).exists()


@pytest.mark.parametrize("who", ["editor_b", "viewer", "stranger", "public"])
def test_a_csv_for_trust_a_is_refused_to_anyone_but_its_staff(cast, footprint, who):
    rows = importers.read_returns(b"ODS code,Date,ga_beds_open\nRA1,2026-11-29,5\n", "a.csv")
    with pytest.raises((PermissionDenied, ImportRejected)):
        services.import_returns(rows=rows, filename="a.csv", by=user(cast, who), now=NOW)
    assert not DailyReturn.objects.exists()


@pytest.mark.parametrize("who", ["editor_a", "editor_b", "viewer", "stranger", "public"])
def test_only_the_programme_office_keeps_the_escalation_plan(cast, who):
    with pytest.raises(PermissionDenied):
        services.save_action(by=user(cast, who), level=3, text="Open escalation beds")
    with pytest.raises(PermissionDenied):
        services.save_contact(by=user(cast, who), name="On call", email="a@b.example")
    assert not EscalationAction.objects.exists() and not OnCallContact.objects.exists()
    services.save_action(by=cast["pmo"], level=3, text="Open escalation beds")
    assert EscalationAction.objects.get().text == "Open escalation beds"


@pytest.mark.parametrize(
    ("who", "may"),
    [
        ("pmo", True),
        ("editor_a", True),
        ("editor_b", False),
        ("viewer", False),
        ("stranger", False),
        ("public", False),
    ],
)
def test_aid_is_asked_for_only_by_the_asking_organisations_staff(cast, footprint, who, may):
    def ask():
        return services.log_aid(
            by=user(cast, who),
            from_organisation=footprint["trust_a"],
            to_organisation=footprint["trust_b"],
            is_offer=False,
            kind="beds",
            quantity=4,
            day=TODAY,
            now=NOW,
        )

    if may:
        assert ask().quantity == 4
    else:
        with pytest.raises(PermissionDenied):
            ask()
        assert not AidRequest.objects.exists()


@pytest.mark.parametrize(
    ("who", "may"),
    [
        ("pmo", True),
        ("editor_a", False),  # Trust A asked: it may withdraw, not agree for Trust B
        ("editor_b", True),  # asked of Trust B: its staff answer
        ("viewer", False),
        ("stranger", False),
        ("public", False),
    ],
)
def test_the_parties_record_the_outcome_of_aid(cast, footprint, who, may):
    aid = services.log_aid(
        by=cast["editor_a"],
        from_organisation=footprint["trust_a"],
        to_organisation=footprint["trust_b"],
        is_offer=False,
        kind="staff",
        quantity=2,
        day=TODAY,
        now=NOW,
    )
    if may:
        services.record_aid_outcome(by=user(cast, who), aid=aid, outcome="agreed")
        assert AidRequest.objects.get().outcome == "agreed"
    else:
        with pytest.raises(PermissionDenied):
            services.record_aid_outcome(by=user(cast, who), aid=aid, outcome="agreed")
        assert AidRequest.objects.get().outcome == "open"


def test_the_organisation_that_asked_may_withdraw_only(cast, footprint):
    aid = services.log_aid(
        by=cast["editor_a"],
        from_organisation=footprint["trust_a"],
        to_organisation=footprint["trust_b"],
        is_offer=False,
        kind="staff",
        quantity=2,
        day=TODAY,
        now=NOW,
    )
    with pytest.raises(PermissionDenied, match="Only the organisation asked may record"):
        services.record_aid_outcome(by=cast["editor_a"], aid=aid, outcome="partly")
    services.record_aid_outcome(by=cast["editor_a"], aid=aid, outcome="withdrawn")
    assert AidRequest.objects.get().outcome == "withdrawn"
    with pytest.raises(PermissionDenied):  # and the one asked cannot withdraw it for them
        services.record_aid_outcome(by=cast["editor_b"], aid=aid, outcome="withdrawn")


# POST-only actions: the programme office keeps the plan; a party to aid records its outcome.
@pytest.mark.parametrize("who", CAST)
def test_the_escalation_plan_actions_by_post(client_for, cast, who):
    client = client_for(who)
    action = EscalationAction.objects.create(level=2, text="Call the site leads")
    contact = OnCallContact.objects.create(name="On call", email="on.call@example.org")
    posts = [
        ("flow:action_add", [], {"level": "3", "text": "Open the lounge", "order": "0"}),
        ("flow:action_remove", [action.pk], {}),
        ("flow:contact_add", [], {"name": "Site", "email": "site@example.org"}),
        ("flow:contact_remove", [contact.pk], {}),
    ]
    for name, args, data in posts:
        response = client.post(reverse(name, args=args), data)
        if who == "pmo":
            assert response.status_code == 302 and response["Location"].endswith("/escalation/")
        elif who == "public":
            assert response.status_code == 302 and "/login/" in response["Location"]
        else:
            assert response.status_code == 403
    if who == "pmo":
        assert list(EscalationAction.objects.values_list("text", flat=True)) == ["Open the lounge"]
        assert list(OnCallContact.objects.values_list("name", flat=True)) == ["Site"]
    else:
        assert list(EscalationAction.objects.values_list("text", flat=True)) == [
            "Call the site leads"
        ]


@pytest.mark.parametrize(
    ("who", "may"),
    [
        ("pmo", True),
        ("editor_a", False),  # Trust A offered: it may withdraw the offer, not decline it
        ("editor_b", True),  # offered to any partner: Trust B's staff may decline it
        ("viewer", False),
        ("stranger", False),
        ("public", False),
    ],
)
def test_the_aid_outcome_by_post(client_for, cast, footprint, who, may):
    entry = services.log_aid(
        by=cast["pmo"],
        from_organisation=footprint["trust_a"],
        to_organisation=None,
        is_offer=True,
        kind="packages",
        quantity=3,
        day=TODAY,
        now=NOW,
    )
    response = client_for(who).post(
        reverse("flow:aid_outcome", args=[entry.pk]), {"outcome": "declined", "note": ""}
    )
    entry.refresh_from_db()
    assert entry.outcome == ("declined" if may else "open")
    if who == "public":
        assert "/login/" in response["Location"]
    elif not may:
        assert response.status_code == 403
