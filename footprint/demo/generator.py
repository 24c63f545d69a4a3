"""Build the demo footprint: a fictional two-county rural partnership of about 800,000
residents. Deterministic: the same code and the same ``today`` always make the same footprint.

Every name and code is fictional: the places are invented (``places.py``), not real English
towns. Organisation codes have the shape the ODS uses, in ranges chosen not to be confused with
real organisations; councils, Healthwatch and the voluntary alliance have locally assigned
codes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from footprint.core import audit
from footprint.demo import population as demo_population
from footprint.demo.activity import build_activity, place_in_small_areas, start_runs
from footprint.demo.constants import AMBULANCE_SHARE, DEMO_PASSWORD, DEMO_PRACTICE
from footprint.demo.decisions import build_decisions
from footprint.demo.engagement import build_engagement
from footprint.demo.finance import build_finance
from footprint.demo.flow import build_flow
from footprint.demo.inequalities import build_inequalities
from footprint.demo.places import PLACES, PRACTICE_STYLES, STREETS, HoodSpec
from footprint.demo.plan import build_flow_goals, build_plan
from footprint.demo.timeline import Clock, Timeline, running_on
from footprint.demo.winter import build_winter
from footprint.demo.workforce import build_workforce
from footprint.engine.population import project
from footprint.partnership.models import (
    Membership,
    Neighbourhood,
    Organisation,
    OrganisationKind,
    PartnershipRole,
    PartnershipRoleKind,
    Place,
    Population,
    PopulationSource,
    Role,
    Sex,
    System,
)


class AuditAction(StrEnum):
    """What the audit trail records this app's services doing."""

    LOAD_DEMO = "load_demo"


SEED = 20170208
# The base year the benchmarks draw the demo's records for without a database; the demo
# itself takes its base year from the day it is built for.
BASE_YEAR = 2025
PROJECTED_YEARS = 5


def _organisations(wyvern: Place, dale: Place) -> list[tuple[dict[str, object], list[Place]]]:
    both = [wyvern, dale]
    k = OrganisationKind
    return [
        (
            {
                "ods_code": "QW9",
                "name": "NHS Wyvern and Hallowdale Integrated Care Board",
                "kind": k.COMMISSIONER,
                "has_statutory_board": True,
            },
            both,
        ),
        (
            {
                "ods_code": "RW9",
                "name": "Wyvern Acute Hospitals NHS Trust",
                "kind": k.ACUTE_TRUST,
                "has_statutory_board": True,
            },
            [wyvern],
        ),
        (
            {
                "ods_code": "RM9",
                "name": "Hallowdale Hospital NHS Foundation Trust",
                "kind": k.ACUTE_TRUST,
                "has_statutory_board": True,
            },
            [dale],
        ),
        (
            {
                "ods_code": "RX9",
                "name": "Wyvern and Hallowdale Health and Care NHS Trust "
                "(community and mental health)",
                "kind": k.COMMUNITY_TRUST,
                "has_statutory_board": True,
            },
            both,
        ),
        (
            {
                "ods_code": "RY9",
                "name": "Three Vales Ambulance Service NHS Foundation Trust",
                "kind": k.AMBULANCE_TRUST,
                "has_statutory_board": True,
            },
            both,
        ),
        (
            {
                "ods_code": "LA901",
                "name": "Wyvernshire County Council",
                "kind": k.LOCAL_AUTHORITY,
                "has_statutory_board": True,
            },
            [wyvern],
        ),
        (
            {
                "ods_code": "LA902",
                "name": "Hallowdale Council",
                "kind": k.LOCAL_AUTHORITY,
                "has_statutory_board": True,
            },
            [dale],
        ),
        (
            {
                "ods_code": "HW901",
                "name": "Healthwatch Wyvern and Hallowdale",
                "kind": k.HEALTHWATCH,
                "has_statutory_board": False,
            },
            both,
        ),
        (
            {
                "ods_code": "VS901",
                "name": "Wyvern and Hallowdale Voluntary Sector Alliance",
                "kind": k.VOLUNTARY,
                "has_statutory_board": False,
            },
            both,
        ),
        (
            {
                "ods_code": "GPF01",
                "name": "Wyvern GP Federation",
                "kind": k.PCN,
                "has_statutory_board": False,
            },
            [wyvern],
        ),
    ]


@dataclass(frozen=True)
class DemoUser:
    """A demo login, and what the printed list says it does."""

    username: str
    first: str
    last: str
    does: str
    role: PartnershipRoleKind | None = None
    membership: tuple[str, Role] | None = None  # (ODS code, role)
    also: tuple[Role, ...] = ()  # further roles at the same organisation


