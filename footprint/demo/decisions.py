"""The demo partnership's forums, scheme of delegation, a year of monthly meetings up to the
last complete month, and 28 proposals, each with its own story: who brought it, the options,
who pays and who receives, how each board responded and what was decided — most approved,
some on a different option from the one recommended, two rejected, one deferred, four still
waiting for boards, one escalated and three drafts — with actions for the organisations that
would carry them out, some done, some overdue.

Built through the decisions services with the demo's clock moved to when each step happened,
so every step has its history and audit record on the demo's timeline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.utils.text import slugify

from footprint.decisions import compute, services
from footprint.decisions.models import (
    ASSESSED_GROUPS,
    Decision,
    DecisionType,
    Delegation,
    Forum,
    ForumMember,
    Meeting,
    Proposal,
)
from footprint.demo.timeline import Clock, Timeline, add_months
from footprint.partnership.models import Organisation, Place
from footprint.plans import services as plan_services
from footprint.plans.models import Goal

TYPES = ["Service change", "Investment", "Disinvestment", "Policy", "Contract award"]
MEMBERS = {
    "system": ["QW9", "RW9", "RM9", "RX9", "RY9", "LA901", "LA902", "HW901", "VS901"],
    "wyvernshire": ["QW9", "RW9", "RX9", "LA901", "VS901"],
    "hallowdale": ["QW9", "RM9", "RX9", "LA902", "HW901", "VS901"],
}
NOT_QUORATE = ("hallowdale", 3, "LA902")  # the council missed the meeting 8 months back
NEXT_MONTH = -1  # an action due on the first of next month
DEFAULT_OPTIONS = ("Do nothing", "Go ahead as proposed", "Go ahead in stages")


@dataclass(frozen=True)
class Story:
    """One proposal and what happened to it.

    ``meeting`` indexes the year's meetings, oldest first (11 is last month's). ``state`` is
    draft, waiting (for the boards in ``waiting``), escalated, or decided with ``outcome``
    approved or rejected on ``option``, or deferred (no option) to a later meeting. Responses
    other than consent are in ``responses``; ``actions`` are (what, who, days after the
    meeting it is due, done)."""

    title: str
    summary: str
    kind: str
    pounds: int
    where: str
    by: str
    money: tuple[tuple[str, int], ...] = ()
    options: tuple[str, ...] = DEFAULT_OPTIONS
    recommended: str = "Go ahead as proposed"
    state: str = "decided"
    meeting: int = 0
    outcome: str = "approved"
    option: str = ""
    rationale: str = ""
    responses: dict[str, tuple[str, str]] = field(default_factory=dict)
    waiting: tuple[str, ...] = ()
    actions: tuple[tuple[str, str, int, bool], ...] = ()
    conflict: tuple[str, str] | None = None  # (username, what)
    confidential_months: int = 0  # confidential until this many months after today


APPROVED = "Quorate, every board consented or abstained, and within the forum's delegated limit."
STORIES = [
    Story(
        "Virtual ward expansion to 120 beds",
        "Grow the frailty and respiratory virtual wards from 60 to 120 beds, run by the "
        "community trust's hospital-at-home teams with consultant cover from both acute trusts.",
        "Investment",
        2_400_000,
        "system",
        "board.community",
        money=(("QW9", -2_400_000), ("RX9", 2_400_000)),
        options=("Do nothing", "Go to 120 beds at once", "Go to 90 beds this winter, 120 next"),
        recommended="Go to 90 beds this winter, 120 next",
        meeting=2,
        option="Go to 90 beds this winter, 120 next",
        rationale=APPROVED,
        responses={"RM9": ("abstain", "")},
        actions=(
            ("Recruit the teams for 90 virtual ward beds", "RX9", 90, True),
            ("Open the second 30 virtual ward beds", "RX9", 330, False),
            ("Report occupancy and admissions avoided to the board each quarter", "QW9", 120, True),
        ),
    ),
    Story(
        "Shared agency rate card for nurses and doctors",
        "Every trust pays agencies no more than one shared rate for each role, and breaches "
        "go to the workforce group, so that we stop bidding against each other.",
        "Policy",
        0,
        "system",
        "pmo",
        options=("Do nothing", "Adopt the rate card", "Adopt it with an escalation route"),
        recommended="Adopt it with an escalation route",
        meeting=1,
        option="Adopt it with an escalation route",
        rationale=APPROVED,
        actions=(
            ("Apply the rate card in Wyvern's temporary staffing office", "RW9", 60, True),
            ("Apply the rate card in Hallowdale's temporary staffing office", "RM9", 60, True),
            ("Apply the rate card for the mental health wards", "RX9", 60, True),
        ),
    ),
    Story(
        "Integrated discharge team contract",
        "Award the contract for one integrated discharge team across both acute hospitals to the "
        "community trust, with the county council's social workers in the team.",
        "Contract award",
        3_200_000,
        "system",
        "pmo",
        money=(("QW9", -3_200_000), ("RX9", 2_600_000), ("LA901", 600_000)),
        options=("Extend the current arrangements", "Award to the community trust"),
        recommended="Award to the community trust",
        meeting=5,
        option="Award to the community trust",
        rationale=APPROVED,
        actions=(
            ("Sign the contract", "QW9", 30, True),
            ("Move the team into one office at Wyvern Royal", "RX9", 150, False),
        ),
        confidential_months=13,
    ),
    Story(
        "Joint workforce academy with the university",
        "A shared academy for nursing associates, apprentices and return-to-practice nurses, "
        "hosted by Wyvern Acute Hospitals with the university and open to every member.",
        "Investment",
        900_000,
        "system",
        "rep.rw9",
        money=(("QW9", -600_000), ("RM9", -150_000), ("RX9", -150_000), ("RW9", 900_000)),
        options=("Do nothing", "Open the full academy", "Start with nursing associates only"),
        recommended="Open the full academy",
        meeting=6,
        option="Start with nursing associates only",
        rationale="Quorate and every board consented, to a first stage: the university has not "
        "yet agreed its share of the cost, so the board agreed to start with nursing associates "
        "and come back for the rest.",
        actions=(
            ("Recruit the first 40 nursing associates", "RW9", 120, True),
            ("Agree the university's share and bring back the full academy", "RW9", 240, False),
        ),
    ),
    Story(
        "Digital patient portal for outpatients",
        "A local portal for outpatient letters, appointments and questions before clinic, "
        "shared by both acute trusts.",
        "Investment",
        750_000,
        "system",
        "rep.rw9",
        money=(("QW9", -750_000), ("RW9", 400_000), ("RM9", 350_000)),
        options=(
            "Do nothing: use the NHS App's hospital features as they arrive",
            "Buy the local portal",
        ),
        recommended="Buy the local portal",
        meeting=8,
        outcome="rejected",
        option="Do nothing: use the NHS App's hospital features as they arrive",
        rationale="Quorate. Two boards objected: the national NHS App will do most of this "
        "within two years, and the running costs fall on the trusts after the first year.",
        responses={
            "RM9": ("object", "Our board will not take on running costs the NHS App will cover."),
            "LA902": ("object", "We see no benefit for residents over the NHS App."),
            "RX9": ("abstain", ""),
        },
    ),
    Story(
        "Winter and surge plan",
        "The system's plan for winter: escalation triggers, mutual aid between the trusts, "
        "extra community capacity and one set of messages to staff and the public.",
        "Policy",
        0,
        "system",
        "pmo",
        options=("Adopt the plan",),
        recommended="Adopt the plan",
        meeting=-1,  # the September or October meeting
        option="Adopt the plan",
        rationale=APPROVED,
        actions=(
            ("Publish the winter plan and the escalation triggers", "QW9", 14, True),
            ("Agree the ambulance handover escalation with both acute trusts", "RY9", 30, True),
            ("Open the winter discharge-to-assess beds", "LA901", 45, False),
        ),
    ),
    Story(
        "Frailty hubs in every neighbourhood",
        "A frailty hub in each Wyvernshire neighbourhood: a community geriatrician, nurses and "
        "therapists working with the practices to keep frail older people well at home.",
        "Investment",
        900_000,  # within the Wyvernshire Alliance Board's £1m: it decides it
        "wyvernshire",
        "board.community",
        money=(("QW9", -900_000), ("RX9", 650_000), ("GPF01", 250_000)),
        state="waiting",
        meeting=10,
        waiting=("RX9", "LA901"),
    ),
    Story(
        "Community diagnostic centre at Orrisford",
        "Scans, blood tests and heart and lung tests in the old Orrisford Hospital building, "
        "six days a week, run by Wyvern Acute Hospitals.",
        "Investment",
        2_900_000,
        "system",
        "rep.rw9",
        money=(("QW9", -2_900_000), ("RW9", 2_900_000)),
        state="waiting",
        meeting=12,  # asked for consent after last month's meeting: no response yet
        waiting=("QW9", "RW9", "RM9", "RX9", "RY9", "LA901", "LA902"),
    ),
    Story(
        "Joint ophthalmology service for both counties",
        "Cataract surgery for both counties at Wyvern's day surgery unit, with clinics kept "
        "at Hallowdale Hospital, to end the longest eye waits.",
        "Service change",
        1_800_000,
        "system",
        "rep.rw9",
        money=(("RW9", 1_800_000), ("RM9", -1_800_000)),
        state="waiting",
        meeting=11,
        waiting=("RM9", "LA902"),
    ),
    Story(
        "Reconfiguring community beds in Hallowdale",
        "Fewer community hospital beds at Wendmoor and more nurses and therapists visiting "
        "people at home after a hospital stay, with the savings paying for reablement.",
        "Service change",
        900_000,
        "hallowdale",
        "board.community",
        money=(("RX9", -300_000), ("LA902", 300_000)),
        state="escalated",
        meeting=10,
        responses={
            "LA902": (
                "object",
                "The council's scrutiny committee asks to see the public consultation first.",
            )
        },
    ),
    Story(
        "Closing the minor injuries unit at Hawkesmere",
        "Move the work of the Hawkesmere minor injuries unit, often closed for want of staff, "
        "to a new urgent treatment centre at Elvermere Community Hospital open until 10pm.",
        "Disinvestment",
        600_000,
        "wyvernshire",
        "board.community",
        money=(("QW9", 250_000), ("RX9", -250_000)),
        options=(
            "Keep the unit as it is",
            "Move it to an urgent treatment centre at Elvermere",
            "Move it, with a volunteer driver scheme, a minibus and X-ray kept at Hawkesmere",
        ),
        recommended="Move it to an urgent treatment centre at Elvermere",
        meeting=11,
        responses={
            "LA901": ("object", "The council's scrutiny committee has not been consulted."),
        },
        option="Move it, with a volunteer driver scheme, a minibus and X-ray kept at Hawkesmere",
        rationale="Quorate and every board consented after the public consultation, on the "
        "option changed to answer what people said about travel and X-ray.",
        actions=(
            ("Open the urgent treatment centre at Elvermere until 10pm", "RX9", NEXT_MONTH, False),
            ("Start the volunteer driver scheme", "VS901", NEXT_MONTH, False),
            ("Keep X-ray at Hawkesmere two days a week", "RX9", NEXT_MONTH, False),
        ),
    ),
    Story(
        "Mental health crisis café in Hallowford",
        "An evening crisis café in Hallowford run by a local charity, with the crisis team "
        "on call, as somewhere to go instead of A&E.",
        "Investment",
        220_000,
        "hallowdale",
        "rep.vs901",
        money=(("QW9", -220_000), ("VS901", 220_000)),
        meeting=4,
        option="Go ahead as proposed",
        rationale=APPROVED,
        actions=(
            ("Open the café three evenings a week", "VS901", 60, True),
            ("Crisis team in-reach to the café", "RX9", 60, True),
        ),
    ),
    Story(
        "Falls prevention service for the Dales",
        "Strength and balance classes and home hazard checks for older people in Hallowdale's "
        "dales, run by the community trust's therapists and the council's home improvement team.",
        "Investment",
        300_000,
        "hallowdale",
        "rep.la902",
        money=(("QW9", -300_000), ("RX9", 200_000), ("LA902", 100_000)),
        meeting=2,
        option="Go ahead as proposed",
        rationale=APPROVED,
        actions=(
            ("Start strength and balance classes in every market town", "RX9", 120, True),
            ("Home hazard checks for everyone discharged after a fall", "LA902", 150, False),
        ),
    ),
    Story(
        "Community stroke rehabilitation at home",
        "Early supported discharge after a stroke: therapy at home in place of weeks on a ward "
        "at Hallowdale Hospital.",
        "Service change",
        450_000,
        "hallowdale",
        "rep.rm9",
        money=(("QW9", -450_000), ("RX9", 450_000)),
        meeting=1,
        option="Go ahead in stages",
        recommended="Go ahead in stages",
        rationale=APPROVED,
        actions=(
            ("Start early supported discharge for stroke", "RX9", 120, True),
            ("Close four stroke rehabilitation beds", "RM9", 240, False),
        ),
    ),
    Story(
        "Social prescribing link workers",
        "A link worker in every Wyvernshire practice, employed through the GP federation, "
        "connecting people to local groups and support.",
        "Investment",
        380_000,
        "wyvernshire",
        "rep.vs901",
        money=(("QW9", -380_000), ("GPF01", 380_000)),
        meeting=3,
        option="Go ahead as proposed",
        rationale=APPROVED,
        actions=(("Recruit the link workers", "GPF01", 90, True),),
        conflict=("rep.vs901", "The alliance's members would receive the referrals"),
    ),
    Story(
        "Care home support team",
        "Nurses and a pharmacist who visit every Wyvernshire care home each week, to stop "
        "avoidable ambulance calls and admissions.",
        "Investment",
        540_000,
        "wyvernshire",
        "rep.la901",
        money=(("QW9", -340_000), ("LA901", -200_000), ("RX9", 540_000)),
        meeting=5,
        option="Go ahead as proposed",
        rationale=APPROVED,
        actions=(
            ("Weekly visits to every care home", "RX9", 90, True),
            ("Falls and ambulance call figures to the alliance", "LA901", 180, True),
        ),
    ),
    Story(
        "Same-day emergency care at weekends",
        "Open Wyvern Royal's same-day emergency care unit on Saturdays and Sundays.",
        "Service change",
        800_000,
        "wyvernshire",
        "rep.rw9",
        money=(("QW9", -800_000), ("RW9", 800_000)),
        meeting=7,
        option="Go ahead as proposed",
        rationale=APPROVED,
        actions=(("Open the unit at weekends", "RW9", 60, True),),
    ),
    Story(
        "Hospital at home for children",
        "A children's nursing team that treats children at home who would otherwise stay on "
        "the ward at Wyvern Royal.",
        "Investment",
        350_000,
        "wyvernshire",
        "rep.rw9",
        money=(("QW9", -350_000), ("RW9", 350_000)),
        meeting=9,
        outcome="deferred",
        rationale="Deferred until the paediatric workforce review reports in the spring: the "
        "alliance wants to see whether the nurses can be found first.",
        responses={"RX9": ("abstain", "")},
    ),
    Story(
        "Extended access hubs at weekends",
        "GP and nurse appointments on Saturdays and Sundays in three hubs run by the GP "
        "federation.",
        "Investment",
        600_000,
        "wyvernshire",
        "rep.la901",
        money=(("QW9", -600_000), ("GPF01", 600_000)),
        meeting=4,
        option="Go ahead as proposed",
        rationale=APPROVED,
        actions=(("Open the three weekend hubs", "GPF01", 75, True),),
    ),
    Story(
        "Reablement beds at Kennerton",
        "Award the county council a contract for 20 reablement beds at Kennerton, for people "
        "leaving hospital who need a few weeks' help to get home.",
        "Contract award",
        950_000,
        "wyvernshire",
        "rep.la901",
        money=(("QW9", -950_000), ("LA901", 950_000)),
        options=("Spot-purchase beds as now", "Award the block contract"),
        recommended="Award the block contract",
        meeting=6,
        option="Award the block contract",
        rationale=APPROVED,
        actions=(("Open the 20 reablement beds", "LA901", 100, False),),
    ),
    Story(
        "Closing Ward 7 at Orrisford Hospital",
        "Close the 24-bed rehabilitation ward at Orrisford Hospital and care for its patients "
        "at home and in reablement beds.",
        "Service change",
        900_000,
        "wyvernshire",
        "rep.rw9",
        money=(("RW9", -900_000), ("RX9", 500_000), ("LA901", 400_000)),
        options=("Keep Ward 7 open", "Close Ward 7 in the spring"),
        recommended="Close Ward 7 in the spring",
        meeting=7,
        outcome="rejected",
        option="Keep Ward 7 open",
        rationale="Quorate. The community trust and the county council objected: the home "
        "care and reablement capacity is not there yet. The alliance will look again in a year.",
        responses={
            "RX9": ("object", "Our community teams cannot take these patients until spring."),
            "LA901": ("object", "The reablement beds at Kennerton are not open yet."),
        },
    ),
    Story(
        "Joining the regional shared care record",
        "Connect every member's records to the regional shared care record so that clinicians "
        "see the same history wherever a patient is seen.",
        "Investment",
        1_200_000,
        "system",
        "pmo",
        money=(("QW9", -1_200_000),),
        meeting=3,
        option="Go ahead as proposed",
        rationale=APPROVED,
        actions=(
            ("Connect Wyvern Acute Hospitals", "RW9", 120, True),
            ("Connect Hallowdale Hospital", "RM9", 180, False),
            ("Connect the community and mental health records", "RX9", 240, True),
        ),
    ),
    Story(
        "Procedures of low clinical value",
        "One policy for both counties on when to offer procedures that the national evidence "
        "says help few patients (such as grommets and knee arthroscopy).",
        "Policy",
        0,
        "system",
        "chair",
        options=("Keep two policies", "Adopt one policy"),
        recommended="Adopt one policy",
        meeting=0,
        option="Adopt one policy",
        rationale=APPROVED,
        actions=(("Publish the policy and tell every practice", "QW9", 30, True),),
    ),
    Story(
        "International nurse recruitment with shared pastoral care",
        "Recruit 120 nurses from abroad together, with one pastoral and housing offer, "
        "instead of each trust recruiting on its own.",
        "Investment",
        420_000,
        "system",
        "rep.rm9",
        money=(("QW9", -120_000), ("RW9", -150_000), ("RM9", -150_000), ("RX9", 420_000)),
        meeting=9,
        option="Go ahead as proposed",
        rationale=APPROVED,
        responses={"RY9": ("abstain", "")},
        actions=(("Appoint the pastoral care team", "RX9", 60, True),),
    ),
    Story(
        "Urgent dental sessions in the Dales",
        "Weekly urgent dental sessions in Wendmoor and Kestrelton for people without a dentist.",
        "Investment",
        180_000,
        "hallowdale",
        "rep.la902",
        money=(("QW9", -180_000),),
        meeting=8,
        option="Go ahead as proposed",
        rationale=APPROVED,
        actions=(("Commission the sessions from local practices", "QW9", 45, True),),
    ),
    Story(
        "Dementia support workers in every neighbourhood",
        "A dementia support worker in each neighbourhood, from diagnosis onwards.",
        "Investment",
        420_000,
        "wyvernshire",
        "rep.vs901",
        money=(("QW9", -420_000), ("VS901", 420_000)),
        state="draft",
    ),
    Story(
        "Weight management service for Hallowdale",
        "A tier 3 weight management service in Hallowford, so that people no longer travel to "
        "another county.",
        "Investment",
        260_000,
        "hallowdale",
        "rep.la902",
        money=(("QW9", -260_000), ("RM9", 260_000)),
        state="draft",
    ),
    Story(
        "Carers' breaks fund",
        "A fund for short breaks for unpaid carers, run by the voluntary alliance with both "
        "councils.",
        "Investment",
        300_000,
        "system",
        "rep.hw901",
        money=(("QW9", -150_000), ("LA901", -100_000), ("LA902", -50_000), ("VS901", 300_000)),
        state="draft",
    ),
]


def _second_tuesday(month: dt.date) -> dt.date:
    first_tuesday = month + dt.timedelta(days=(1 - month.weekday()) % 7)
    return first_tuesday + dt.timedelta(days=7)


def build_decisions(timeline: Timeline, clock: Clock) -> dict[str, int]:
    """Create the demo forums and decisions (the footprint and its users must exist)."""
    User = get_user_model()
    orgs = {o.ods_code: o for o in Organisation.objects.all()}
    places = {p.slug: p for p in Place.objects.all()}
    users = {u.username: u for u in User.objects.all()}
    pmo = users["pmo"]
    months = timeline.months(12)
    clock.go(timeline.moment(months[0] - dt.timedelta(days=30)))
    types = {t: DecisionType.objects.create(name=t, slug=slugify(t)) for t in TYPES}
    reps = {
        code: User.objects.filter(
            memberships__organisation__ods_code=code, memberships__role="board_member"
        ).first()
        for code in MEMBERS["system"]
    }
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
    for slug in ("wyvernshire", "hallowdale"):
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
    for key, codes in MEMBERS.items():
        for code in codes:
            ForumMember.objects.create(
                forum=forums[key],
                organisation=orgs[code],
                representative=reps[code],
                voting=code != "HW901",
            )
    for t in types.values():
        Delegation.objects.create(decision_type=t, forum=board, limit_pence=None)
        if t.name != "Policy":
            for key in ("wyvernshire", "hallowdale"):
                Delegation.objects.create(
                    decision_type=t, forum=forums[key], limit_pence=1_000_000_00
                )
    meetings: dict[str, list[Meeting]] = {key: [] for key in forums}
    for i, month in enumerate(months):
        day = _second_tuesday(month)
        clock.go(timeline.moment(day, 16))
        for key, forum in forums.items():
            absent = NOT_QUORATE[2] if (key, i) == NOT_QUORATE[:2] else None
            attendees = [
                m.representative
                for m in forum.members.select_related("organisation", "representative")
                if m.organisation.ods_code != absent
            ]
            meetings[key].append(
                services.record_meeting(forum=forum, date=day, attendees=attendees, by=pmo)
            )
    winter = next(i for i, m in enumerate(months) if m.month in (9, 10))
    consultation_closes = timeline.today - dt.timedelta(days=60)
    made = 0
    for story in STORIES:
        index = winter if story.meeting == -1 else story.meeting
        _tell(
            story,
            index,
            timeline,
            clock,
            forums,
            meetings,
            types,
            orgs,
            users,
            reps,
            consultation_closes,
        )
        made += 1
    _link_goals(pmo)
    # Last week the programme office set the threshold above which a proposal needs an
    # equality and health inequalities impact assessment before it is decided: the diagnostic
    # centre, still with the boards, now waits for one.
    clock.go(timeline.moment(timeline.today - dt.timedelta(days=7), 10))
    services.set_assessment_threshold(threshold_pence=THRESHOLD_POUNDS * 100, by=pmo)
    return {"forums": len(forums), "proposals": made, "impact_assessments": len(ASSESSMENTS)}


THRESHOLD_POUNDS = 500_000
NEUTRAL = "No different for this group from anyone else"
# Impact assessments the proposals' sponsors completed before the forum decided, by title:
# (directions and notes that are not neutral, PLUS groups, evidence, mitigations).
ASSESSMENTS: dict[str, tuple[dict[str, tuple[str, str]], list[tuple[str, str, str]], str, str]] = {
    "Closing the minor injuries unit at Hawkesmere": (
        {
            "age": (
                "negative",
                "Over-75s are a third of the unit's patients and the least likely to drive",
            ),
            "disability": (
                "negative",
                "Patients who cannot drive face a 40-minute journey to the urgent treatment centre",
            ),
            "race": ("unknown", "Ethnic group is missing for a quarter of the unit's attendances"),
            "core20": (
                "neutral",
                "Hawkesmere's small areas are in the two least deprived quintiles; no Core20 "
                "area relies on the unit",
            ),
        },
        [
            ("People without a car", "negative", "One household in five in Hawkesmere has none"),
            ("Unpaid carers", "neutral", "Same-day appointments close to home keep their time"),
        ],
        "Attendances at the unit by age, home postcode and time of day over two years; "
        "Healthwatch Wyvernshire's survey of the unit's patients (212 responses); bus "
        "timetables and car ownership from the Census 2021.",
        "Community transport to the urgent treatment centre (volunteer drivers and a minibus), "
        "free for over-75s and disabled people; same-day appointments at Hawkesmere's GP "
        "surgery; ethnic group recorded at every attendance from April.",
    ),
}


def _assess(proposal: Proposal, by: Any, on: dt.date) -> None:
    """Complete the proposal's impact assessment as its sponsor, from ``ASSESSMENTS``."""
    impacts, plus, evidence, mitigations = ASSESSMENTS[proposal.title]
    services.complete_assessment(
        proposal=proposal,
        impacts={key: impacts.get(key, ("neutral", NEUTRAL)) for key, _ in ASSESSED_GROUPS},
        plus_groups=plus,
        evidence=evidence,
        mitigations=mitigations,
        on=on,
        by=by,
    )


