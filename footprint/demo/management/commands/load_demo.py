"""Load the demo footprint into an empty database, then print the logins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from footprint.demo import generator


class Command(BaseCommand):
    help = "Load the demo footprint (skipped if the database already has a partnership)."

    def handle(self, *args: Any, **options: Any) -> None:
        if generator.demo_loaded():
            self.stdout.write("The demo footprint is already loaded; reusing it.")
        else:
            made = generator.build()
            self.stdout.write(
                f"Loaded the demo footprint: {made['residents']:,} residents, "
                f"{made['places']} places, {made['neighbourhoods']} neighbourhoods, "
                f"{made['organisations']} organisations ({made['practices']} GP practices); "
                f"a plan of {made['goals']} goals on {made['metrics']} metrics with "
                f"{made['measurements']:,} monthly figures; {made['forums']} forums with "
                f"{made['proposals']} proposals; {made['financial_plans']} financial plans; "
                f"{made['consultations']} consultations ({made['participants']:,} participants, "
                f"{made['votes']:,} votes) and {made['messages']} messages."
            )
        self.stdout.write("")
        self.stdout.write("Footprint demo: http://127.0.0.1:8000")
        self.stdout.write(f"Log in as any of these users, password: {generator.DEMO_PASSWORD}")
        for username, first, last, prole, membership in generator.USERS:
            what = prole.label if prole else ""
            if membership:
                what = (what + "; " if what else "") + f"{membership[1].label} at {membership[0]}"
            self.stdout.write(f"  {username:<20} {first} {last}: {what}")
        self.stdout.write(
            "  Forum representatives who record their board's consent: chair (QW9), "
            "board.community (RX9), and rep.rw9, rep.rm9, rep.ry9, rep.la901, rep.la902, "
            "rep.hw901, rep.vs901"
        )
