"""The demo's engagement: a closed consultation on the Hawkesmere minor injuries unit with
about 2,000 participants whose votes fall into four opinion groups, its published "you said,
we did" report, and an open consultation on community beds with items waiting for moderation;
an urgent care message to every practice and a staff message adopted by the other trusts.
Dates are relative to the day the demo is built for, on the demo's clock."""

from __future__ import annotations

import datetime as dt
import hashlib

import numpy as np
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from footprint.decisions.models import Decision, Proposal
from footprint.demo.constants import DEMO_PRACTICE
from footprint.demo.places import RURALITY
from footprint.demo.timeline import Clock, Timeline, add_months
from footprint.engagement import queries, services
from footprint.engagement.models import (
    AgeBand,
    Answer,
    Consultation,
    Message,
    MessageAudience,
    Moderation,
    Participant,
    Question,
    Response,
    Statement,
    Vote,
)
from footprint.partnership.models import Organisation, OrganisationKind, Place

# Statement, then the chance of agreeing in each group. Two questions divide people: keep the
# unit or move its work, and new ways of getting care or the familiar ones. A "keep it as it
# is" (older, rural), B "modernise and move", C "keep it but change it", D "accept the move if
# travel is sorted". Some statements nearly everyone agrees with.
STATEMENTS: list[tuple[str, tuple[float, float, float, float]]] = [
    ("The minor injuries unit at Hawkesmere should stay open.", (0.95, 0.1, 0.9, 0.15)),
    (
        "I would travel to Elvermere for a minor injury if the wait was shorter.",
        (0.1, 0.9, 0.15, 0.85),
    ),
    (
        "Public transport from Hawkesmere to Elvermere is not good enough.",
        (0.95, 0.8, 0.9, 0.9),
    ),
    ("Money saved should pay for evening GP appointments.", (0.2, 0.9, 0.85, 0.2)),
    ("Video consultations are a good way to get advice about an injury.", (0.1, 0.9, 0.9, 0.1)),
    ("The NHS should tell people clearly where to go for urgent care.", (0.9, 0.95, 0.9, 0.95)),
    ("Staff at the unit should be offered jobs nearby if it closes.", (0.85, 0.85, 0.9, 0.9)),
    ("Closing the unit will put more pressure on A&E.", (0.9, 0.15, 0.85, 0.2)),
    ("Pharmacies could treat many minor injuries.", (0.2, 0.85, 0.85, 0.2)),
    ("The decision has already been made.", (0.85, 0.1, 0.8, 0.15)),
    (
        "An urgent treatment centre open until 10pm would be better than the unit now.",
        (0.1, 0.9, 0.2, 0.85),
    ),
    ("Older people will struggle to reach services further away.", (0.95, 0.2, 0.3, 0.9)),
    ("I trust the partnership to use the savings well.", (0.1, 0.8, 0.2, 0.8)),
    ("If it stays, the unit should open at weekends.", (0.9, 0.2, 0.95, 0.2)),
    ("Ambulances take too long to reach rural areas.", (0.9, 0.3, 0.3, 0.85)),
    ("NHS 111 works well for me.", (0.2, 0.85, 0.8, 0.2)),
    ("Volunteer drivers could help people reach Elvermere.", (0.2, 0.85, 0.2, 0.9)),
    ("Parking at the Elvermere Community Hospital is a problem.", (0.85, 0.2, 0.3, 0.85)),
    ("Nurses at the unit should be able to prescribe more.", (0.3, 0.85, 0.9, 0.2)),
    ("Care should be closer to home, not further away.", (0.95, 0.7, 0.95, 0.75)),
    ("Fewer, better-staffed units are safer.", (0.1, 0.9, 0.15, 0.85)),
    ("Local councillors should have a vote on this.", (0.85, 0.15, 0.3, 0.8)),
    ("I would like a text telling me where to get urgent care near me.", (0.3, 0.9, 0.9, 0.3)),
    ("The unit's X-ray service matters more than its opening hours.", (0.8, 0.2, 0.3, 0.8)),
]
GROUP_SIZES = (700, 520, 440, 360)
AGES = {  # age band weights per group
    0: (0.01, 0.06, 0.18, 0.45, 0.30),
    1: (0.04, 0.45, 0.38, 0.12, 0.01),
    2: (0.02, 0.25, 0.45, 0.25, 0.03),
    3: (0.02, 0.20, 0.40, 0.30, 0.08),
}
OPEN_AGES = (0.01, 0.08, 0.21, 0.38, 0.32)  # who answers about community beds, by age band
OWN_STATEMENTS = [
    (
        "A minor injuries service in the community hospital at Rookhampton would suit us.",
        Moderation.APPROVED,
        "",
    ),
    ("The unit saved my son a three-hour trip when he broke his wrist.", Moderation.APPROVED, ""),
    ("Please keep the X-ray machine whatever happens.", Moderation.APPROVED, ""),
    (
        "Dr — at the unit is rude and should be sacked.",
        Moderation.HIDDEN,
        "Names a member of staff",
    ),
]
ANSWERS = [
    "Evening opening would help me as I work in Wyvern all day.",
    "I am 82 and do not drive. The bus to Elvermere takes over an hour.",
    "Clearer signs on what to do: I never know whether to ring 111 or just go.",
    "Keep the unit and use it for more things, like blood tests.",
    "A video call with a nurse would have saved me a wasted trip.",
    "My husband waited four hours in A&E for a cut that the unit could have stitched.",
    "Shorter waits matter more to me than distance.",
    "Think about people without cars before you close anything.",
]


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _closed(
    timeline: Timeline, clock: Clock, rng: np.random.Generator, pmo: object
) -> tuple[Consultation, int]:
    today = timeline.today
    proposal = Proposal.objects.filter(title__startswith="Closing the minor injuries").first()
    decision = Decision.objects.filter(proposal=proposal).first()
    clock.go(timeline.days_ago(124))
    c = Consultation.objects.create(
        title="The future of the Hawkesmere minor injuries unit",
        slug="hawkesmere-minor-injuries",
        summary=(
            "The minor injuries unit at Hawkesmere sees about 20 people a day and is often "
            "closed at short notice for want of staff. We proposed moving its work to a new "
            "urgent treatment centre in Elvermere, open until 10pm, and asked what you think."
        ),
        body=(
            "The unit is open 9am to 5pm on weekdays. Last year it closed on 41 days because "
            "no nurse practitioner was available.\n\nThe proposal would bring minor injuries, "
            "X-ray and same-day appointments together at Elvermere, 11 miles away, with "
            "longer opening hours and more staff on each shift."
        ),
        about="Proposal: closing the minor injuries unit at Hawkesmere",
        proposal=proposal,
        opens_on=today - dt.timedelta(days=120),
        closes_on=today - dt.timedelta(days=60),
        retention_until=today + dt.timedelta(days=300),
        report_summary=(
            "About 2,000 people told us what they think. Four groups emerged: people who want "
            "the unit kept as it is, people who want longer hours and shorter waits even if "
            "further away, people who want the unit kept but run in new ways, and people who "
            "would accept the move if travel were sorted. Everyone agreed we must say clearly "
            "where to go for urgent care, and that staff should be offered jobs nearby."
        ),
    )
    statements = Statement.objects.bulk_create(
        [
            Statement(
                consultation=c,
                text=text,
                status=Moderation.APPROVED,
                moderated_by=pmo,
                moderated_at=timezone.now(),
            )
            for text, _ in STATEMENTS
        ]
    )
    question = Question.objects.create(
        consultation=c, text="What would make urgent care work better for you?"
    )
    places = {p.name: p for p in Place.objects.all()}
    bands = [b for b, _ in AgeBand.choices]
    truth = np.repeat(np.arange(4), GROUP_SIZES)
    rng.shuffle(truth)
    clock.go(timeline.days_ago(90))
    people = Participant.objects.bulk_create(
        [
            Participant(
                consultation=c,
                key=_digest(f"demo-{i}"),
                age_band=str(rng.choice(bands, p=AGES[int(g)])) if rng.random() < 0.7 else "",
                place=(places["Wyvernshire"] if rng.random() < 0.85 else places["Hallowdale"])
                if rng.random() < 0.8
                else None,
            )
            for i, g in enumerate(truth)
        ]
    )
    chances = np.array([p for _, p in STATEMENTS])  # statements × groups
    votes = []
    for person, g in zip(people, truth, strict=True):
        seen = rng.permutation(len(statements))[: int(rng.integers(5, len(statements) + 1))]
        for j in seen:
            u = rng.random()
            value = 0 if u < 0.08 else (1 if rng.random() < chances[j, g] else -1)
            votes.append(Vote(participant=person, statement=statements[j], value=value))
    Vote.objects.bulk_create(votes, batch_size=5_000)
    for (text, status, reason), author in zip(OWN_STATEMENTS, people[:4], strict=True):
        Statement.objects.create(
            consultation=c,
            participant=author,
            text=text,
            status=status,
            reason=reason,
            moderated_by=pmo,
            moderated_at=timezone.now(),
        )
    Answer.objects.bulk_create(
        [
            Answer(
                participant=people[i],
                question=question,
                text=ANSWERS[i % len(ANSWERS)],
                status=Moderation.APPROVED if i % 10 else Moderation.HIDDEN,
                reason="" if i % 10 else "Repeats an earlier answer word for word",
                moderated_by=pmo,
                moderated_at=timezone.now(),
            )
            for i in range(10, 170)
        ]
    )
    clock.go(timeline.days_ago(59))
    services.store_opinion_groups(consultation=c, by=pmo)
    clock.go(timeline.days_ago(7))
    for order, (theme, response) in enumerate(
        [
            (
                "Tell people clearly where to go for urgent care",
                "Every household in Elvermere Hills will get a card and a text service; NHS 111 "
                "and the partnership's website now list each service's hours.",
            ),
            (
                "Travel from Hawkesmere is hard without a car",
                "The urgent treatment centre will run with a volunteer driver scheme and a "
                "Tuesday and Friday minibus; the decision was changed to add both.",
            ),
            (
                "Keep the X-ray service local",
                "X-ray stays at Hawkesmere two days a week, booked through the centre.",
            ),
            (
                "Offer the unit's staff jobs nearby",
                "Every member of staff has been offered a post at Elvermere or in the "
                "community nursing team, with travel paid for two years.",
            ),
        ]
    ):
        Response.objects.create(
            consultation=c,
            theme=theme,
            response=response,
            statement=statements[[5, 2, 23, 6][order]],
            decision=decision if order == 1 else None,
            order=order,
        )
    c.report_published_at = timezone.now()
    c.published_snapshot = c.snapshots.first()
    # Who took part, small counts withheld, kept as published (as services.publish_report does).
    c.published_reach = queries.reach_document(c)
    c.save(update_fields=["report_published_at", "published_snapshot", "published_reach"])
    return c, len(votes)


