from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "footprint.engagement"
    label = "engagement"
    verbose_name = "Engagement"
