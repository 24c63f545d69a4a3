from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from footprint.engagement.models import Consultation, Document, Message, Response, Statement


class DocumentInline(admin.TabularInline):
    model = Document
    extra = 1


@admin.register(Consultation)
class ConsultationAdmin(SimpleHistoryAdmin):
    list_display = ["title", "audience", "opens_on", "closes_on", "report_published_at"]
    inlines = [DocumentInline]


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["title", "sender", "audience", "sent_at"]


@admin.register(Statement)
class StatementAdmin(admin.ModelAdmin):
    list_display = ["text", "consultation", "status"]
    list_filter = ["status", "consultation"]


admin.site.register(Response, SimpleHistoryAdmin)
