"""Forms for decisions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Case, Q, Subquery, Value, When

from footprint.core.imports import year_problem
from footprint.decisions import compute, queries
from footprint.decisions.models import (
    ASSESSED_GROUPS,
    CONSENT_DAYS,
    DAY,
    PLUS_ROWS,
    Consent,
    Decision,
    DecisionType,
    Direction,
    Forum,
    ForumMember,
    ImpactAssessment,
    Meeting,
    Proposal,
    money_lines_error,
    recommended_option_error,
)
from footprint.partnership.models import Organisation, Place

# No money at stake or flow of money Footprint records comes near this (the proposal's own
# "Money at stake" field holds less); more is a mistyped figure.
MOST_POUNDS = 10**10


def _lines(text: str, fields: int = -1) -> list[tuple[int, list[str]]]:
    """Each non-blank line's number and its comma-separated parts; with ``fields``, at most
    that many parts (the last keeps any further commas, as in "RW9, -250,000")."""
    return [
        (n, [p.strip() for p in line.split(",", fields - 1 if fields > 0 else -1)])
        for n, line in enumerate(text.splitlines(), start=1)
        if line.strip()
    ]


class PoundsField(forms.DecimalField):
    """An amount in pounds, written as people write it: "£500,000" as well as "500000" (the
    pound sign, thousands separators and spaces are dropped before it is read, as the finance
    forms do)."""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = value.replace("£", "").replace(",", "").replace(" ", "")
        return super().to_python(value)


class ProposalForm(forms.ModelForm):
    value_pounds = PoundsField(
        label="Money at stake (£)",
        min_value=0,
        decimal_places=2,
        max_digits=14,
        initial=0,
        help_text="Decides which forum may take it",
    )
    goals = forms.ModelMultipleChoiceField(
        queryset=queries.goal_choices(),
        required=False,
        label="The plan's goals it serves (optional)",
        widget=forms.CheckboxSelectMultiple,
    )
    money = forms.CharField(
        label="Money in and out per organisation (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            "One per line: ODS code, pounds (negative for money out), e.g. RW9, -250,000. "
            "Money out may not exceed the money at stake, nor money in the money out; "
            "the rest of the money out is paid outside the partnership"
        ),
    )

    class Meta:
        model = Proposal
        fields = [
            "title",
            "summary",
            "options",
            "recommended_option",
            "decision_type",
            "brought_to",
            "confidentiality",
            "confidential_reason",
            "publish_after",
        ]
        widgets = {
            "options": forms.Textarea(attrs={"rows": 3}),
            "publish_after": forms.DateInput(attrs={"type": "date"}),
        }
        labels = {"brought_to": "Forum you are bringing it to"}
        help_texts = {
            "recommended_option": "One of the options above, written the same way",
            "brought_to": (
                "Routing starts here; the scheme of delegation may send it higher, "
                "to a forum this one reports to"
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.fields["goals"].queryset.exists():  # type: ignore[attr-defined]
            del self.fields["goals"]  # no plan yet: nothing to choose

    def clean_money(self) -> list[tuple[Organisation, int]]:
        orgs = {o.ods_code: o for o in Organisation.objects.all()}
        flows, errors = [], []
        for n, parts in _lines(self.cleaned_data.get("money", ""), fields=2):
            if len(parts) != 2 or parts[0].upper() not in orgs:
                errors.append(f"Line {n}: give an ODS code and an amount, e.g. RW9, -250000")
                continue
            try:
                pounds = Decimal(parts[1].replace("£", "").replace(",", "").replace(" ", ""))
            except InvalidOperation:
                pounds = None
            if pounds is None or not pounds.is_finite():
                errors.append(f"Line {n}: '{parts[1][:40]}' is not an amount of money")
                continue
            if abs(pounds) >= MOST_POUNDS:
                errors.append(
                    f"Line {n}: {parts[1][:40]} is more than £{MOST_POUNDS:,}: is it in pounds?"
                )
                continue
            flows.append((orgs[parts[0].upper()], int(pounds * 100)))
        if errors:
            raise forms.ValidationError(errors)
        return flows

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("options") and data.get("recommended_option"):
            problem = recommended_option_error(data["options"], data["recommended_option"])
            if problem:
                self.add_error("recommended_option", problem)
        if data.get("money") and data.get("value_pounds") is not None:
            amounts = [pence for _, pence in data["money"]]
            if problem := money_lines_error(int(data["value_pounds"] * 100), amounts):
                self.add_error("money", problem)
        if data.get("confidentiality") == Proposal.Confidentiality.CONFIDENTIAL:
            if not data.get("confidential_reason"):
                self.add_error("confidential_reason", "Say why it is confidential")
            if not data.get("publish_after"):
                self.add_error("publish_after", "Give the date it may be published")
        # A mistyped year (0226 for 2026) would publish a confidential item at once.
        published = data.get("publish_after")
        if published and (problem := year_problem(published.year, today=None)):
            self.add_error("publish_after", f"Date it may be published: {problem}")
        return data


class ConsentForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label="On behalf of", empty_label=None
    )
    response = forms.ChoiceField(
        choices=Consent.Response.choices, label="Response", widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label="Reason (needed for an objection)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    board_ratified = forms.BooleanField(
        label="Our board has ratified this response", required=False
    )

    def __init__(self, *args: Any, organisations: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            pk__in=[o.pk for o in organisations]
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("response") == Consent.Response.OBJECT and not data.get("reason", "").strip():
            self.add_error("reason", "Give the reason for the objection")
        return data


class ConflictForm(forms.Form):
    description = forms.CharField(label="Your conflict of interest", max_length=300)


class EscalateForm(forms.Form):
    reason = forms.CharField(
        label="Why the objection goes to the forum above", widget=forms.Textarea(attrs={"rows": 2})
    )


class MeetingForm(forms.Form):
    date = forms.DateField(
        label="Date of the meeting", widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_date(self) -> dt.date:
        date: dt.date = self.cleaned_data["date"]
        if problem := year_problem(date.year, today=self.today, ahead=1):
            raise forms.ValidationError(f"Date of the meeting: {problem}")
        return date

    attendees = forms.MultipleChoiceField(
        label="Who attended", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(
        self, *args: Any, forum: Forum, today: dt.date | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        choices = []
        for m in queries.seats_with_deputies(forum):
            choices.append(
                (
                    str(m.representative_id),
                    f"{m.representative.get_full_name() or m.representative.username} "
                    f"({m.organisation.name}{'' if m.voting else ', not voting'})",
                )
            )
            choices += [
                (
                    str(d.pk),
                    f"{d.get_full_name() or d.username} (deputy for {m.organisation.name})",
                )
                for d in m.deputies.all()
            ]
        self.fields["attendees"].choices = choices


class AskForm(forms.Form):
    """Ask each board for consent, by a deadline (two weeks from ``today`` unless changed)."""

    deadline = forms.DateField(
        label="Respond by",
        help_text="The day each board is asked to respond by",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["deadline"].initial = today + dt.timedelta(days=CONSENT_DAYS)

    def clean_deadline(self) -> dt.date:
        deadline: dt.date = self.cleaned_data["deadline"]
        if deadline < self.today:
            raise forms.ValidationError(
                f"The deadline, {deadline:{DAY}}, is before today, {self.today:{DAY}}"
            )
        if deadline > self.today + dt.timedelta(days=366):
            raise forms.ValidationError(
                f"The deadline, {deadline:{DAY}}, is more than a year after today, "
                f"{self.today:{DAY}}: is the year right?"
            )
        return deadline


class DecideForm(forms.Form):
    meeting = forms.ModelChoiceField(queryset=None, label="Meeting", empty_label=None)  # type: ignore[arg-type]
    outcome = forms.ChoiceField(
        choices=Decision.Outcome.choices,
        widget=forms.RadioSelect,
        help_text="Deferred: the forum takes it at a later meeting; the boards' responses stand",
    )
    option = forms.ChoiceField(label="Option decided", required=False)
    rationale = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    supersedes = forms.ModelChoiceField(
        queryset=Decision.objects.none(),
        required=False,
        label="Replaces an earlier decision",
        empty_label="No",
        help_text="A recorded decision is never edited; a new one replaces it",
    )
    actions = forms.CharField(
        label="Actions (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line: what, ODS code of the owner, due date, "
        "e.g. Open the unit, RW9, 2026-04-01",
    )

    def __init__(self, *args: Any, proposal: Proposal, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.proposal = proposal
        self.fields["meeting"].queryset = proposal.forum.meetings.all() if proposal.forum else []
        self.fields["option"].choices = [("", "–")] + [(o, o) for o in proposal.option_list]
        self.fields["supersedes"].queryset = (
            Decision.objects.filter(forum=proposal.forum, superseded_by__isnull=True)
            .exclude(outcome=Decision.Outcome.DEFERRED)
            .select_related("proposal")
            if proposal.forum
            else Decision.objects.none()
        )

    def clean_meeting(self) -> Meeting:
        meeting: Meeting = self.cleaned_data["meeting"]
        if meeting.date < self.proposal.proposed_on:
            raise forms.ValidationError(
                f"The meeting of {meeting.date:{DAY}} was before the proposal was brought "
                f"on {self.proposal.proposed_on:{DAY}}: choose a meeting on or after that day"
            )
        return meeting

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("outcome") == Decision.Outcome.DEFERRED:
            if data.get("option"):
                self.add_error("option", "A deferral decides no option: leave it empty")
            if data.get("supersedes"):
                self.add_error("supersedes", "A deferral replaces no earlier decision")
        return data

    def clean_actions(self) -> list[tuple[str, Organisation, dt.date]]:
        orgs = {o.ods_code: o for o in Organisation.objects.all()}
        out, errors = [], []
        for n, parts in _lines(self.cleaned_data.get("actions", "")):
            try:
                what, code, due = parts
                out.append((what, orgs[code.upper()], dt.date.fromisoformat(due)))
            except (ValueError, KeyError):
                errors.append(f"Line {n}: give what, an ODS code and a date (YYYY-MM-DD)")
        if errors:
            raise forms.ValidationError(errors)
        return out


class RegisterFilterForm(forms.Form):
    q = forms.CharField(
        label="Search decisions",
        required=False,
        max_length=200,
        error_messages={"max_length": "Search with at most 200 characters"},
    )
    forum = forms.ChoiceField(label="Forum", required=False)
    place = forms.ChoiceField(label="Place", required=False)
    type = forms.ChoiceField(label="Type", required=False)
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["forum"].choices = [("", "All forums")] + [
            (f.slug, f.name) for f in Forum.objects.order_by("name")
        ]
        self.fields["place"].choices = [("", "All places")] + [
            (p.slug, p.name) for p in Place.objects.order_by("name")
        ]
        self.fields["type"].choices = [("", "All types")] + [
            (t.slug, t.name) for t in DecisionType.objects.all()
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error(
                "date_from",
                f"The From date ({start:%-d %B %Y}) is after the To date ({end:%-d %B %Y}): "
                "choose a From date on or before the To date",
            )
        return cleaned


# --- Setting up forums, seats and the scheme of delegation ----------------------------------


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        full = obj.get_full_name()
        return f"{full} ({obj.username})" if full else obj.username


class SeatPersonChoiceField(forms.ModelChoiceField):
    """A person, named with the organisations they hold a role at."""

    def label_from_instance(self, obj: Any) -> str:
        return _with_organisations(obj)


class SeatPeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _with_organisations(obj)


def _with_organisations(obj: Any) -> str:
    full = obj.get_full_name()
    name = f"{full} ({obj.username})" if full else obj.username
    orgs = sorted({m.organisation.name for m in obj.memberships.all()})
    return f"{name}, {', '.join(orgs)}" if orgs else name


def _organisations_people(first: Any = None) -> Any:
    """People who may hold a seat for an organisation: active, with a role at an organisation
    and their invitation accepted (a password set); those at organisation ``first`` first.
    The service checks the person holds a role at the seat's own organisation."""
    people = (
        get_user_model()
        .objects.filter(is_active=True, memberships__isnull=False)
        .exclude(password__startswith="!")
        .prefetch_related("memberships__organisation")
        .distinct()
    )
    if first is None:
        return people.order_by("first_name", "username")
    ours = get_user_model().objects.filter(memberships__organisation_id=first).values("pk")
    return people.annotate(
        theirs=Case(When(pk__in=Subquery(ours), then=Value(0)), default=Value(1))
    ).order_by("theirs", "first_name", "username")


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        full = obj.get_full_name()
        return f"{full} ({obj.username})" if full else obj.username