def _open(timeline: Timeline, clock: Clock, rng: np.random.Generator, pmo: object) -> Consultation:
    today = timeline.today
    clock.go(timeline.days_ago(16))
    c = Consultation.objects.create(
        title="Community hospital beds in the Dales",
        slug="dales-community-beds",
        summary=(
            "We want to care for more people at home after a hospital stay, which would mean "
            "fewer community hospital beds in Wendmoor and more nurses visiting people at home. "
            "Tell us what matters to you."
        ),
        about="Proposal: reconfiguring community beds in Hallowdale",
        proposal=Proposal.objects.filter(title__startswith="Reconfiguring community").first(),
        opens_on=today - dt.timedelta(days=14),
        closes_on=today + dt.timedelta(days=30),
        retention_until=today + dt.timedelta(days=400),
    )
    texts = [
        "I would rather recover at home than in a community hospital.",
        "Wendmoor community hospital is important to the town.",
        "Carers need more support if more people recover at home.",
        "Visiting a community hospital is hard without a car.",
        "Nurses visiting at home should be able to stay longer.",
        "Fewer beds will mean longer stays in the main hospital.",
    ]
    statements = Statement.objects.bulk_create(
        [
            Statement(
                consultation=c,
                text=t,
                status=Moderation.APPROVED,
                moderated_by=pmo,
                moderated_at=timezone.now(),
            )
            for t in texts
        ]
    )
    question = Question.objects.create(
        consultation=c, text="Tell us about recovering after a hospital stay."
    )
    clock.go(timeline.days_ago(2))
    # About two in three say their age and where they live, as in the closed consultation;
    # beds in the Dales draw older people and Hallowdale's residents. A generator of its own
    # keeps the votes below as they were.
    said = np.random.default_rng(20261201)
    places = {p.name: p for p in Place.objects.all()}
    bands = [b for b, _ in AgeBand.choices]
    people = Participant.objects.bulk_create(
        [
            Participant(
                consultation=c,
                key=_digest(f"demo-open-{i}"),
                age_band=str(said.choice(bands, p=OPEN_AGES)) if said.random() < 0.65 else "",
                place=(places["Hallowdale"] if said.random() < 0.8 else places["Wyvernshire"])
                if said.random() < 0.7
                else None,
            )
            for i in range(120)
        ]
    )
    Vote.objects.bulk_create(
        [
            Vote(participant=p, statement=s, value=int(rng.choice([1, 1, -1, 0])))
            for p in people
            for s in statements
            if rng.random() < 0.7
        ]
    )
    public = AnonymousUser()  # the first six people take part as anyone does, by their key
    for i, text in enumerate(
        [
            "The day hospital in Wendmoor should stay whatever happens to the beds.",
            "More physiotherapy at home would get people moving sooner.",
            "Wendmoor needs a proper bus to Hallowford.",
        ]
    ):
        services.add_statement(consultation=c, key=f"demo-open-{i}", text=text, by=public)
    for i, text in enumerate(
        [
            "My mother spent three weeks in Wendmoor and the staff were wonderful.",
            "Nobody told us who to call after my father came home.",
            "We live 20 miles out; visiting every day was impossible.",
        ],
        start=3,
    ):
        services.answer(consultation=c, key=f"demo-open-{i}", answers=[(question, text)], by=public)
    services.store_opinion_groups(consultation=c, by=pmo)
    return c


