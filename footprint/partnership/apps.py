from django.apps import AppConfig


class PartnershipConfig(AppConfig):
    name = "footprint.partnership"
    label = "partnership"
    verbose_name = "The footprint"
