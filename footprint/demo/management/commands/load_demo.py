"""Load the demo footprint into an empty database, then print the logins."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from footprint.demo import generator
from footprint.engagement.models import Recipient
from footprint.engagement.services import link_url


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--today {value!r}: give a date as YYYY-MM-DD") from exc


class Command(BaseCommand):
    help = "Load the demo footprint (skipped if the database already has a partnership)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today",
            type=_day,
            default=None,
            help="Build the demo as it would be on this day (YYYY-MM-DD; default: today): "
            "the last complete month before it is the latest data.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if generator.demo_loaded():
            self.stdout.write("The demo footprint is already loaded; reusing it.")
        else:
            today = options["today"] or timezone.localdate()
            made = generator.build(today)
            self.stdout.write(
                f"Loaded the demo footprint as on {today:%-d %B %Y}: "
                f"{made['residents']:,} residents, "
                f"{made['places']} places, {made['neighbourhoods']} neighbourhoods, "
                f"{made['organisations']} organisations ({made['practices']} GP practices); "
                f"a plan of {made['goals']} goals on {made['metrics']} metrics with "
                f"{made['measurements']:,} figures; {made['forums']} forums with "
                f"{made['proposals']} proposals; {made['financial_plans']} financial plans; "
                f"{made['agency_shifts']:,} agency shifts; "
                f"{made['consultations']} consultations ({made['participants']:,} participants, "
                f"{made['votes']:,} votes) and {made['messages']} messages."
            )
        site = settings.FOOTPRINT_SITE_URL
        self.stdout.write("")
        self.stdout.write(f"Footprint demo: {site}")
        self.stdout.write(f"Log in as any of these users, password: {generator.DEMO_PASSWORD}")
        for u in generator.USERS:
            self.stdout.write(f"  {u.username:<20} {u.first} {u.last}: {u.does}")
        waiting = (
            Recipient.objects.filter(
                organisation__ods_code=generator.DEMO_PRACTICE, acknowledged_at__isnull=True
            )
            .select_related("message")
            .first()
        )
        if waiting is not None:
            link = link_url(waiting, issued_at=timezone.now())
            self.stdout.write(
                f"  The practice manager's personal link to '{waiting.message.title}' "
                f"(as in their email): {link}"
            )
