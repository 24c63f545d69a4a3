from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "footprint.core"
    label = "core"
    verbose_name = "Footprint core"

    def ready(self) -> None:
        # Production's own checks (site address), run before every command and at start.
        from footprint.core import checks  # noqa: F401
