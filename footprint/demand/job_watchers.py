"""Who may watch a model run's progress bar: anyone who may see the run's page (core finds
this module at start: ``footprint.core.jobs.watched_by``)."""

from footprint.core.jobs import watched_by
from footprint.demand.models import Run
from footprint.demand.rules import Permission

watched_by("demand:run", Permission.VIEW_DEMAND, lambda job: Run.objects.filter(job=job).first())
