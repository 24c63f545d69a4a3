"""The set-up checklist: from an empty database to a working partnership, each step with how far
it has got and the page where it is done.

The partnership app sits below the others (the layers in pyproject.toml), so it does not import
their models: it counts their records through Django's app registry by name, and links to
their pages by URL name, taking the first that exists. A step whose own set-up page is not built
yet links to what exists and says so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.apps import apps
from django.urls import NoReverseMatch, reverse

from footprint.partnership import queries


@dataclass(frozen=True)
class Link:
    text: str
    href: str


@dataclass(frozen=True)
class Step:
    title: str
    what: str
    counts: list[str]
    done: bool
    links: list[Link] = field(default_factory=list)
    note: str = ""


def _count(label: str, **filters: object) -> int:
    """How many records a model of another app holds (0 when that app or model is absent)."""
    app, name = label.split(".")
    try:
        model = apps.get_model(app, name)
    except LookupError:
        return 0
    return int(model._default_manager.filter(**filters).count())


def _link(*candidates: tuple[str, str]) -> Link | None:
    """The first of ``(URL name, text)`` whose page exists."""
    for name, text in candidates:
        try:
            return Link(text, reverse(name))
        except NoReverseMatch:
            continue
    return None


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def _links(*links: Link | None) -> list[Link]:
    return [link for link in links if link is not None]


def steps(*, now: dt.datetime) -> list[Step]:
    """The set-up checklist's steps as the records stand at ``now``."""
    c = queries.setup_counts(now=now)
    system = queries.the_system()
    _, hood_checks = queries.code_checks()
    unmatched = [h.area.name for h in hood_checks if not h.matches]
    out = [
        Step(
            "Name the partnership",
            "Its name, its ICB or STP code, what it is in plain English for the public, and the "
            "year its population figures start from.",
            [f"Named {system.name}, base year {system.base_year}" if system else "Not set up yet"],
            bool(c["systems"]),
            _links(Link("Name and describe the partnership", reverse("partnership:system_edit"))),
        ),
        Step(
            "Add places and neighbourhoods",
            "Each place (usually a council area) and its neighbourhoods, with the geography "
            "codes the population files use.",
            [_plural(c["places"], "place"), _plural(c["neighbourhoods"], "neighbourhood")],
            bool(c["places"] and c["neighbourhoods"]),
            _links(Link("Places and neighbourhoods", reverse("partnership:places"))),
        ),
        Step(
            "Import the organisations",
            "Every member organisation by its ODS code: trusts, the ICB, councils, practices "
            "(each in its neighbourhood), the voluntary sector.",
            [_plural(c["organisations"], "organisation")],
            bool(c["organisations"]),
            _links(Link("Import a file of organisations", reverse("partnership:imports"))),
        ),
        Step(
            "Import the population",
            "ONS mid-year estimates and projections, matched to the places and neighbourhoods "
            "by their codes.",
            [
                _plural(c["population_series"], "series", "series"),
                _plural(c["population_years"], "year"),
                "every neighbourhood's code matches imported figures"
                if hood_checks and not unmatched
                else f"no figures yet for {', '.join(unmatched)}"
                if unmatched
                else "no neighbourhoods yet",
            ],
            bool(c["population_series"]) and not unmatched,
            _links(
                Link("Import population files", reverse("partnership:imports")),
                Link("Check the codes", reverse("partnership:places")),
            ),
        ),
        Step(
            "Invite people",
            "Invite each organisation's people by email with their role; an organisation lead "
            "can then invite the rest of their own organisation.",
            [
                _plural(c["signed_in"], "person has signed in", "people have signed in"),
                _plural(c["waiting_invitations"], "invitation") + " waiting",
            ],
            bool(c["signed_in"] > 1),
            _links(
                Link("Invite someone", reverse("partnership:invite")),
                Link("People", reverse("partnership:people")),
                Link("What each role may do", reverse("partnership:roles")),
            ),
        ),
    ]
    forums = _link(
        ("decisions:setup", "Set up forums and the scheme of delegation"),
        ("decisions:forum_new", "Add a forum"),
    )
    delegation = _link(("decisions:delegation", "The scheme of delegation"))
    out.append(
        Step(
            "Set up the forums and the scheme of delegation",
            "Each forum at its layer with its seats (organisation, representative, deputies), "
            "its quorum, and which forum decides what up to what value.",
            [
                _plural(_count("decisions.Forum"), "forum"),
                _plural(_count("decisions.ForumMember"), "seat"),
                _plural(_count("decisions.Delegation"), "delegation"),
            ],
            bool(_count("decisions.Forum") and _count("decisions.Delegation")),
            _links(forums, delegation, _link(("decisions:index", "Decisions"))),
            ""
            if forums and delegation
            else "The pages for setting up forums and delegation are not all built yet: until "
            "they are, the programme office does what they do not cover in the admin site.",
        )
    )
    plans = _count("plans.Plan")
    start = _link(("plans:setup", "Set up the plan"), ("plans:plan_new", "Start the plan"))
    goal = _link(("plans:goal_new", "Add a goal"))
    metrics = _link(("plans:metrics", "Metrics"))
    out.append(
        Step(
            "Write the plan and its metrics",
            "The five-year plan, its priorities and goals, each goal on a metric with its "
            "definition, owner and next review, and the figures behind it.",
            [
                _plural(plans, "plan"),
                _plural(_count("plans.Goal"), "goal"),
                _plural(_count("plans.Metric"), "metric"),
            ],
            bool(plans and _count("plans.Goal")),
            _links(
                None if plans else start,
                _link(("plans:metric_new", "Add a metric")),
                goal if plans else None,
                metrics,
                _link(("plans:overview", "The plan")),
            ),
            ""
            if start and goal and metrics
            else "The pages for writing the plan and its metrics are not all built yet: until "
            "they are, the programme office adds what is missing in the admin site.",
        )
    )
    contracts = _link(
        ("finance:setup", "Set up contracts"),
        ("finance:contracts", "Contracts"),
        ("finance:contract_new", "Add a contract"),
    )
    out.append(
        Step(
            "Record contracts and the risk-share agreement",
            "The contracts between commissioners and providers, the risk-share agreement and "
            "each organisation's control total.",
            [
                _plural(_count("finance.Contract"), "contract"),
                _plural(_count("finance.RiskShareAgreement"), "risk-share agreement"),
            ],
            bool(_count("finance.Contract") and _count("finance.RiskShareAgreement")),
            _links(
                contracts,
                _link(
                    ("finance:risk_share", "The risk-share agreement"),
                    ("finance:agreement_new", "Record the risk-share agreement"),
                ),
            ),
            ""
            if contracts
            else "The pages for contracts are not built yet: until they are, the programme "
            "office adds contracts in the admin site.",
        )
    )
    rate_card = _link(
        ("workforce:rate_card", "The agency rate card"),
        ("workforce:setup", "Set up the rate card"),
    )
    out.append(
        Step(
            "Agree the agency rate card",
            "The system's caps on agency pay by staff group, against which every agency shift "
            "is checked.",
            [_plural(_count("workforce.RateCap"), "rate cap")],
            bool(_count("workforce.RateCap")),
            _links(rate_card or _link(("workforce:agency", "Agency staffing"))),
            ""
            if rate_card
            else "The page for changing the rate card is not built yet: until it is, the "
            "programme office keeps it in the admin site.",
        )
    )
    return out