# The plan's goals some proposals serve, chosen as the programme office would on each goal's
# page (by the goal's statement and the proposal's title).
SERVES = {
    "Halve the patients at Wyvern ready to go home but still in hospital": (
        "Integrated discharge team contract",
        "Virtual ward expansion to 120 beds",
    ),
    "Fewer emergency admissions of Wyvernshire residents": (
        "Virtual ward expansion to 120 beds",
        "Frailty hubs in every neighbourhood",
    ),
    "Fewer emergency admissions of Hallowdale residents": (
        "Falls prevention service for the Dales",
    ),
    "Four in five A&E patients at Wyvern seen within four hours": (
        "Same-day emergency care at weekends",
    ),
}


def _link_goals(pmo: Any) -> None:
    for statement, titles in SERVES.items():
        goal = Goal.objects.filter(statement=statement).first()
        proposals = list(Proposal.objects.filter(title__in=titles))
        if goal is not None and proposals:
            plan_services.link_goal_decisions(goal=goal, proposals=proposals, by=pmo)


def _tell(
    story: Story,
    index: int,
    timeline: Timeline,
    clock: Clock,
    forums: dict[str, Forum],
    meetings: dict[str, list[Meeting]],
    types: dict[str, DecisionType],
    orgs: dict[str, Organisation],
    users: dict[str, Any],
    reps: dict[str, Any],
    consultation_closes: dt.date,
) -> None:
    """Create one proposal and take it as far as its story goes."""
    pmo = users["pmo"]
    brought_to = forums[story.where]
    if index < 12:
        meeting_day = meetings[story.where][index].date
    else:  # after last month's meeting
        meeting_day = meetings[story.where][11].date + dt.timedelta(days=14)
    escalated_first = story.title.startswith("Closing the minor injuries")
    if escalated_first:  # brought to the alliance half a year before it was decided
        meeting_day = meetings[story.where][5].date
    start = meeting_day - dt.timedelta(days=35)
    if story.state == "draft":
        start = timeline.today - dt.timedelta(days=9 + 4 * len(story.title) % 20)
    if story.state == "waiting" and index >= 12:
        start = meeting_day - dt.timedelta(days=7)
    clock.go(timeline.moment(start, 11))
    confidential = story.confidential_months > 0
    publish_after = add_months(timeline.today, story.confidential_months) if confidential else None
    proposal = services.create_proposal(
        title=story.title,
        summary=story.summary,
        options="\n".join(story.options),
        recommended_option=story.recommended,
        decision_type=types[story.kind],
        value_pence=story.pounds * 100,
        brought_to=brought_to,
        confidentiality="confidential" if confidential else "public",
        confidential_reason="Commercial negotiation in progress" if confidential else "",
        publish_after=publish_after,
        money=[(orgs[code], pounds * 100) for code, pounds in story.money],
        by=users[story.by],
    )
    if story.state == "draft":
        return
    if story.conflict:
        who, what = story.conflict
        services.declare_conflict(
            proposal=proposal, person=users[who], description=what, by=users[who]
        )
    asked = start + dt.timedelta(days=7)
    clock.go(timeline.moment(asked, 9))
    services.ask_for_consent(proposal=proposal, by=pmo, notify=False)
    if story.title in ASSESSMENTS:  # the sponsor assessed it while the boards considered it
        on = asked + dt.timedelta(days=3)
        clock.go(timeline.moment(on, 10))
        _assess(proposal, users[story.by], on)
    _respond(proposal, story, asked, meeting_day, timeline, clock, orgs, reps)
    if story.state == "escalated" or escalated_first:
        clock.go(timeline.moment(meeting_day, 17))
        services.escalate(
            proposal=proposal,
            reason=f"{orgs['LA901' if escalated_first else 'LA902'].name} objects; "
            "the partnership board should hear both sides.",
            by=pmo,
        )
        if not escalated_first:
            return
        # The board asked for a public consultation; once it closed, the boards were asked
        # again and the proposal decided at last month's board meeting.
        asked = consultation_closes + dt.timedelta(days=1)
        clock.go(timeline.moment(asked, 9))
        proposal.refresh_from_db()
        services.ask_for_consent(proposal=proposal, by=pmo, notify=False)
        meeting_day = meetings["system"][index].date
        _respond(proposal, story, asked, meeting_day, timeline, clock, orgs, reps, again=True)
    if story.state == "waiting":
        return
    proposal.refresh_from_db()
    key = next(k for k, f in forums.items() if f.pk == proposal.forum_id)
    meeting = next(m for m in meetings[key] if m.date == meeting_day)
    if not compute.quorum(proposal, meeting).met:
        raise ValueError(f"{story.title}: the meeting on {meeting_day} is not quorate")
    clock.go(timeline.moment(meeting_day, 15))
    decision = services.decide(
        proposal=proposal,
        meeting=meeting,
        outcome=story.outcome,
        option=story.option,
        rationale=story.rationale,
        actions=[
            (
                what,
                orgs[who],
                add_months(timeline.today, 1)
                if days == NEXT_MONTH
                else meeting_day + dt.timedelta(days=days),
            )
            for what, who, days, _ in story.actions
        ],
        by=pmo,
    )
    _complete(decision, story, timeline, clock, pmo)


