from django.apps import AppConfig
from django.core import checks


class EngagementConfig(AppConfig):
    name = "footprint.engagement"
    label = "engagement"
    verbose_name = "Engagement"

    def ready(self) -> None:
        from footprint.engagement.checks import site_url, site_url_deployed

        checks.register(site_url)
        checks.register(site_url_deployed, deploy=True)
