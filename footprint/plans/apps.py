from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "footprint.plans"
    label = "plans"
    verbose_name = "Plan and goals"