B = Role.BOARD_MEMBER
USERS = [
    DemoUser(
        "pmo",
        "Priya",
        "Okafor",
        "programme office (and the admin): loads data, moderates consultations, records "
        "meetings and decisions, publishes",
        PartnershipRoleKind.PROGRAMME_OFFICE,
    ),
    DemoUser(
        "chair",
        "Jagdeep",
        "Hollins",
        "partnership chair and ICB board member: records the ICB's consent to proposals",
        PartnershipRoleKind.CHAIR,
        ("QW9", B),
    ),
    DemoUser(
        "editor.wyvern",
        "Sam",
        "Fletcher",
        "editor and organisation lead at Wyvern Acute Hospitals (RW9): keeps its details, "
        "sends its messages, invites and manages its people",
        membership=("RW9", Role.EDITOR),
        also=(Role.ORGANISATION_LEAD,),
    ),
    DemoUser(
        "editor.hallowdale",
        "Rhian",
        "Powell",
        "editor at Hallowdale Hospital (RM9): keeps its details, sends its messages",
        membership=("RM9", Role.EDITOR),
    ),
    DemoUser(
        "finance.wyvern",
        "Tom",
        "Ashby",
        "finance at RW9: uploads and changes RW9's financial plans",
        membership=("RW9", Role.FINANCE),
    ),
    DemoUser(
        "workforce.hallowdale",
        "Grace",
        "Oyelaran",
        "workforce at RM9: imports RM9's workforce returns and agency shifts",
        membership=("RM9", Role.WORKFORCE),
    ),
    DemoUser(
        "board.community",
        "Helen",
        "Marsh",
        "board member of the community and mental health trust (RX9): records its consent",
        membership=("RX9", B),
    ),
    DemoUser(
        "viewer",
        "Dev",
        "Malik",
        "viewer at Healthwatch: reads the plan, the numbers and the decisions",
        membership=("HW901", Role.VIEWER),
    ),
    DemoUser(
        "practice.manager",
        "Lucy",
        "Brennan",
        f"practice manager at {DEMO_PRACTICE}: receives the partnership's messages to "
        "practices in the practice's inbox and acknowledges them",
        membership=(DEMO_PRACTICE, Role.VIEWER),
    ),
    # The other members' representatives on the forums: each a board member of their own
    # organisation. Healthwatch sits without a vote, and neither it nor the voluntary alliance
    # has a statutory board to consent: they speak, count to quorum (the alliance) and may
    # bring proposals.
    DemoUser(
        "rep.rw9", "Anita", "Sharma", "RW9's representative: records its consent", None, ("RW9", B)
    ),
    DemoUser(
        "rep.rm9",
        "Owen",
        "Pritchard",
        "RM9's representative: records its consent",
        None,
        ("RM9", B),
    ),
    DemoUser(
        "rep.ry9", "Marcus", "Bell", "RY9's representative: records its consent", None, ("RY9", B)
    ),
    DemoUser(
        "rep.la901",
        "Councillor Ruth",
        "Adeyemi",
        "Wyvernshire County Council's representative: records its consent",
        None,
        ("LA901", B),
    ),
    DemoUser(
        "rep.la902",
        "Councillor Gareth",
        "Lloyd",
        "Hallowdale Council's representative: records its consent",
        None,
        ("LA902", B),
    ),
    DemoUser(
        "rep.hw901",
        "Sue",
        "Whitaker",
        "Healthwatch's representative (no vote): speaks at the forums, brings proposals",
        None,
        ("HW901", B),
    ),
    DemoUser(
        "rep.vs901",
        "Kofi",
        "Mensah",
        "the voluntary alliance's representative (no statutory board to consent): brings proposals",
        None,
        ("VS901", B),
    ),
]


def demo_loaded() -> bool:
    return System.objects.exists()


def build(today: dt.date | None = None) -> dict[str, int]:
    """Create the demo footprint in an empty database, as it would be on ``today`` (the real
    date unless given: the one time the demo asks): the last complete month is the latest
    data. Returns counts of what was made."""
    timeline = Timeline(today or timezone.localdate())
    with running_on(timeline) as clock, transaction.atomic():
        return _build(timeline, clock)


