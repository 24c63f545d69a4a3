from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "footprint.demo"
    label = "demo"
    verbose_name = "Demo footprint"
