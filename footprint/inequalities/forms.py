"""Forms for the Core20PLUS5 page and the choice of rates."""

from __future__ import annotations

from django import forms

from footprint.inequalities import queries
from footprint.inequalities.models import PlusGroup


class PlusGroupForm(forms.ModelForm):
    class Meta:
        model = PlusGroup
        fields = ["name", "who", "why", "order", "public"]
        labels = {"name": "Name of the group", "order": "Order on the page"}


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
