from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from footprint.workforce.models import AgencyShift, RateCap, WorkforceReturn


@admin.register(RateCap)
class RateCapAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "staff_group", "grade", "cap_pence", "organisation"]
    list_filter = ["staff_group", "organisation"]


@admin.register(WorkforceReturn)
class WorkforceReturnAdmin(SimpleHistoryAdmin):
    list_display = ["organisation", "staff_group", "month", "headcount", "wte", "leavers"]
    list_filter = ["staff_group", "organisation"]


@admin.register(AgencyShift)
class AgencyShiftAdmin(admin.ModelAdmin):
    list_display = ["date", "organisation", "agency", "staff_group", "grade", "rate_pence"]
    list_filter = ["agency", "organisation", "staff_group"]
