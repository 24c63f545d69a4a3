from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "footprint.decisions"
    label = "decisions"
    verbose_name = "Decisions"
