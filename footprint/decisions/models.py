"""Forums, the scheme of delegation, proposals, consent, meetings, decisions and actions."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from footprint.core.validators import validate_one_line
from footprint.partnership.models import Neighbourhood, Organisation, Place
from footprint.partnership.validators import formula_start_error

User = settings.AUTH_USER_MODEL
CONSENT_DAYS = 14  # boards are asked to respond within two weeks unless told otherwise
DAY = "%-d %B %Y"  # how decisions write a day, in pages and emails: 1 October 2026


class Forum(models.Model):
    """A decision-making body at one layer: the system board, a place's alliance board, a
    neighbourhood team."""

    class Layer(models.TextChoices):
        SYSTEM = "system", "System"
        PLACE = "place", "Place"
        NEIGHBOURHOOD = "neighbourhood", "Neighbourhood"

    class Rule(models.TextChoices):
        CONSENSUS = "consensus", "Consensus of all member boards"
        CONSENT = "consent", "Consent with no objection"
        MAJORITY = "majority", "A majority of member boards"

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    layer = models.CharField(max_length=15, choices=Layer.choices)
    place = models.ForeignKey(Place, null=True, blank=True, on_delete=models.PROTECT)
    neighbourhood = models.ForeignKey(
        Neighbourhood, null=True, blank=True, on_delete=models.PROTECT
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="The forum above, where objections are escalated and larger decisions go",
    )
    terms_of_reference = models.TextField()
    quorum_count = models.PositiveIntegerField(
        null=True, blank=True, help_text="At least this many voting members"
    )
    quorum_share = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Or at least this share of voting members, 0–1",
    )
    quorum_groups = models.JSONField(
        default=list,
        blank=True,
        help_text="At least one present from each: nhs_provider, commissioner, council, …",
    )
    decision_rule = models.CharField(max_length=10, choices=Rule.choices, default=Rule.CONSENT)
    history = HistoricalRecords()

    class Meta:
        ordering = ["layer", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("decisions:forum", args=[self.slug])

    def clean(self) -> None:
        if self.quorum_count is None and self.quorum_share is None:
            raise ValidationError("Give the quorum as a number or a share of voting members")


class ForumMember(models.Model):
    """An organisation's seat on a forum: its named representative, and the deputies the
    representative names to act for the organisation when they cannot (respond to a proposal,
    attend in their place)."""

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="members")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    representative = models.ForeignKey(User, on_delete=models.PROTECT, related_name="forum_seats")
    voting = models.BooleanField(default=True)
    deputies = models.ManyToManyField(User, blank=True, related_name="deputy_seats")
    history = HistoricalRecords(m2m_fields=[deputies])

    class Meta:
        ordering = ["forum", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["forum", "representative"], name="forum_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.representative} for {self.organisation.name} on {self.forum}"


class DecisionType(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Delegation(models.Model):
    """The scheme of delegation: a forum may take decisions of a type up to a money limit."""

    decision_type = models.ForeignKey(
        DecisionType, on_delete=models.CASCADE, related_name="delegations"
    )
    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="delegations")
    limit_pence = models.BigIntegerField(
        "limit", null=True, blank=True, help_text="In pence; empty for no limit"
    )
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["decision_type", "forum"], name="delegation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.forum}: {self.decision_type}"


class Meeting(models.Model):
    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField()
    attendees = models.ManyToManyField(User, blank=True, related_name="meetings_attended")
    history = HistoricalRecords(m2m_fields=[attendees])

    class Meta:
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.forum}, {self.date.strftime(DAY)}"


def options_of(text: str) -> list[str]:
    """The options written one per line, blank lines left out."""
    return [o.strip() for o in text.splitlines() if o.strip()]


def recommended_option_error(options: str, recommended: str) -> str:
    """Why ``recommended`` is not one of ``options`` (written one per line), or ''."""
    listed = options_of(options)
    if recommended.strip() in listed:
        return ""
    if not listed:
        return "Give the options, one per line, before the recommended one"
    return (
        f"The recommended option, “{recommended.strip()}”, is not one of the options: "
        + "; ".join(f"“{o}”" for o in listed)
        + ". Copy one of them exactly."
    )


def validate_title_start(value: str) -> None:
    """A proposal's title starts as a name does: never with what a spreadsheet reads as a
    formula (the rule for organisations' and PLUS groups' names)."""
    if problem := formula_start_error(value, "the title"):
        raise ValidationError(problem, code="title_formula")


def validate_options_start(value: str) -> None:
    """Each option, one a line, starts as a name does (see ``validate_title_start``)."""
    problems = [
        f"{formula_start_error(option, 'each option')} (option {n}: “{option[:40]}”)"
        for n, option in enumerate(options_of(value), start=1)
        if formula_start_error(option)
    ]
    if problems:
        raise ValidationError(problems, code="option_formula")


def _pounds(pence: int) -> str:
    return f"£{abs(pence) / 100:,.0f}"


def money_lines_error(value_pence: int, amounts: list[int]) -> str:
    """Why a proposal's money in and out per organisation cannot stand with its money at
    stake, or ''. Money out of the organisations (the negative lines) is the money the proposal
    commits, and routing asks whether the forum may commit each payer's money, so it may not
    exceed the money at stake. Money into them comes out of another line: money in may not
    exceed money out; the difference is paid outside the partnership (to a supplier, say)."""
    out = -sum(a for a in amounts if a < 0)
    into = sum(a for a in amounts if a > 0)
    if out > value_pence:
        return (
            f"Money out of the organisations ({_pounds(out)} in all) is more than the money "
            f"at stake ({_pounds(value_pence)}): correct a line or the money at stake"
        )
    if into > out:
        return (
            f"Money into the organisations ({_pounds(into)} in all) is more than the money out "
            f"of them ({_pounds(out)}): give the organisation each amount comes from, with a "
            "minus sign, or correct a line"
        )
    return ""


def money_net_words(amounts: list[int]) -> str:
    """The net of the money lines in words, as the proposal's page shows it ('' for none)."""
    out = -sum(a for a in amounts if a < 0)
    into = sum(a for a in amounts if a > 0)
    if not out:
        return ""
    if out == into:
        return "Net £0: the money out goes to the organisations listed."
    if not into:
        return f"Net −{_pounds(out)}: paid outside the partnership."
    return (
        f"Net −{_pounds(out - into)}: {_pounds(into)} of the {_pounds(out)} out goes to the "
        f"organisations listed; {_pounds(out - into)} is paid outside the partnership."
    )


