"""Build the demo footprint: a fictional two-county rural partnership of about 800,000
residents. Deterministic: the same code always makes the same footprint.

Every name and code is fictional. Organisation codes have the shape the ODS uses, in ranges
chosen not to be confused with real organisations; councils, Healthwatch and the voluntary
alliance have locally assigned codes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.text import slugify

from footprint.core import audit
from footprint.demo import population as demo_population
from footprint.demo.activity import build_activity
from footprint.demo.constants import DEMO_PASSWORD
from footprint.demo.decisions import build_decisions
from footprint.demo.engagement import build_engagement
from footprint.demo.finance import build_finance
from footprint.demo.plan import build_plan
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

SEED = 20170208
BASE_YEAR = 2025
PROJECTED_YEARS = 5


@dataclass(frozen=True)
class HoodSpec:
    name: str
    code: str
    residents: int
    rurality: float
    practices: int
    towns: tuple[str, ...]


PLACES = {
    (
        "Wyvernshire",
        "E10000099",
        "A county of market towns, a cathedral city and farmland, "
        "served by Wyvern Acute Hospitals.",
    ): [
        HoodSpec("Wyvern City North", "WYV01", 71_000, 0.1, 7, ("Northgate", "Barbourne")),
        HoodSpec("Wyvern City South", "WYV02", 68_000, 0.15, 6, ("St John's", "Lowesmoor")),
        HoodSpec("Droitbury and the Vale", "WYV03", 79_000, 0.6, 8, ("Droitbury", "Ombersley")),
        HoodSpec("Bromsgate", "WYV04", 98_000, 0.35, 9, ("Bromsgate", "Catshill", "Alvechurch")),
        HoodSpec("Redford", "WYV05", 86_000, 0.2, 8, ("Redford", "Headless Cross")),
        HoodSpec("Evesdon Vale", "WYV06", 60_000, 0.8, 7, ("Evesdon", "Pershall", "Broadway")),
        HoodSpec(
            "Malverne Hills", "WYV07", 78_000, 0.9, 7, ("Great Malverne", "Upton", "Tenby Wells")
        ),
        HoodSpec("Kiddersford and Wyre", "WYV08", 60_000, 0.5, 6, ("Kiddersford", "Stourley")),
    ],
    (
        "Marchshire",
        "E06000099",
        "A sparsely populated border county with one city and "
        "small market towns, served by Marches Hospital.",
    ): [
        HoodSpec("Hereton City", "MAR01", 62_000, 0.3, 7, ("Hereton", "Holmer")),
        HoodSpec(
            "Leomarsh and the North Marches", "MAR02", 45_000, 1.0, 5, ("Leomarsh", "Kington")
        ),
        HoodSpec("Ross Valley and the South Marches", "MAR03", 44_000, 0.95, 5, ("Ross", "Ewyas")),
        HoodSpec("Ledford and the East Marches", "MAR04", 41_000, 1.0, 5, ("Ledford", "Bromyard")),
    ],
}

PRACTICE_STYLES = (
    "{town} Medical Practice",
    "{town} Surgery",
    "The {town} Health Centre",
    "{town} Family Practice",
    "{street} Surgery, {town}",
)
STREETS = (
    "Church Street",
    "Station Road",
    "Bridge Street",
    "Mill Lane",
    "High Street",
    "Orchard Road",
    "Castle Street",
    "Abbey Road",
    "Market Place",
    "Riverside",
)


def _organisations(wyvern: Place, marches: Place) -> list[tuple[dict[str, object], list[Place]]]:
    both = [wyvern, marches]
    k = OrganisationKind
    return [
        (
            {
                "ods_code": "QW9",
                "name": "NHS Wyvern and Marches Integrated Care Board",
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
                "name": "Marches Hospital NHS Foundation Trust",
                "kind": k.ACUTE_TRUST,
                "has_statutory_board": True,
            },
            [marches],
        ),
        (
            {
                "ods_code": "RX9",
                "name": "Wyvern and Marches Health and Care NHS Trust "
                "(community and mental health)",
                "kind": k.COMMUNITY_TRUST,
                "has_statutory_board": True,
            },
            both,
        ),
        (
            {
                "ods_code": "RY9",
                "name": "Heart of the Marches Ambulance Service NHS Foundation Trust",
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
                "name": "Marchshire Council",
                "kind": k.LOCAL_AUTHORITY,
                "has_statutory_board": True,
            },
            [marches],
        ),
        (
            {
                "ods_code": "HW901",
                "name": "Healthwatch Wyvern and Marches",
                "kind": k.HEALTHWATCH,
                "has_statutory_board": False,
            },
            both,
        ),
        (
            {
                "ods_code": "VS901",
                "name": "Wyvern and Marches Voluntary Sector Alliance",
                "kind": k.VOLUNTARY,
                "has_statutory_board": False,
            },
            both,
        ),
        (
            {
                "ods_code": "GPF01",
                "name": "Wyvern GP Federation",
                "kind": k.OTHER,
                "has_statutory_board": False,
            },
            [wyvern],
        ),
    ]


USERS = [
    # username, first, last, partnership role, (ODS code, role)
    ("pmo", "Priya", "Okafor", PartnershipRoleKind.PROGRAMME_OFFICE, None),
    ("chair", "Jagdeep", "Hollins", PartnershipRoleKind.CHAIR, ("QW9", Role.BOARD_MEMBER)),
    ("editor.wyvern", "Sam", "Fletcher", None, ("RW9", Role.EDITOR)),
    ("editor.marches", "Rhian", "Powell", None, ("RM9", Role.EDITOR)),
    ("finance.wyvern", "Tom", "Ashby", None, ("RW9", Role.FINANCE)),
    ("workforce.marches", "Grace", "Oyelaran", None, ("RM9", Role.WORKFORCE)),
    ("board.community", "Helen", "Marsh", None, ("RX9", Role.BOARD_MEMBER)),
    ("viewer", "Dev", "Malik", None, ("HW901", Role.VIEWER)),
]


def demo_loaded() -> bool:
    return System.objects.exists()


@transaction.atomic
def build() -> dict[str, int]:
    """Create the demo footprint in an empty database. Returns counts of what was made."""
    rng = np.random.default_rng(SEED)
    system = System.objects.create(
        name="Wyvern and Marches Health and Care Partnership",
        short_name="Wyvern and Marches",
        code="QW9",
        base_year=BASE_YEAR,
        description=(
            "The NHS, the two county councils, GP practices, Healthwatch and voluntary groups "
            "of Wyvernshire and Marchshire, planning and deciding together how to look after "
            "the health and care of 800,000 people across two rural counties. "
            "(A fictional partnership: the demo footprint of the Footprint software.)"
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
                name = style.format(town=town, street=STREETS[int(rng.integers(len(STREETS)))])
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
            series.extend(_population_of(hood, spec, rng))
    names_seen: dict[str, int] = {}
    for org, _ in practices:
        names_seen[org.name] = names_seen.get(org.name, 0) + 1
        if names_seen[org.name] > 1:
            org.name = f"{org.name} ({org.ods_code})"
    Organisation.objects.bulk_create([o for o, _ in practices])
    for fields, served in _organisations(places["Wyvernshire"], places["Marchshire"]):
        org = Organisation.objects.create(**fields)
        org.places.set(served)
    Population.objects.bulk_create(series)
    users = _users()
    plan = build_plan()
    decisions = build_decisions()
    workforce = build_workforce()
    activity = build_activity(BASE_YEAR, rng)
    finance = build_finance(BASE_YEAR)
    engagement = build_engagement()
    audit.record(actor=None, action="load_demo", summary="Loaded the demo footprint")
    return {
        "places": len(places),
        "neighbourhoods": Neighbourhood.objects.count(),
        "organisations": Organisation.objects.count(),
        "practices": len(practices),
        "residents": sum(p.total for p in series if p.year == BASE_YEAR),
        "users": users,
        **plan,
        **decisions,
        **workforce,
        **activity,
        **finance,
        **engagement,
    }


def _population_of(
    hood: Neighbourhood, spec: HoodSpec, rng: np.random.Generator
) -> list[Population]:
    female, male = demo_population.base_population(spec.residents, spec.rurality, rng)
    out = [
        Population(
            neighbourhood=hood,
            year=BASE_YEAR,
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
                    year=BASE_YEAR + offset,
                    sex=sex,
                    source=PopulationSource.PROJECTION,
                    counts=counts.tolist(),
                    total=int(counts.sum()),
                )
            )
    return out


def _users() -> int:
    User = get_user_model()
    orgs = {
        o.ods_code: o
        for o in Organisation.objects.filter(ods_code__in=[u[4][0] for u in USERS if u[4]])
    }
    for username, first, last, prole, membership in USERS:
        user = User(
            username=username, first_name=first, last_name=last, email=f"{username}@example.org"
        )
        if prole == PartnershipRoleKind.PROGRAMME_OFFICE:
            user.is_staff = True
            user.is_superuser = True
        user.set_password(DEMO_PASSWORD)
        user.save()
        if prole:
            PartnershipRole.objects.create(user=user, role=prole)
        if membership:
            Membership.objects.create(
                user=user, organisation=orgs[membership[0]], role=membership[1]
            )
    return len(USERS)
