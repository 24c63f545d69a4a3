"""Forget participants of consultations past their retention date (run daily, e.g. from cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from footprint.core.permissions import OPERATOR
from footprint.engagement import services


class Command(BaseCommand):
    help = "Delete participants' personal details after each consultation's retention date."

    def handle(self, *args: Any, **options: Any) -> None:
        cleared = services.delete_personal_details(today=timezone.localdate(), by=OPERATOR)
        self.stdout.write(f"Personal details of {cleared} participants deleted.")
