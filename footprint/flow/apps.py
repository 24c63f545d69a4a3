from django.apps import AppConfig


class FlowConfig(AppConfig):
    name = "footprint.flow"
    label = "flow"
    verbose_name = "Urgent-care flow"