class Proposal(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SEEKING_CONSENT = "seeking_consent", "Seeking consent"
        ESCALATED = "escalated", "Escalated"
        DEFERRED = "deferred", "Deferred"
        DECIDED = "decided", "Decided"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Confidentiality(models.TextChoices):
        PUBLIC = "public", "Public"
        CONFIDENTIAL = "confidential", "Confidential"

    title = models.CharField(max_length=200, validators=[validate_one_line, validate_title_start])
    summary = models.TextField()
    options = models.TextField(
        help_text="The options considered, one per line", validators=[validate_options_start]
    )
    recommended_option = models.CharField(max_length=300)
    decision_type = models.ForeignKey(DecisionType, on_delete=models.PROTECT)
    value_pence = models.BigIntegerField(
        "money at stake", default=0, help_text="The money at stake, in pence"
    )
    brought_to = models.ForeignKey(
        Forum,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="forum it is brought to",
        help_text="The forum the proposal was brought to",
    )
    forum = models.ForeignKey(
        Forum,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals",
        verbose_name="deciding forum",
        help_text="The forum that may decide it, from the scheme of delegation",
    )
    confidentiality = models.CharField(
        max_length=12, choices=Confidentiality.choices, default=Confidentiality.PUBLIC
    )
    confidential_reason = models.CharField(max_length=300, blank=True)
    publish_after = models.DateField("date it may be published", null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="brought by"
    )
    created_at = models.DateTimeField(
        default=timezone.now, editable=False, help_text="When the proposal was brought"
    )
    consent_asked_on = models.DateField(
        "when consent was asked",
        null=True,
        blank=True,
        help_text="When the boards were last asked for consent",
    )
    consent_deadline = models.DateField(
        null=True, blank=True, help_text="The day by which each board is asked to respond"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("decisions:proposal", args=[self.pk])

    def clean(self) -> None:
        if self.confidentiality == self.Confidentiality.CONFIDENTIAL and not (
            self.confidential_reason and self.publish_after
        ):
            raise ValidationError(
                "A confidential proposal needs a reason and a date it may be published"
            )

    @property
    def option_list(self) -> list[str]:
        return options_of(self.options)

    @property
    def proposed_on(self) -> dt.date:
        """The day the proposal was brought: no meeting before it can decide it."""
        return timezone.localtime(self.created_at).date()

    def consent_overdue(self, today: dt.date) -> bool:
        """Whether boards are still asked to respond after the deadline has passed."""
        return (
            self.status == self.Status.SEEKING_CONSENT
            and self.consent_deadline is not None
            and today > self.consent_deadline
        )


class MoneyFlow(models.Model):
    """Money in (positive) or out (negative) for one organisation if the proposal goes ahead."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="money")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    amount_pence = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.organisation}: {self.amount_pence / 100:+,.0f}"


class Conflict(models.Model):
    """A declared conflict of interest: the person neither counts to quorum nor consents."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="conflicts")
    person = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    description = models.CharField(max_length=300)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"{self.person}: {self.description}"


class Consent(models.Model):
    """A member board's response to a proposal."""

    class Response(models.TextChoices):
        CONSENT = "consent", "Consent"
        OBJECT = "object", "Object"
        ABSTAIN = "abstain", "Abstain"

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="consents")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    response = models.CharField(max_length=10, choices=Response.choices)
    reason = models.TextField(blank=True)
    board_ratified = models.BooleanField(
        default=False, help_text="Whether the organisation's own board has ratified"
    )
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)
    minute_reference = models.CharField(
        max_length=100,
        blank=True,
        help_text="When the programme office records the response on the board's behalf: "
        "the minute of the board's own meeting that decided it",
    )
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["proposal", "organisation"], name="consent_unique")
        ]

    def __str__(self) -> str:
        return f"{self.organisation.name}: {self.get_response_display()}"

    @property
    def on_behalf(self) -> bool:
        """Whether the programme office recorded it on the board's behalf, from its minute."""
        return bool(self.minute_reference)


