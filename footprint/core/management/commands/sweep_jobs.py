"""Fail the background jobs a dead worker left running (or no worker ever took)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from footprint.core.jobs import STUCK_AFTER, sweep_stuck_jobs


class Command(BaseCommand):
    help = (
        "Mark as failed, saying why, every job running for longer than the time limit "
        f"(default {STUCK_AFTER.total_seconds() / 60:.0f} minutes) or queued for more than a "
        "day, and delete their uploaded files. Workers also do this whenever they start a task."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--minutes",
            type=int,
            default=round(STUCK_AFTER.total_seconds() / 60),
            help="how long a job may run before it is taken to be stuck",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        limit = dt.timedelta(minutes=options["minutes"])
        swept = sweep_stuck_jobs(now=timezone.now(), limit=limit)
        self.stdout.write(f"{swept} job{'' if swept == 1 else 's'} marked as failed")
