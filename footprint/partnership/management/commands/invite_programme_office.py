"""Invite the first programme office user (or any other) from the server: the one step of
setting up that needs the command line. They are emailed a one-time link to choose a password;
the link is not printed."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from footprint.core.permissions import OPERATOR
from footprint.partnership import services
from footprint.partnership.models import PartnershipRoleKind


class Command(BaseCommand):
    help = (
        "Invite someone to be the partnership's programme office: they are emailed a link to "
        "choose a password (see docs/setting-up.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--first-name", required=True)
        parser.add_argument("--last-name", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = services.invite_person(
                email=options["email"],
                first_name=options["first_name"],
                last_name=options["last_name"],
                organisation=None,
                role=PartnershipRoleKind.PROGRAMME_OFFICE,
                by=OPERATOR,
                now=timezone.now(),
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        person = result.person
        if result.invitation is not None:
            self.stdout.write(
                f"Invited {person.get_full_name()} ({person.email}) to be programme office: "
                f"the link in their email works for {services.invitation_days()} days."
            )
        elif result.granted:
            self.stdout.write(f"{person.email} already has an account: now programme office.")
        else:
            self.stdout.write(f"{person.email} is already programme office.")
