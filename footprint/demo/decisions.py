"""The demo partnership's forums, scheme of delegation, a year of meetings and about 30
proposals in every state — one objection escalated to the system board, one confidential item.

Built through the decisions services, so every step has its audit record and history."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils.text import slugify

from footprint.decisions import compute, services
from footprint.decisions.models import DecisionType, Delegation, Forum, ForumMember
from footprint.demo.constants import DEMO_PASSWORD
from footprint.partnership.models import Organisation, Place

TYPES = ["Service change", "Investment", "Disinvestment", "Policy", "Contract award"]
MEETING_MONTHS = [dt.date(2024, m, 10) for m in range(10, 13)] + [
    dt.date(2025, m, 10) for m in range(1, 10)
]
BROUGHT = dt.datetime(2024, 9, 2, 10, tzinfo=dt.UTC)

TOPICS = [
    ("Same-day emergency care at Wyvern Royal", "Service change", 800_000, "wyvernshire"),
    ("Virtual ward expansion to 120 beds", "Investment", 2_400_000, "system"),
    ("Community stroke rehabilitation at home", "Service change", 450_000, "marchshire"),
    ("Shared agency rate card for nurses", "Policy", 0, "system"),
    ("Falls prevention service for the Marches", "Investment", 300_000, "marchshire"),
    ("Closing the minor injuries unit at Tenby Wells", "Disinvestment", 600_000, "wyvernshire"),
    ("Integrated discharge team contract", "Contract award", 3_200_000, "system"),
    ("Frailty hubs in every neighbourhood", "Investment", 1_500_000, "wyvernshire"),
    ("Mental health crisis café in Hereton", "Investment", 220_000, "marchshire"),
    ("Joint workforce academy with the university", "Investment", 900_000, "system"),
    ("Digital patient portal for outpatients", "Investment", 750_000, "system"),
    ("Reconfiguring community beds in Marchshire", "Service change", 1_100_000, "marchshire"),
    ("Social prescribing link workers", "Investment", 380_000, "wyvernshire"),
    ("Winter plan and common staff messages", "Policy", 0, "system"),
    ("Care home support team", "Investment", 540_000, "wyvernshire"),
]


def build_decisions() -> dict[str, int]:
    """Create the demo forums and decisions (the footprint and its users must exist)."""
    User = get_user_model()
    orgs = {o.ods_code: o for o in Organisation.objects.all()}
    places = {p.slug: p for p in Place.objects.all()}
    pmo = User.objects.get(username="pmo")
    types = {t: DecisionType.objects.create(name=t, slug=slugify(t)) for t in TYPES}

    reps: dict[str, object] = {}

    def rep(code: str) -> object:
        """The named representative of an organisation (a demo user, made if needed)."""
        if code not in reps:
            user = User.objects.filter(
                memberships__organisation__ods_code=code, memberships__role="board_member"
            ).first()
            if user is None:
                user = User.objects.create_user(
                    username=f"rep.{code.lower()}",
                    email=f"rep.{code.lower()}@example.org",
                    first_name="Representative",
                    last_name=orgs[code].name[:60],
                    password=DEMO_PASSWORD,
                )
            reps[code] = user
        return reps[code]

    board = Forum.objects.create(
        name="Partnership Board",
        slug="partnership-board",
        layer=Forum.Layer.SYSTEM,
        terms_of_reference="Sets the partnership's strategy and takes the decisions that "
        "affect the whole system or exceed the places' delegated limits.",
        quorum_share=0.5,
        quorum_groups=["nhs_provider", "commissioner", "council"],
        decision_rule=Forum.Rule.CONSENT,
    )
    forums = {"system": board}
    for slug in ("wyvernshire", "marchshire"):
        place = places[slug]
        forums[slug] = Forum.objects.create(
            name=f"{place.name} Alliance Board",
            slug=f"{slug}-alliance",
            layer=Forum.Layer.PLACE,
            place=place,
            parent=board,
            terms_of_reference=f"Joins up NHS and council services for {place.name} and takes "
            "decisions within the place's delegated limits.",
            quorum_count=3,
            quorum_groups=["nhs_provider", "council"],
            decision_rule=Forum.Rule.CONSENT,
        )
    members = {
        "system": ["QW9", "RW9", "RM9", "RX9", "RY9", "LA901", "LA902", "HW901", "VS901"],
        "wyvernshire": ["QW9", "RW9", "RX9", "LA901", "VS901"],
        "marchshire": ["QW9", "RM9", "RX9", "LA902", "HW901"],
    }
    for key, codes in members.items():
        for code in codes:
            ForumMember.objects.create(
                forum=forums[key],
                organisation=orgs[code],
                representative=rep(code),
                voting=code not in {"HW901"},
            )
    for t in types.values():
        Delegation.objects.create(decision_type=t, forum=board, limit_pence=None)
        if t.name != "Policy":
            for key in ("wyvernshire", "marchshire"):
                Delegation.objects.create(
                    decision_type=t, forum=forums[key], limit_pence=1_000_000_00
                )
    meetings = {
        key: [
            services.record_meeting(
                forum=f,
                date=day,
                attendees=[
                    m.representative
                    for m in f.members.all()
                    if not (
                        key == "marchshire"
                        and day.month == 3
                        and day.year == 2025
                        and m.organisation.ods_code == "LA902"
                    )
                ],
                by=pmo,
            )
            for day in MEETING_MONTHS
        ]
        for key, f in forums.items()
    }

    made = 0
    for i, (title, kind, pounds, where) in enumerate(TOPICS * 2):
        round_two = i >= len(TOPICS)
        confidential = title.startswith("Integrated discharge") and not round_two
        proposal = services.create_proposal(
            title=title + (" – phase 2" if round_two else ""),
            summary=f"{title}: what the partnership would do, why, and what it would cost.",
            options="Do nothing\nGo ahead as proposed\nGo ahead in stages",
            recommended_option="Go ahead as proposed",
            decision_type=types[kind],
            value_pence=pounds * 100,
            brought_to=forums[where],
            confidentiality="confidential" if confidential else "public",
            confidential_reason="Commercial negotiation in progress" if confidential else "",
            publish_after=dt.date(2026, 12, 1) if confidential else None,
            money=[
                (orgs["QW9"], -pounds * 100),
                (orgs["RW9" if where != "marchshire" else "RM9"], pounds * 100),
            ]
            if pounds
            else [],
            by=pmo,
            at=BROUGHT,  # before the year of meetings that may decide it
        )
        made += 1
        state = i % 6
        if state == 0 and round_two:
            continue  # stays a draft
        services.ask_for_consent(proposal=proposal, by=pmo, notify=False)
        forum = proposal.forum
        assert forum is not None
        eligible = [
            m
            for m in forum.members.filter(voting=True).select_related("organisation")
            if m.organisation.has_statutory_board
        ]
        objecting = title.startswith("Closing the minor injuries") and not round_two
        for n, m in enumerate(eligible):
            if state == 1 and n >= len(eligible) - 2:
                break  # still waiting for two boards
            objects = objecting and m.organisation.ods_code == "LA901"
            services.record_consent(
                proposal=proposal,
                organisation=m.organisation,
                response="object" if objects else ("abstain" if n == 3 else "consent"),
                reason="The council's scrutiny committee has not been consulted" if objects else "",
                board_ratified=n % 2 == 0,
                by=m.representative,
            )
        if objecting:
            services.escalate(
                proposal=proposal,
                reason="Wyvernshire County Council objects; "
                "the partnership board should hear both sides.",
                by=pmo,
            )
            continue
        if state == 1:
            continue
        proposal.refresh_from_db()
        # The forum's first quorate meeting from a month that varies with the proposal.
        candidates = next(mt for mt in meetings.values() if mt[0].forum == proposal.forum)
        start = 1 + i % 10
        meeting = next(
            m for m in candidates[start:] + candidates if compute.quorum(proposal, m).met
        )
        services.decide(
            proposal=proposal,
            meeting=meeting,
            outcome="approved",
            option="Go ahead as proposed",
            rationale="Quorate, every board consented or abstained, and within the forum's "
            "delegated limit.",
            actions=[
                (
                    f"Start: {title}",
                    orgs["RW9" if where != "marchshire" else "RM9"],
                    meeting.date + dt.timedelta(days=60 if i % 3 else 400),
                )
            ],
            by=pmo,
        )
    return {"forums": len(forums), "proposals": made}
