from django.apps import AppConfig
from django.db import transaction
from django.db.models.signals import post_save, pre_save
from django.utils import timezone


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
        # Metrics made from the urgent-care daily returns are written again when a return is
        # saved, once its figures are committed (the flow app saves the return, then its
        # figures, in one transaction).
        from footprint.flow.models import DailyReturn

        post_save.connect(
            refresh_after_return, sender=DailyReturn, dispatch_uid="plans.flow.refresh"
        )


def refresh_after_return(sender: type, instance: object, **kwargs: object) -> None:
    from footprint.plans import services

    day = instance.date  # type: ignore[attr-defined]
    today = timezone.localtime(instance.submitted_at).date()  # type: ignore[attr-defined]
    transaction.on_commit(lambda: services.refresh_after_return(day=day, today=today))
