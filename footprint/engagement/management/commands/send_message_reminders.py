"""Remind recipients who have not acknowledged a message (run daily, e.g. from cron)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from footprint.core.permissions import OPERATOR
from footprint.engagement import services


class Command(BaseCommand):
    help = "Email a reminder to each recipient that has not acknowledged a message sent N days ago."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=3, help="remind after this many days")

    def handle(self, *args: Any, **options: Any) -> None:
        sent = services.send_due_reminders(
            older_than=dt.timedelta(days=options["days"]), now=timezone.now(), by=OPERATOR
        )
        self.stdout.write(f"{sent} reminders sent.")
