"""Forums and the scheme of delegation in the admin, for the programme office."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from footprint.decisions.models import (
    Action,
    Decision,
    DecisionType,
    Delegation,
    Forum,
    ForumMember,
    Meeting,
    Proposal,
)


class MemberInline(admin.TabularInline):
    model = ForumMember
    extra = 0


class DelegationInline(admin.TabularInline):
    model = Delegation
    extra = 0


@admin.register(Forum)
class ForumAdmin(SimpleHistoryAdmin):
    list_display = ["name", "layer", "parent", "decision_rule"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MemberInline, DelegationInline]


@admin.register(DecisionType)
class DecisionTypeAdmin(admin.ModelAdmin):
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ["forum", "date"]
    filter_horizontal = ["attendees"]


@admin.register(Proposal)
class ProposalAdmin(SimpleHistoryAdmin):
    list_display = ["title", "forum", "status", "confidentiality"]
    list_filter = ["status", "forum", "confidentiality"]
    search_fields = ["title"]


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    """Decisions are read-only: a recorded decision is superseded, never edited."""

    list_display = ["proposal", "forum", "outcome", "decided_on"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Action)
class ActionAdmin(SimpleHistoryAdmin):
    list_display = ["description", "owner", "due", "done"]
    list_filter = ["done", "owner"]