class Escalation(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="escalations")
    from_forum = models.ForeignKey(Forum, on_delete=models.PROTECT, related_name="+")
    to_forum = models.ForeignKey(Forum, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.proposal}: {self.from_forum} → {self.to_forum}"


class Decision(models.Model):
    """A recorded decision: approved, rejected, or deferred to a later meeting of the forum
    (the proposal's status is then Deferred until a later meeting decides it). It cannot be
    edited; a later decision may supersede it."""

    class Outcome(models.TextChoices):
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        DEFERRED = "deferred", "Deferred"  # to a later meeting: the proposal comes back

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="decisions")
    forum = models.ForeignKey(Forum, on_delete=models.PROTECT, related_name="decisions")
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    option = models.CharField(max_length=300, blank=True)
    rationale = models.TextField()
    decided_on = models.DateField()
    votes = models.JSONField(help_text="Each board's response, the quorum and the rule, as taken")
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_on", "-pk"]
        constraints = [
            # Deferred any number of times, at different meetings, but decided once.
            models.UniqueConstraint(
                fields=["proposal"],
                condition=~models.Q(outcome="deferred"),
                name="decision_once_per_proposal",
            ),
            models.UniqueConstraint(
                fields=["proposal", "meeting"], name="decision_once_per_proposal_meeting"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal.title}: {self.get_outcome_display()}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValidationError(
                "A recorded decision cannot be edited; record a new decision that supersedes it."
            )
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class Action(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(max_length=300)
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="actions")
    due = models.DateField()
    done = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due"]

    def __str__(self) -> str:
        return self.description


# --- Equality and health inequalities impact assessment (issue 20) ---------------------------

# The nine protected characteristics of the Equality Act 2010 (section 4), in the Act's order.
PROTECTED_CHARACTERISTICS: tuple[tuple[str, str], ...] = (
    ("age", "Age"),
    ("disability", "Disability"),
    ("gender_reassignment", "Gender reassignment"),
    ("marriage_civil_partnership", "Marriage and civil partnership"),
    ("pregnancy_maternity", "Pregnancy and maternity"),
    ("race", "Race"),
    ("religion_belief", "Religion or belief"),
    ("sex", "Sex"),
    ("sexual_orientation", "Sexual orientation"),
)
# Core20PLUS5: the most deprived 20 % of the national population, by the Index of Multiple
# Deprivation; the PLUS groups are chosen locally and written on each assessment.
CORE20 = ("core20", "Core20: people in the most deprived 20% of areas nationally")
ASSESSED_GROUPS: tuple[tuple[str, str], ...] = (*PROTECTED_CHARACTERISTICS, CORE20)
PLUS_ROWS = 4  # PLUS groups an assessment names, at most


class Direction(models.TextChoices):
    POSITIVE = "positive", "Positive"
    NEUTRAL = "neutral", "Neutral"
    NEGATIVE = "negative", "Negative"
    UNKNOWN = "unknown", "Not known yet"


class AssessmentThreshold(models.Model):
    """The partnership's rule: a proposal with more than this much money at stake needs a
    completed equality and health inequalities impact assessment before it is decided. One
    row; empty means no proposal needs one."""

    threshold_pence = models.BigIntegerField(
        "threshold", null=True, blank=True, help_text="In pence; empty: none needs one"
    )
    history = HistoricalRecords()

    def __str__(self) -> str:
        if self.threshold_pence is None:
            return "No assessment required"
        return f"An assessment above £{self.threshold_pence / 100:,.0f}"


class ImpactAssessment(models.Model):
    """An equality and health inequalities impact assessment (EHIA) of a proposal: for each
    protected characteristic, for Core20 and for each PLUS group the partnership chose, the
    direction of the impact and a note; the evidence, the mitigations, who completed it and
    when."""

    proposal = models.OneToOneField(Proposal, on_delete=models.CASCADE, related_name="assessment")
    impacts = models.JSONField(
        default=dict,
        help_text="By group key (a protected characteristic or core20): direction and note",
    )
    plus_groups = models.JSONField(
        "PLUS groups",
        default=list,
        blank=True,
        help_text="Each locally chosen group assessed: group, direction and note",
    )
    evidence = models.TextField()
    mitigations = models.TextField(blank=True)
    completed_by = models.ForeignKey(
        User, null=True, on_delete=models.PROTECT, related_name="+", help_text="Empty: the operator"
    )
    completed_on = models.DateField()
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Impact assessment of {self.proposal}"

    def rows(self) -> list[dict[str, str]]:
        """Every group assessed, in order: protected characteristics, Core20, PLUS groups;
        each with its kind, name, direction, direction in words and note."""
        words = dict(Direction.choices)
        out = []
        for key, name in ASSESSED_GROUPS:
            got = self.impacts.get(key, {})
            direction = got.get("direction", Direction.UNKNOWN)
            out.append(
                {
                    "kind": "Core20PLUS" if key == CORE20[0] else "Protected characteristic",
                    "group": name,
                    "direction": direction,
                    "direction_words": words.get(direction, direction),
                    "note": got.get("note", ""),
                }
            )
        for plus in self.plus_groups:
            out.append(
                {
                    "kind": "Core20PLUS",
                    "group": f"PLUS: {plus['group']}",
                    "direction": plus["direction"],
                    "direction_words": words.get(plus["direction"], plus["direction"]),
                    "note": plus.get("note", ""),
                }
            )
        return out

    def gaps(self) -> list[str]:
        """What keeps this assessment from counting as completed (docs/decisions.md, "An
        impact assessment is complete"): each group not judged ("Not known yet") without a
        note saying how and when it will be found out, and every protected characteristic and
        Core20 left not known. Empty: it is complete. Assessments saved before the rule may
        fail it; the service refuses new ones that do."""
        rows = self.rows()
        out = [
            f"{r['group']}: not known yet, with no plan to find out"
            for r in rows
            if r["direction"] == Direction.UNKNOWN and not r["note"].strip()
        ]
        if all(r["direction"] == Direction.UNKNOWN for r in rows[: len(ASSESSED_GROUPS)]):
            out.append("Every protected characteristic and Core20 is not known yet")
        return out

    def counts(self) -> dict[str, int]:
        """How many groups each direction has, in the order of ``Direction``."""
        out = {d: 0 for d in Direction.values}
        for row in self.rows():
            out[row["direction"]] = out.get(row["direction"], 0) + 1
        return out

    def summary(self) -> str:
        """'Positive for 3 groups, negative for 1, neutral for 7, not known for 0; 1 with
        mitigations': the register's one line."""
        c = self.counts()
        n = len(self.rows())
        parts = [
            f"{c[Direction.POSITIVE]} positive",
            f"{c[Direction.NEGATIVE]} negative",
            f"{c[Direction.NEUTRAL]} neutral",
            f"{c[Direction.UNKNOWN]} not known yet",
        ]
        return (
            f"{n} groups assessed: " + ", ".join(parts) + f". Completed {self.completed_on:{DAY}}."
        )
