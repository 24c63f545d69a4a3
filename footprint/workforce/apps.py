from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "footprint.workforce"
    label = "workforce"
    verbose_name = "Workforce"
