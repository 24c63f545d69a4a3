from django.apps import AppConfig
from django.db.models.signals import pre_save


class PlansConfig(AppConfig):
    name = "footprint.plans"
    label = "plans"
    verbose_name = "Plan and goals"

    def ready(self) -> None:
        from footprint.plans import compute
        from footprint.plans.models import Goal

        # A goal's horizon follows from its dates: compute derives it before every save, so
        # the model does not import compute (which imports the model).
        pre_save.connect(compute.set_horizon, sender=Goal, dispatch_uid="plans.goal.horizon")
