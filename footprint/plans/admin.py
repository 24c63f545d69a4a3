"""The plan in the Django admin, for emergencies: the programme office sets up the plan on its
own pages."""

from typing import Any

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from footprint.plans import queries
from footprint.plans.models import Goal, Measurement, Metric, Plan, Priority, Rebase
from footprint.plans.services import code_for


class PriorityInline(admin.TabularInline):
    model = Priority
    extra = 0


@admin.register(Plan)
class PlanAdmin(SimpleHistoryAdmin):
    list_display = ["title", "period", "status"]
    inlines = [PriorityInline]


@admin.register(Priority)
class PriorityAdmin(SimpleHistoryAdmin):
    list_display = ["title", "plan", "order", "lead"]


@admin.register(Metric)
class MetricAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug", "unit", "improvement", "frequency", "owner", "next_review"]
    list_filter = ["improvement", "frequency", "owner"]
    search_fields = ["name", "slug"]
    readonly_fields = ["slug"]  # the code: made from the name when the metric is added

    def save_model(self, request: Any, obj: Metric, form: Any, change: bool) -> None:
        if not obj.slug:
            obj.slug = code_for(obj.name, queries.metric_codes())
        super().save_model(request, obj, form, change)


@admin.register(Goal)
class GoalAdmin(SimpleHistoryAdmin):
    list_display = ["statement", "priority", "metric", "horizon", "owner", "layer"]
    list_filter = ["horizon", "layer", "priority", "owner"]
    search_fields = ["statement"]


@admin.register(Measurement)
class MeasurementAdmin(SimpleHistoryAdmin):
    list_display = ["metric", "subject_key", "period", "value"]
    list_filter = ["metric"]
    search_fields = ["subject_key"]


@admin.register(Rebase)
class RebaseAdmin(SimpleHistoryAdmin):
    list_display = ["metric", "subject_key", "period", "reason", "created_by"]
