"""Forms for consultations: taking part (with a honeypot for spam robots), setting one up,
moderation and the partnership's responses."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from footprint.core.imports import year_problem
from footprint.decisions.models import Decision
from footprint.decisions.queries import published_q
from footprint.engagement import attachments
from footprint.engagement.models import (
    AgeBand,
    Consultation,
    Document,
    Message,
    MessageAudience,
    Question,
    Response,
    Statement,
)
from footprint.engagement.services import MAY_NOT_NAME
from footprint.partnership.models import Organisation, Place
from footprint.partnership.staff import StaffGroup


class Honeypot(forms.Form):
    """A field people never see and robots fill in."""

    website = forms.CharField(required=False, label="Leave this empty", widget=forms.HiddenInput)

    def clean_website(self) -> str:
        if self.cleaned_data["website"]:
            raise forms.ValidationError("This looks automated.")
        return ""


#: The longest statement, in characters (the page's character count shows it too).
STATEMENT_MOST = 280


class StatementForm(Honeypot):
    text = forms.CharField(
        label="Add your own statement",
        max_length=STATEMENT_MOST,
        min_length=5,
        help_text=f"One short point others can agree or disagree with, {STATEMENT_MOST} "
        "characters at most. It appears once a moderator has checked it.",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": "Write your statement",
            "max_length": f"Your statement must be {STATEMENT_MOST} characters or fewer "
            "(it has %(show_value)d)",
            "min_length": "Your statement must be at least 5 characters",
        },
    )

    def clean_text(self) -> str:
        text = " ".join(self.cleaned_data["text"].split())
        if "http://" in text or "https://" in text or "www." in text:
            raise forms.ValidationError("Statements cannot contain links.")
        return text


#: The longest answer to a free-text question, in characters.
ANSWER_MOST = 2000


class AnswersForm(Honeypot):
    """One free-text box per question; all optional."""

    def __init__(self, *args: Any, questions: list[Question], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for q in questions:
            asked = q.text.rstrip(" .")
            self.fields[f"q{q.pk}"] = forms.CharField(
                label=q.text,
                required=False,
                max_length=ANSWER_MOST,
                widget=forms.Textarea(attrs={"rows": 4}),
                # Not "<the question> must be …": name the answer, quoting the question.
                error_messages={
                    "max_length": f"Your answer to ‘{asked}’ must be {ANSWER_MOST:,} "
                    "characters or fewer (it has %(show_value)d)"
                },
            )

    def answers(self) -> list[tuple[Question, str]]:
        return [(q, self.cleaned_data.get(f"q{q.pk}", "")) for q in self.questions]


class AboutYouForm(forms.Form):
    age_band = forms.ChoiceField(
        label="Your age", choices=[("", "Prefer not to say"), *AgeBand.choices], required=False
    )
    place = forms.ModelChoiceField(
        queryset=Place.objects.all(),
        required=False,
        label="Where you live",
        empty_label="Prefer not to say",
    )


# A consultation runs for at most a year, and keeps participants' personal details at most
# three years after it closes: a later date is a mistyped year (docs/decisions.md).
LONGEST_DAYS = 366
KEEP_MOST_DAYS = 3 * 365 + 1


# A web address as its hint says: lower-case letters, numbers and hyphens, a hyphen only
# between them (no underscores: one rule, the one the hint gives).
WEB_ADDRESS = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class ConsultationForm(forms.ModelForm):
    # A plain text field: the model's SlugField would refuse in Django's words ("Enter a valid
    # “slug”"); ``clean_slug`` says what is wrong in the field's own words.
    slug = forms.CharField(
        max_length=80,
        required=False,
        error_messages={
            "unique": "Another consultation already has this web address: choose another",
            "max_length": "Web address: at most 80 characters",
        },
    )

    class Meta:
        model = Consultation
        fields = [
            "title",
            "slug",
            "summary",
            "body",
            "about",
            "proposal",
            "audience",
            "opens_on",
            "closes_on",
            "retention_until",
            "report_summary",
        ]
        widgets = {
            "opens_on": forms.DateInput(attrs={"type": "date"}),
            "closes_on": forms.DateInput(attrs={"type": "date"}),
            "retention_until": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(
        self, *args: Any, today: dt.date | None = None, slug_fixed: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["proposal"].empty_label = "None"
        slug = self.fields["slug"]
        slug.label = "Web address"
        slug.required = False
        if slug_fixed:
            # Fixed: the form keeps the one it has, whatever is sent.
            slug.disabled = True
            slug.help_text = f"Fixed: {slug_fixed.lower()}."
        else:
            slug.help_text = (
                "The end of its address, /consultations/…/: lower-case letters, numbers and "
                "hyphens. Leave it empty to make it from the title. It can change until the "
                "consultation opens."
            )

    def clean_slug(self) -> str:
        slug: str = self.cleaned_data.get("slug") or ""
        slug = slug.strip().lower()  # capitals read the same in an address: kept lower-case
        if slug and not WEB_ADDRESS.match(slug):
            raise ValidationError(
                "Web address: use only lower-case letters, numbers and hyphens (a hyphen "
                "between them, no spaces or underscores), e.g. evening-gp-appointments"
            )
        return slug

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        opens, closes, keep = (
            data.get("opens_on"),
            data.get("closes_on"),
            data.get("retention_until"),
        )
        if opens and (problem := year_problem(opens.year, today=self.today, ahead=2)):
            self.add_error("opens_on", f"Opens: {problem}")
        if opens and closes and closes < opens:
            self.add_error("closes_on", "It must close after it opens")
        elif (
            opens and closes and (closes - opens).days > LONGEST_DAYS
        ):  # no date arithmetic near 9999
            self.add_error(
                "closes_on", "A consultation runs for at most a year: is the year right?"
            )
        if closes and keep and keep < closes:
            self.add_error("retention_until", "Keep personal details at least until it closes")
        elif closes and keep and (keep - closes).days > KEEP_MOST_DAYS:
            self.add_error(
                "retention_until",
                "Keep personal details at most three years after it closes: is the year right?",
            )
        # A date the others could not judge (one missing or refused) is still judged on its
        # own, so that every date's problem shows in one round.
        closes_problem = closes and year_problem(closes.year, today=self.today, ahead=3)
        if closes_problem and "closes_on" not in self.errors:
            self.add_error("closes_on", f"Closes: {closes_problem}")
        keep_problem = keep and year_problem(keep.year, today=self.today, ahead=6)
        if keep_problem and "retention_until" not in self.errors:
            self.add_error("retention_until", f"Personal details kept until: {keep_problem}")
        return data


class PartnershipStatementForm(forms.Form):
    text = forms.CharField(label="A statement to vote on", max_length=280, min_length=5)


class QuestionForm(forms.Form):
    text = forms.CharField(label="A free-text question", max_length=300, min_length=5)


class DocumentForm(forms.ModelForm):
    class Meta:
        model = Document
        fields = ["title", "url"]
        labels = {"title": "Document title", "url": "Web address of the document"}


class ResponseForm(forms.ModelForm):
    class Meta:
        model = Response
        fields = ["theme", "statement", "response", "decision"]
        widgets = {"response": forms.Textarea(attrs={"rows": 3})}

    def __init__(
        self, *args: Any, consultation: Consultation, today: dt.date, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["statement"].queryset = Statement.objects.filter(
            consultation=consultation, status="approved"
        )
        self.fields["statement"].required = False
        # Only decisions the public may see: the report is public and names the decision.
        self.fields["decision"].queryset = Decision.objects.filter(
            published_q(today)
        ).select_related("proposal")
        self.fields["decision"].error_messages["invalid_choice"] = MAY_NOT_NAME
        self.fields["decision"].required = False
        self.fields["statement"].empty_label = "None: a theme in general"
        self.fields["decision"].empty_label = "None"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Any number of files (none included), each checked as a message's attachment."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        for f in files:
            super().clean(f, initial)
        try:
            attachments.check_files(files)
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages[0]) from exc
        return files


class MessageForm(forms.ModelForm):
    """A message and who it goes to; ``senders`` are the organisations the person may send
    for (and the partnership as a whole, for the programme office)."""

    class Meta:
        model = Message
        fields = [
            "title",
            "body",
            "sender",
            "audience",
            "place",
            "neighbourhood",
            "staff_group",
            "link_days",
        ]
        widgets = {"body": forms.Textarea(attrs={"rows": 8}), "audience": forms.RadioSelect}
        labels = {"sender": "From", "audience": "To", "link_days": "Personal links work for (days)"}
        error_messages = {"audience": {"required": "Choose who the message goes to"}}

    def __init__(
        self, *args: Any, senders: list[Organisation], partnership: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["sender"]
        field.queryset = Organisation.objects.filter(pk__in=[o.pk for o in senders])
        field.required = not partnership
        field.empty_label = "The partnership" if partnership else None
        # Radios, not a list: only the real audiences, no blank "---------" button (the
        # model field has no default, so Django would offer one).
        self.fields["audience"].choices = MessageAudience.choices
        self.fields["place"].help_text = "For the practices in one place"
        self.fields["neighbourhood"].help_text = "For the practices in one neighbourhood"
        self.fields["staff_group"].help_text = "For one staff group"
        # Plain words for "none chosen" in the lists, not Django's "---------".
        self.fields["place"].empty_label = "Not for one place"
        self.fields["neighbourhood"].empty_label = "Not for one neighbourhood"
        self.fields["staff_group"].choices = [("", "Not for one staff group"), *StaffGroup.choices]
        self.fields["link_days"].required = False  # blank: the partnership's default, 90
        self.fields["attachments"] = AttachmentsField(
            label="Attach files (optional)",
            required=False,
            help_text=f"Posters, letters, forms: {attachments.ACCEPTED} files, up to "
            f"{attachments.MOST_PER_FILE // attachments.MB} MB each and "
            f"{attachments.MOST_PER_MESSAGE // attachments.MB} MB in all. Choose several at once.",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        needs = {
            MessageAudience.PLACE_PRACTICES: "place",
            MessageAudience.NEIGHBOURHOOD_PRACTICES: "neighbourhood",
            MessageAudience.STAFF_GROUP: "staff_group",
        }.get(data.get("audience", ""))
        if needs and not data.get(needs):
            self.add_error(needs, f"Choose the {needs.replace('_', ' ')} it goes to")
        if data.get("link_days") is None and "link_days" not in self.errors:
            data["link_days"] = Message._meta.get_field("link_days").default
        return data
