from django.apps import AppConfig


class WinterConfig(AppConfig):
    name = "footprint.winter"
    label = "winter"
    verbose_name = "Winter plans"

    def ready(self) -> None:
        from footprint.core.jobs import jobs_swept
        from footprint.winter.services import fail_runs_of_swept_jobs

        jobs_swept.connect(fail_runs_of_swept_jobs, dispatch_uid="winter-runs-of-swept-jobs")
