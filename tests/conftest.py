"""The standing cast and a small footprint, shared by every test that needs the database.

The cast: a programme office user, an editor of trust A, an editor of trust B, a viewer,
a logged-in person with no role, and a member of the public (anonymous).
"""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.utils import timezone
from hypothesis import settings as hypothesis_settings

from footprint.partnership.models import (
    Membership,
    Neighbourhood,
    Organisation,
    OrganisationKind,
    PartnershipRole,
    PartnershipRoleKind,
    Place,
    Population,
    Role,
    System,
)

# CI runs the same examples every time, so a red run can be reproduced; on a laptop each run
# explores new ones.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")

PASSWORD = "correct-horse-battery-staple"


def pytest_configure(config):
    """Every page the tests render fails on a misspelt or missing name in its template."""
    from django.conf import settings

    settings.FOOTPRINT_STRICT_TEMPLATES = True
    # Every test sees pages rendered afresh (tests/integration/test_page_cache.py turns the
    # public page cache on for itself).
    settings.FOOTPRINT_PAGE_CACHE_SECONDS = 0
    # The test client and the browser tests' live server speak plain HTTP; production redirects
    # it to HTTPS (tests/unit/test_settings.py checks the production settings).
    settings.SECURE_SSL_REDIRECT = False


def flat(n: int) -> list[int]:
    return [n] * 91


@pytest.fixture
def footprint(db):
    """Two places, three neighbourhoods, two trusts, a council and three practices, with a
    2025 population of 10 people per age and sex in each neighbourhood (1,820 each)."""
    system = System.objects.create(name="Test Partnership", description="A test.", base_year=2025)
    north = Place.objects.create(
        system=system, name="Northshire", slug="northshire", code="E10000901"
    )
    south = Place.objects.create(
        system=system, name="Southshire", slug="southshire", code="E06000902"
    )
    hoods = {
        "N1": Neighbourhood.objects.create(
            place=north, name="North One", slug="north-one", code="N1"
        ),
        "N2": Neighbourhood.objects.create(
            place=north, name="North Two", slug="north-two", code="N2"
        ),
        "S1": Neighbourhood.objects.create(
            place=south, name="South One", slug="south-one", code="S1"
        ),
    }
    trust_a = Organisation.objects.create(
        ods_code="RA1",
        name="Trust A Hospitals",
        kind=OrganisationKind.ACUTE_TRUST,
        has_statutory_board=True,
    )
    trust_a.places.set([north])
    trust_b = Organisation.objects.create(
        ods_code="RB1",
        name="Trust B Hospitals",
        kind=OrganisationKind.ACUTE_TRUST,
        has_statutory_board=True,
    )
    trust_b.places.set([south])
    council = Organisation.objects.create(
        ods_code="LA001",
        name="Northshire Council",
        kind=OrganisationKind.LOCAL_AUTHORITY,
        has_statutory_board=True,
    )
    council.places.set([north])
    for i, code in enumerate(["N1", "N1", "S1"]):
        Organisation.objects.create(
            ods_code=f"A0000{i}",
            name=f"Practice {i}",
            kind=OrganisationKind.GP_PRACTICE,
            neighbourhood=hoods[code],
        )
    for hood in hoods.values():
        for sex in "FM":
            Population.objects.create(
                neighbourhood=hood,
                year=2025,
                sex=sex,
                source="estimate",
                counts=flat(10),
                total=910,
            )
            Population.objects.create(
                neighbourhood=hood,
                year=2026,
                sex=sex,
                source="projection",
                counts=flat(11),
                total=1001,
            )
    return {
        "system": system,
        "north": north,
        "south": south,
        "hoods": hoods,
        "trust_a": trust_a,
        "trust_b": trust_b,
        "council": council,
    }


def make_user(django_user_model, username: str, **flags):
    return django_user_model.objects.create_user(
        username=username, password=PASSWORD, first_name=username.title(), **flags
    )


@pytest.fixture
def cast(footprint, django_user_model):
    """The standing cast, by name."""
    pmo = make_user(django_user_model, "pmo")
    PartnershipRole.objects.create(user=pmo, role=PartnershipRoleKind.PROGRAMME_OFFICE)
    editor_a = make_user(django_user_model, "editor_a")
    Membership.objects.create(user=editor_a, organisation=footprint["trust_a"], role=Role.EDITOR)
    editor_b = make_user(django_user_model, "editor_b")
    Membership.objects.create(user=editor_b, organisation=footprint["trust_b"], role=Role.EDITOR)
    viewer = make_user(django_user_model, "viewer")
    Membership.objects.create(user=viewer, organisation=footprint["council"], role=Role.VIEWER)
    stranger = make_user(django_user_model, "stranger")
    return {
        "pmo": pmo,
        "editor_a": editor_a,
        "editor_b": editor_b,
        "viewer": viewer,
        "stranger": stranger,
        "public": None,
    }


@pytest.fixture
def client_for(client, cast):
    """A test client logged in as one of the cast (``None`` for the public)."""

    def login(name: str):
        client.logout()
        user = cast[name]
        if user is not None:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return login


CAST = ("pmo", "editor_a", "editor_b", "viewer", "stranger", "public")
PARTNERS = frozenset({"pmo", "editor_a", "editor_b", "viewer"})


