"""Forms for the Core20PLUS5 page."""

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
