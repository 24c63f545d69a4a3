from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "footprint.core"
    label = "core"
    verbose_name = "Footprint core"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created
        from django.utils.module_loading import autodiscover_modules

        # Production's own checks (site address), run before every command and at start.
        from footprint.core import checks  # noqa: F401
        from footprint.core.listing import register_sqlite_functions

        # Text sorts alike on SQLite and PostgreSQL: SQLite's half of the shared sort key.
        connection_created.connect(register_sqlite_functions, dispatch_uid="footprint_fold")
        # Who may watch each kind of background job (``jobs.watched_by``), app by app.
        autodiscover_modules("job_watchers")