def _people() -> Any:
    """Everyone who may hold a seat: active, with a role in the partnership."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(memberships__isnull=False) | Q(partnership_roles__isnull=False))
        .distinct()
        .order_by("first_name", "username")
    )


class ForumForm(forms.ModelForm):
    """A forum: its layer, the forum above it, terms of reference, quorum and decision rule.
    Its address is made from its name."""

    quorum_percent = forms.IntegerField(
        label="Quorum: at least this share of voting members (%)",
        required=False,
        min_value=1,
        max_value=100,
        help_text="e.g. 50 for half. Give the number, the share, or both: with both, both "
        "must be met",
    )
    quorum_groups = forms.MultipleChoiceField(
        label="At least one present from each of (optional)",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=compute.quorum_group_choices(),
    )
    field_order = [
        "name",
        "layer",
        "place",
        "neighbourhood",
        "parent",
        "terms_of_reference",
        "quorum_count",
        "quorum_percent",
        "quorum_groups",
        "decision_rule",
    ]

    class Meta:
        model = Forum
        fields = [
            "name",
            "layer",
            "place",
            "neighbourhood",
            "parent",
            "terms_of_reference",
            "quorum_count",
            "decision_rule",
        ]
        labels = {
            "name": "Name",
            "layer": "Layer",
            "place": "Place (for a place or neighbourhood forum)",
            "neighbourhood": "Neighbourhood (for a neighbourhood forum)",
            "parent": "The forum above (optional)",
            "terms_of_reference": "Terms of reference",
            "quorum_count": "Quorum: at least this many voting members",
            "decision_rule": "How it decides",
        }
        widgets = {
            "layer": forms.RadioSelect,
            "decision_rule": forms.RadioSelect,
            "terms_of_reference": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        instance = kwargs.get("instance")
        if instance is not None and instance.pk:
            kwargs.setdefault("initial", {}).update(
                quorum_percent=round(instance.quorum_share * 100)
                if instance.quorum_share is not None
                else None,
                quorum_groups=instance.quorum_groups,
            )
        super().__init__(*args, **kwargs)
        self.fields["parent"].empty_label = "None: it is the top forum"  # type: ignore[attr-defined]
        self.fields["quorum_count"].help_text = "Give one or both of the number and the share"
        drop_blank_radio_choices(self)
        self.fields["place"].empty_label = "None"  # type: ignore[attr-defined]
        self.fields["neighbourhood"].empty_label = "None"  # type: ignore[attr-defined]
        if instance is not None and instance.pk:
            self.fields["parent"].queryset = Forum.objects.exclude(pk=instance.pk)  # type: ignore[attr-defined]

    def _post_clean(self) -> None:
        """The service checks the forum."""

    def service_fields(self) -> dict[str, Any]:
        d = dict(self.cleaned_data)
        percent = d.pop("quorum_percent")
        d["quorum_share"] = Decimal(percent) / 100 if percent is not None else None
        return d


class SeatForm(forms.ModelForm):
    """An organisation's seat: its representative, whether it votes, and deputies."""

    representative = SeatPersonChoiceField(
        queryset=_organisations_people(),
        label="Representative",
        help_text="One of the organisation's own people, who has accepted their invitation",
    )
    deputies = SeatPeopleChoiceField(
        queryset=_organisations_people(),
        required=False,
        label="Deputies (optional)",
        help_text="The organisation's people who may act for the representative: respond for "
        "the organisation and attend in their place",
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ForumMember
        fields = ["organisation", "representative", "voting", "deputies"]
        labels = {"organisation": "Organisation", "voting": "Has a vote"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].empty_label = None  # type: ignore[attr-defined]
        if self.instance.pk is not None:  # the seat's organisation's people first
            people = _organisations_people(first=self.instance.organisation_id)
            self.fields["representative"].queryset = people  # type: ignore[attr-defined]
            self.fields["deputies"].queryset = people  # type: ignore[attr-defined]

    def _post_clean(self) -> None:
        """The service checks the seat."""


class DeputiesForm(forms.Form):
    deputies = PeopleChoiceField(
        queryset=_people(),
        required=False,
        label="Deputies",
        help_text="People who may act for you: respond for the organisation and attend in "
        "your place",
        widget=forms.CheckboxSelectMultiple,
    )


class DecisionTypeForm(forms.Form):
    name = forms.CharField(label="Type of decision", max_length=100, help_text="e.g. Investment")


class DelegationForm(forms.Form):
    decision_type = forms.ModelChoiceField(
        queryset=DecisionType.objects.order_by("name"), label="Type of decision", empty_label=None
    )
    forum = forms.ModelChoiceField(
        queryset=Forum.objects.order_by("layer", "name"), label="Forum", empty_label=None
    )
    limit_pounds = PoundsField(
        label="Up to (£) (optional)",
        required=False,
        decimal_places=2,
        max_digits=14,
        error_messages={"invalid": "Up to: enter an amount in pounds, e.g. 5000000"},
        help_text="The most money at stake the forum may decide; empty for no limit",
    )

    def clean_limit_pounds(self) -> Any:
        limit = self.cleaned_data["limit_pounds"]
        if limit is not None and limit < 0:
            raise forms.ValidationError("Up to: the limit must be £0 or more")
        return limit


class OnBehalfForm(forms.Form):
    """A board's response recorded on its behalf by the programme office, from its minute."""

    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label="Board", empty_label=None
    )
    response = forms.ChoiceField(
        choices=Consent.Response.choices, label="The board's response", widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label="Reason (needed for an objection)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    minute_reference = forms.CharField(
        label="Minute reference",
        max_length=100,
        help_text="The minute of the board's own meeting that decided it, e.g. Board minute "
        "2026/114",
    )

    def __init__(self, *args: Any, organisations: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            pk__in=[o.pk for o in organisations]
        ).order_by("name")


