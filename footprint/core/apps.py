from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "footprint.core"
    label = "core"
    verbose_name = "Footprint core"
