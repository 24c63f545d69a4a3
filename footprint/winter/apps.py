from django.apps import AppConfig


class WinterConfig(AppConfig):
    name = "footprint.winter"
    label = "winter"
    verbose_name = "Winter plans"