def drop_blank_radio_choices(form: forms.BaseForm) -> None:
    """A required choice shown as radios offers its choices only, not Django's "---------"."""
    for f in form.fields.values():
        if isinstance(f.widget, forms.RadioSelect) and f.required and hasattr(f, "choices"):
            f.choices = [c for c in f.choices if c[0] not in ("", None)]  # type: ignore[attr-defined]


class ThresholdForm(forms.Form):
    threshold_pounds = PoundsField(
        label="Threshold (£) (optional)",
        required=False,
        decimal_places=2,
        max_digits=14,
        error_messages={"invalid": "Threshold: enter an amount in pounds, e.g. 1000000"},
        help_text="A proposal with more money at stake than this needs a completed "
        "assessment before it is approved or rejected; empty: none needs one",
    )

    def clean_threshold_pounds(self) -> Any:
        value = self.cleaned_data["threshold_pounds"]
        if value is not None and value < 0:
            raise forms.ValidationError("Threshold: the threshold must be £0 or more")
        return value


DIRECTION_CHOICES = [("", "Choose"), *Direction.choices]


NOTE_WHEN_UNKNOWN = "(needed if the impact is not known yet)"


class AssessmentForm(forms.Form):
    """An equality and health inequalities impact assessment: a direction and a note for each
    protected characteristic and for Core20, up to ``PLUS_ROWS`` PLUS groups, the evidence and
    the mitigations. The service checks that it is whole."""

    def __init__(self, *args: Any, instance: ImpactAssessment | None = None, **kwargs: Any):
        if instance is not None and "initial" not in kwargs:
            initial: dict[str, Any] = {
                "evidence": instance.evidence,
                "mitigations": instance.mitigations,
            }
            for key, got in instance.impacts.items():
                initial[f"{key}_direction"] = got.get("direction", "")
                initial[f"{key}_note"] = got.get("note", "")
            for i, plus in enumerate(instance.plus_groups[:PLUS_ROWS]):
                initial[f"plus_{i}_group"] = plus["group"]
                initial[f"plus_{i}_direction"] = plus["direction"]
                initial[f"plus_{i}_note"] = plus.get("note", "")
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        for key, name in ASSESSED_GROUPS:
            self.fields[f"{key}_direction"] = forms.ChoiceField(
                label=f"{name}: the impact",
                choices=DIRECTION_CHOICES,
                required=False,
            )
            self.fields[f"{key}_note"] = forms.CharField(
                label=f"{name}: who is affected, and how {NOTE_WHEN_UNKNOWN}",
                required=False,
                max_length=500,
            )
        for i in range(PLUS_ROWS):
            self.fields[f"plus_{i}_group"] = forms.CharField(
                label=f"PLUS group {i + 1} (optional)",
                required=False,
                max_length=200,
                help_text="A group the partnership chose to focus on, e.g. people experiencing "
                "homelessness"
                if i == 0
                else "",
            )
            self.fields[f"plus_{i}_direction"] = forms.ChoiceField(
                label=f"PLUS group {i + 1}: the impact", choices=DIRECTION_CHOICES, required=False
            )
            self.fields[f"plus_{i}_note"] = forms.CharField(
                label=f"PLUS group {i + 1}: who is affected, and how {NOTE_WHEN_UNKNOWN}",
                required=False,
                max_length=500,
            )
        self.fields["evidence"] = forms.CharField(
            label="Evidence",
            widget=forms.Textarea(attrs={"rows": 4}),
            required=False,
            help_text="The data, engagement and research the assessment rests on",
        )
        self.fields["mitigations"] = forms.CharField(
            label="Mitigations (needed for any negative impact)",
            widget=forms.Textarea(attrs={"rows": 4}),
            required=False,
        )

    def groups(self) -> list[tuple[str, Any, Any]]:
        """Each protected characteristic and Core20: (name, its direction field, its note
        field), for the page to lay out."""
        return [
            (name, self[f"{key}_direction"], self[f"{key}_note"]) for key, name in ASSESSED_GROUPS
        ]

    def plus_rows(self) -> list[tuple[Any, Any, Any]]:
        return [
            (self[f"plus_{i}_group"], self[f"plus_{i}_direction"], self[f"plus_{i}_note"])
            for i in range(PLUS_ROWS)
        ]

    def service_fields(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "impacts": {
                key: (d[f"{key}_direction"], d[f"{key}_note"]) for key, _ in ASSESSED_GROUPS
            },
            "plus_groups": [
                (d[f"plus_{i}_group"], d[f"plus_{i}_direction"], d[f"plus_{i}_note"])
                for i in range(PLUS_ROWS)
            ],
            "evidence": d["evidence"],
            "mitigations": d["mitigations"],
        }
