"""The plan in the Django admin, for the programme office."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from footprint.plans.models import Goal, Measurement, Metric, Plan, Priority, Rebase


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
    prepopulated_fields = {"slug": ["name"]}


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
