from django.apps import AppConfig


class InequalitiesConfig(AppConfig):
    name = "footprint.inequalities"
    label = "inequalities"
    verbose_name = "Health inequalities"