def assert_may_see(client, who: str, path: str, allowed: set[str] | frozenset[str]) -> None:
    """The permission matrix's rule for one page: those allowed get it, the public is sent to
    log in, anyone else logged in is refused with a 403 page that says so."""
    from django.urls import reverse

    response = client.get(path)
    if who in allowed:
        assert response.status_code == 200, f"{who} should see {path}"
    elif who == "public":
        assert response.status_code == 302, f"the public should be asked to log in at {path}"
        assert response["Location"].startswith(reverse("core:login"))
    else:
        assert response.status_code == 403, f"{who} should be refused {path}"
        assert "permission" in response.content.decode().lower()


@pytest.fixture
def clock(monkeypatch):
    """Set the project's clock to noon (UTC) on a given day, so that a test's "today" cannot
    change under it (a suite run across midnight saw two different days)."""

    def set_to(day: dt.date) -> None:
        instant = dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC)
        monkeypatch.setattr(timezone, "now", lambda: instant)

    return set_to


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Argon2 is deliberately slow; tests use a fast hasher (production keeps Argon2)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def plan(footprint):
    """A draft plan with one goal for Trust A (A&E within 4 hours, higher is better), on a
    metric owned by Trust A, with 24 months of figures that end in a run of 8 low months."""
    import datetime as dt

    from footprint.plans.models import Goal, Measurement, Metric, Plan, Priority

    the_plan = Plan.objects.create(
        title="Test Plan", start_year=2023, end_year=2027, summary="Our plan in a sentence."
    )
    priority = Priority.objects.create(plan=the_plan, title="Urgent care", order=1)
    metric = Metric.objects.create(
        slug="ae-4-hour",
        name="A&E within 4 hours",
        unit="%",
        improvement="increase",
        definition="Share seen within four hours.",
        data_source="Test",
        owner=footprint["trust_a"],
        next_review=dt.date(2026, 1, 1),
    )
    values = [70.0, 72.0] * 8 + [66.0] * 8
    for i, v in enumerate(values):
        Measurement.objects.create(
            metric=metric,
            organisation=footprint["trust_a"],
            period=dt.date(2023 + (3 + i) // 12, (3 + i) % 12 + 1, 1),
            value=v,
        )
    goal = Goal.objects.create(
        priority=priority,
        statement="Four in five seen within four hours at Trust A",
        metric=metric,
        organisation=footprint["trust_a"],
        owner=footprint["trust_a"],
        baseline_value=71.0,
        baseline_date=dt.date(2023, 4, 1),
        target_value=80.0,
        target_date=dt.date(2026, 3, 1),
    )
    return {"plan": the_plan, "priority": priority, "metric": metric, "goal": goal}


@pytest.fixture
def forums(cast, footprint):
    """A system board above a Northshire alliance. Representatives: editor_a for Trust A,
    editor_b for Trust B (board only), viewer for the council; the Northshire alliance may
    take investments up to £1m, the board any. Each forum met on 1 March 2025 with all its
    members present."""
    import datetime as dt

    from footprint.decisions.models import DecisionType, Delegation, Forum, ForumMember
    from footprint.decisions.services import record_meeting

    board = Forum.objects.create(
        name="Board",
        slug="board",
        layer="system",
        terms_of_reference="All of it.",
        quorum_share=0.5,
        decision_rule="consent",
    )
    alliance = Forum.objects.create(
        name="Northshire Alliance",
        slug="alliance",
        layer="place",
        place=footprint["north"],
        parent=board,
        terms_of_reference="Northshire.",
        quorum_count=2,
        quorum_groups=["nhs_provider", "council"],
        decision_rule="consent",
    )
    for forum, reps in (
        (board, [("trust_a", "editor_a"), ("trust_b", "editor_b"), ("council", "viewer")]),
        (alliance, [("trust_a", "editor_a"), ("council", "viewer")]),
    ):
        for org, person in reps:
            ForumMember.objects.create(
                forum=forum, organisation=footprint[org], representative=cast[person]
            )
    investment = DecisionType.objects.create(name="Investment", slug="investment")
    Delegation.objects.create(decision_type=investment, forum=alliance, limit_pence=1_000_000_00)
    Delegation.objects.create(decision_type=investment, forum=board, limit_pence=None)
    meetings = {
        f.slug: record_meeting(
            forum=f,
            date=dt.date(2025, 3, 1),
            attendees=[m.representative for m in f.members.all()],
            by=cast["pmo"],
        )
        for f in (board, alliance)
    }
    return {"board": board, "alliance": alliance, "investment": investment, "meetings": meetings}


@pytest.fixture
def workforce_user(footprint, django_user_model):
    """A workforce lead at Trust A."""
    user = make_user(django_user_model, "workforce_a")
    Membership.objects.create(user=user, organisation=footprint["trust_a"], role=Role.WORKFORCE)
    return user


@pytest.fixture
def icb(footprint):
    """The footprint's commissioner."""
    return Organisation.objects.create(
        ods_code="QA1", name="Test ICB", kind=OrganisationKind.COMMISSIONER
    )


@pytest.fixture
def finance_team(cast, footprint, django_user_model):
    """A finance lead at each trust: ``finance_a`` and ``finance_b``."""
    out = {}
    for key in ("a", "b"):
        user = make_user(django_user_model, f"finance_{key}")
        Membership.objects.create(
            user=user, organisation=footprint[f"trust_{key}"], role=Role.FINANCE
        )
        out[key] = user
    return out
