"""Forms for the Core20PLUS5 page and the choice of rates."""

from __future__ import annotations

from django import forms

from footprint.inequalities import queries
from footprint.inequalities.models import WHO_MAX, WHY_MAX, PlusGroup


class PlusGroupForm(forms.ModelForm):
    class Meta:
        model = PlusGroup
        fields = ["name", "who", "why", "order", "public"]
        labels = {"name": "Name of the group", "order": "Order on the page"}
        widgets = {
            "who": forms.Textarea(attrs={"rows": 4}),
            "why": forms.Textarea(attrs={"rows": 5}),
        }
        error_messages = {
            "who": {"max_length": f"Who is in the group must be {WHO_MAX:,} characters or fewer"},
            "why": {
                "max_length": "Why the partnership chose it must be "
                f"{WHY_MAX:,} characters or fewer"
            },
        }

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"]
        taken = PlusGroup.objects.filter(name__iexact=name).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(f"There is already a PLUS group called {name}")
        return name

    def repeats(self) -> PlusGroup | None:
        """The group this submission would add again, word for word (a form sent twice), if
        the only thing wrong with it is that its name is taken."""
        if set(self.errors) != {"name"} or self.instance.pk:
            return None
        data = self.cleaned_data
        return PlusGroup.objects.filter(
            name__iexact=self.data.get("name", "").strip(),
            who=data.get("who"),
            why=data.get("why"),
        ).first()


class ClinicalAreaMetricForm(forms.Form):
    metric = forms.ChoiceField(label="The plan metric that tracks it", required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["metric"].choices = [("", "None yet")] + [
            (str(m.pk), m.name) for m in queries.metrics()
        ]


class RatesForm(forms.Form):
    """Which baseline's activity, and which point of delivery, the rates are of (a GET
    form: nothing is saved)."""

    baseline = forms.ChoiceField(label="Activity", required=False)
    pod = forms.ChoiceField(label="Kind of activity", required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["baseline"].choices = [(str(b.pk), str(b)) for b in queries.rate_baselines()]
        self.fields["pod"].choices = list(queries.RATE_PODS.items())
