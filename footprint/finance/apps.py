from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "footprint.finance"
    label = "finance"
    verbose_name = "System finance"
