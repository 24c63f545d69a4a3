from django.apps import AppConfig


class DemandConfig(AppConfig):
    name = "footprint.demand"
    label = "demand"
    verbose_name = "Demand and capacity"
