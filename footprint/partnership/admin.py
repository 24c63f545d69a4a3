"""The Django admin, for the programme office: every record, with its history."""

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from footprint.partnership.models import (
    Invitation,
    Membership,
    Neighbourhood,
    Organisation,
    PartnershipRole,
    Place,
    Population,
    System,
)


@admin.register(System)
class SystemAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "base_year"]


@admin.register(Place)
class PlaceAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Neighbourhood)
class NeighbourhoodAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "place"]
    list_filter = ["place"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "ods_code", "kind", "has_statutory_board", "neighbourhood"]
    list_filter = ["kind", "has_statutory_board", "places"]
    search_fields = ["name", "ods_code", "postcode"]
    filter_horizontal = ["places"]


@admin.register(Population)
class PopulationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "year", "sex", "source", "total"]
    list_filter = ["year", "sex", "source", "place"]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "organisation", "role"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__last_name", "organisation__name"]
    autocomplete_fields = ["organisation"]


@admin.register(PartnershipRole)
class PartnershipRoleAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Invitations are sent, sent again and revoked on the People pages; here only to read.
    The digest of the link's secret is not shown."""

    list_display = ["user", "role_label", "sent_at", "expires_at", "accepted_at", "revoked_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "user__last_name"]
    exclude = ["digest"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
