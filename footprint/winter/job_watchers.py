"""Who may watch a winter run's progress bar: anyone who may see the run (``VIEW_PLAN`` on the
run: partners, and everyone once the plan is published with it); core finds this module at
start (``footprint.core.jobs.watched_by``)."""

from footprint.core.jobs import watched_by
from footprint.winter.models import WinterRun
from footprint.winter.rules import Permission

watched_by(
    "winter:run",
    Permission.VIEW_PLAN,
    lambda job: WinterRun.objects.filter(job=job).select_related("scenario__plan").first(),
)