def _build(timeline: Timeline, clock: Clock) -> dict[str, int]:
    rng = np.random.default_rng(SEED)
    base_year = timeline.financial_year
    system = System.objects.create(
        name="Wyvern and Hallowdale Health and Care Partnership",
        short_name="Wyvern and Hallowdale",
        code="QW9",
        base_year=base_year,
        description=(
            "The NHS, the two councils, GP practices, Healthwatch and voluntary groups "
            "of Wyvernshire and Hallowdale, planning and deciding together how to look after "
            "the health and care of 800,000 people across two rural counties. "
            "Three Vales Ambulance Service serves the whole Three Vales region; the figures "
            f"here are the {AMBULANCE_SHARE:.0%} of its income and staff that serve Wyvern and "
            "Hallowdale. (A fictional partnership: the demo footprint of the Footprint software.)"
        ),
    )
    places: dict[str, Place] = {}
    practice_number = {"E10000099": 90001, "E06000099": 95001}
    pcn_number = 90001
    series: list[Population] = []
    practices: list[tuple[Organisation, Neighbourhood]] = []
    for (pname, pcode, pdesc), hoods in PLACES.items():
        place = Place.objects.create(
            system=system, name=pname, slug=slugify(pname), code=pcode, description=pdesc
        )
        places[pname] = place
        for spec in hoods:
            hood = Neighbourhood.objects.create(
                place=place,
                name=spec.name,
                slug=slugify(spec.name),
                code=spec.code,
                description=f"Around {', '.join(spec.towns)}.",
            )
            Organisation.objects.create(
                ods_code=f"U{pcn_number}",
                name=f"{spec.name} Primary Care Network",
                kind=OrganisationKind.PCN,
                neighbourhood=hood,
            )
            pcn_number += 1
            for i in range(spec.practices):
                town = spec.towns[i % len(spec.towns)]
                style = PRACTICE_STYLES[int(rng.integers(len(PRACTICE_STYLES)))]
                name = _distinct(
                    style.format(town=town, street=STREETS[int(rng.integers(len(STREETS)))]),
                    town,
                    {o.name for o, _ in practices},
                )
                code = f"M{practice_number[pcode]}"
                practice_number[pcode] += 1
                practices.append(
                    (
                        Organisation(
                            ods_code=code,
                            name=name,
                            kind=OrganisationKind.GP_PRACTICE,
                            neighbourhood=hood,
                        ),
                        hood,
                    )
                )
            series.extend(_population_of(hood, spec, base_year, rng))
    Organisation.objects.bulk_create([o for o, _ in practices])
    for fields, served in _organisations(places["Wyvernshire"], places["Hallowdale"]):
        org = Organisation.objects.create(**fields)
        org.places.set(served)
    Population.objects.bulk_create(series)
    users = _users()
    workforce = build_workforce(timeline)
    plan = build_plan(timeline)
    decisions = build_decisions(timeline, clock)
    activity = build_activity(base_year, rng)
    finance = build_finance(timeline, clock)
    engagement = build_engagement(timeline, clock)
    flow = build_flow(timeline)
    flow_goals = build_flow_goals(timeline)  # after the daily returns; publishes the plan
    inequalities = build_inequalities(base_year)
    place_in_small_areas(base_year)  # after the small areas: activity by deprivation quintile
    start_runs()  # demand runs, after the quintiles (a Core20PLUS5 scheme names quintile 1)
    winter = build_winter(timeline)
    clock.go(timeline.moment(timeline.today, 7))
    audit.record(actor=None, action=AuditAction.LOAD_DEMO, summary="Loaded the demo footprint")
    return {
        "places": len(places),
        "neighbourhoods": Neighbourhood.objects.count(),
        "organisations": Organisation.objects.count(),
        "practices": len(practices),
        "residents": sum(p.total for p in series if p.year == base_year),
        "users": users,
        **plan,
        **decisions,
        **workforce,
        **activity,
        **finance,
        **engagement,
        **winter,
        **flow,
        **flow_goals,
        **inequalities,
    }


def _distinct(name: str, town: str, taken: set[str]) -> str:
    """A practice drawn with a name another already has is told apart the way real ones are,
    by the street it is on, never by its ODS code (pages show the code beside the name)."""
    if name not in taken:
        return name
    return next(
        candidate
        for street in STREETS
        for candidate in (f"{street} Surgery, {town}", f"{street} Medical Centre, {town}")
        if candidate not in taken
    )


def _population_of(
    hood: Neighbourhood, spec: HoodSpec, base_year: int, rng: np.random.Generator
) -> list[Population]:
    female, male = demo_population.base_population(spec.residents, spec.rurality, rng)
    out = [
        Population(
            neighbourhood=hood,
            year=base_year,
            sex=sex,
            source=PopulationSource.ESTIMATE,
            counts=counts.tolist(),
            total=int(counts.sum()),
        )
        for sex, counts in ((Sex.FEMALE, female), (Sex.MALE, male))
    ]
    projected = project(
        female, male, demo_population.assumptions(spec.residents, spec.rurality), PROJECTED_YEARS
    )
    for offset, (f, m) in enumerate(projected, start=1):
        for sex, counts in ((Sex.FEMALE, f), (Sex.MALE, m)):
            out.append(
                Population(
                    neighbourhood=hood,
                    year=base_year + offset,
                    sex=sex,
                    source=PopulationSource.PROJECTION,
                    counts=counts.tolist(),
                    total=int(counts.sum()),
                )
            )
    return out


def _users() -> int:
    """The demo logins, all with one password (hashed once: hashing is deliberately slow)."""
    User = get_user_model()
    orgs = {
        o.ods_code: o
        for o in Organisation.objects.filter(
            ods_code__in=[u.membership[0] for u in USERS if u.membership]
        )
    }
    password = make_password(DEMO_PASSWORD)
    for u in USERS:
        user = User.objects.create(
            username=u.username,
            first_name=u.first,
            last_name=u.last,
            email=f"{u.username}@example.org",
            password=password,
            is_staff=u.role == PartnershipRoleKind.PROGRAMME_OFFICE,
            is_superuser=u.role == PartnershipRoleKind.PROGRAMME_OFFICE,
        )
        if u.role:
            PartnershipRole.objects.create(user=user, role=u.role)
        if u.membership:
            for role in (u.membership[1], *u.also):
                Membership.objects.create(user=user, organisation=orgs[u.membership[0]], role=role)
    return len(USERS)