def _poster(opens: dt.date) -> bytes:
    """A one-page PDF poster for practices' waiting rooms (made here, so the demo needs no
    file of its own)."""
    lines = [
        "Minor injuries: where to go",
        f"From {opens:%-d %B} the Hawkesmere minor injuries unit closes.",
        "Go to the urgent treatment centre at Elvermere Community Hospital,",
        "open until 10pm every day, or call NHS 111.",
    ]
    text = "BT /F1 18 Tf 60 760 Td 24 TL " + " ".join(f"({t}) '" for t in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(text)} >>\nstream\n{text}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = "%PDF-1.4\n", []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n{body}\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n"
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    return out.encode("latin-1")


def _messages(timeline: Timeline, clock: Clock, rng: np.random.Generator, pmo: object) -> int:
    """An urgent care message to every practice with a poster attached, sent six days ago and
    partly acknowledged (less so in the rural neighbourhoods; the demo practice's manager has
    yet to open it), and a common message from the Wyvern trust adopted by the others."""
    opens = add_months(timeline.today, 1)
    sent = timeline.days_ago(6)
    clock.go(sent)
    urgent = Message.objects.create(
        title="Urgent care: where to send patients with minor injuries",
        body=(
            f"From {opens:%-d %B} the Hawkesmere minor injuries unit closes, and the urgent "
            "treatment centre at Elvermere Community Hospital is open until 10pm every day, "
            "with X-ray at Hawkesmere two days a week.\n\nPlease update your reception "
            "scripts and your practice website, and tell patients who call with a minor injury "
            "to go to Elvermere or call NHS 111."
        ),
        audience=MessageAudience.ALL_PRACTICES,
    )
    poster = SimpleUploadedFile("Minor injuries - where to go.pdf", _poster(opens))
    services.send_message_with_attachments(message=urgent, files=[poster], by=pmo)
    for r in urgent.recipients.select_related("organisation__neighbourhood"):
        rural = RURALITY.get(r.organisation.neighbourhood.code, 0) >= 0.7
        u = rng.random()
        if r.organisation.ods_code == DEMO_PRACTICE:
            continue
        if u < (0.35 if rural else 0.6):
            r.read_at = sent + dt.timedelta(hours=int(rng.integers(2, 120)))
            if rng.random() < 0.8:
                r.acknowledged_at = r.read_at + dt.timedelta(minutes=int(rng.integers(1, 120)))
        elif u < 0.75:
            r.read_at = sent + dt.timedelta(hours=int(rng.integers(2, 120)))
        r.save()
    sent = timeline.days_ago(3)
    clock.go(sent)
    if timeline.today.month in (9, 10, 11, 12, 1, 2):
        title = "Flu vaccination for every member of staff"
        body = (
            "Our flu clinics run every weekday this month. Book through your line manager or "
            "walk in at the staff health office. Protect yourself, your family and our patients."
        )
    else:
        title = "Measles: check your MMR vaccinations"
        body = (
            "Measles cases are rising. Check that you have had two doses of MMR; if you are not "
            "sure, occupational health will check your record and vaccinate you the same day."
        )
    staff = Message.objects.create(
        title=title,
        body=body,
        sender=Organisation.objects.get(ods_code="RW9"),
        audience=MessageAudience.STAFF_GROUP,
        staff_group="nurses",
    )
    services.send_message(message=staff, by=pmo)
    clock.go(timeline.days_ago(2))
    staff.adopted_by.set(Organisation.objects.filter(ods_code__in=["RM9", "RX9", "RY9"]))
    for r in staff.recipients.all()[:4]:
        r.read_at = r.acknowledged_at = sent + dt.timedelta(hours=3)
        r.save()
    # Practices' contact addresses, for reminders from here on; the demo practice's messages
    # reach its manager, a demo user.
    for o in Organisation.objects.filter(kind=OrganisationKind.GP_PRACTICE):
        o.contact_email = (
            "practice.manager@example.org"
            if o.ods_code == DEMO_PRACTICE
            else f"{o.ods_code.lower()}.manager@practices.example"
        )
        o.save(update_fields=["contact_email"])
    return 2


def build_engagement(timeline: Timeline, clock: Clock) -> dict[str, int]:
    """Both consultations and the messages; returns counts of what was made."""
    rng = np.random.default_rng(8)
    pmo = get_user_model().objects.get(username="pmo")
    closed, votes = _closed(timeline, clock, rng, pmo)
    _open(timeline, clock, rng, pmo)
    sent = _messages(timeline, clock, rng, pmo)
    return {
        "consultations": 2,
        "participants": closed.participants.count(),
        "votes": votes,
        "messages": sent,
    }
