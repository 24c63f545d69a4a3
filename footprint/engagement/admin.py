from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from footprint.engagement.models import Consultation, Response, Statement


@admin.register(Consultation)
class ConsultationAdmin(SimpleHistoryAdmin):
    list_display = ["title", "audience", "opens_on", "closes_on", "report_published_at"]


@admin.register(Statement)
class StatementAdmin(admin.ModelAdmin):
    list_display = ["text", "consultation", "status"]
    list_filter = ["status", "consultation"]


admin.site.register(Response, SimpleHistoryAdmin)
