"""Remind boards that have not yet responded to a proposal (run daily, e.g. from cron)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from footprint.decisions import services


class Command(BaseCommand):
    help = "Email a reminder to each board that has not responded to a proposal asked N days ago."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=7, help="remind after this many days")

    def handle(self, *args: Any, **options: Any) -> None:
        sent = services.send_reminders(
            older_than=dt.timedelta(days=options["days"]), now=timezone.now()
        )
        self.stdout.write(f"{sent} reminders sent.")