def _respond(
    proposal: Proposal,
    story: Story,
    asked: dt.date,
    meeting_day: dt.date,
    timeline: Timeline,
    clock: Clock,
    orgs: dict[str, Organisation],
    reps: dict[str, Any],
    again: bool = False,
) -> None:
    """Each eligible board responds between the asking and the meeting (or today)."""
    assert proposal.forum is not None
    eligible = compute.eligible_organisations(proposal.forum)
    last = min(meeting_day - dt.timedelta(days=1), timeline.today - dt.timedelta(days=1))
    span = max((last - asked).days, 1)
    for n, code in enumerate(eligible):
        if code in story.waiting:
            continue
        response, reason = story.responses.get(code, ("consent", ""))
        if again and response == "object":
            response, reason = "consent", ""
        if again and code == "LA901":
            reason = "The consultation answered our scrutiny committee's questions."
        day = asked + dt.timedelta(days=1 + (n * 3) % span)
        clock.go(timeline.moment(min(day, last), 12))
        services.record_consent(
            proposal=proposal,
            organisation=orgs[code],
            response=response,
            reason=reason,
            board_ratified=n % 3 != 1,
            by=reps[code],
        )


def _complete(decision: Decision, story: Story, timeline: Timeline, clock: Clock, pmo: Any) -> None:
    """Mark done the actions the story says are done, a few days before they were due."""
    done = {what for what, _, _, finished in story.actions if finished}
    for action in decision.actions.all():
        if action.description in done:
            day = min(action.due - dt.timedelta(days=5), timeline.today - dt.timedelta(days=1))
            clock.go(timeline.moment(max(day, decision.decided_on), 14))
            services.complete_action(action=action, by=pmo)
