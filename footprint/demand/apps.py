from django.apps import AppConfig


class DemandConfig(AppConfig):
    name = "footprint.demand"
    label = "demand"
    verbose_name = "Demand and capacity"

    def ready(self) -> None:
        from footprint.core.jobs import jobs_swept
        from footprint.demand.services import fail_runs_of_swept_jobs

        jobs_swept.connect(fail_runs_of_swept_jobs, dispatch_uid="demand-runs-of-swept-jobs")
