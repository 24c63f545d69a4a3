from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from footprint.finance.models import Contract, FinancialPlan, PublishedYear, RiskShareAgreement


@admin.register(FinancialPlan)
class FinancialPlanAdmin(SimpleHistoryAdmin):
    list_display = ["organisation", "year", "pay_pence", "non_pay_pence", "control_total_pence"]
    list_filter = ["year", "organisation"]


@admin.register(Contract)
class ContractAdmin(SimpleHistoryAdmin):
    list_display = ["provider", "service", "commissioner", "kind", "price_pence"]
    list_filter = ["kind", "commissioner", "provider"]


@admin.register(RiskShareAgreement)
class RiskShareAgreementAdmin(SimpleHistoryAdmin):
    list_display = ["name", "first_year", "last_year", "contribution_rate", "repayable"]


admin.site.register(PublishedYear)
