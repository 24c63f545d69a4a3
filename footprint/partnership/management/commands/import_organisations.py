"""Import organisations from a CSV file: all of them, or none."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from footprint.core.imports import ImportRejected, decode
from footprint.core.permissions import OPERATOR
from footprint.partnership import importers, services


class Command(BaseCommand):
    help = (
        "Import organisations from a CSV with columns ODS code, Name, Kind, and optionally "
        "Statutory board, Neighbourhood, Places, Postcode, Website. See docs/importing-data.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.exists():
            raise CommandError(f"{path}: no such file")
        try:
            rows = importers.parse_organisations(decode(path.read_bytes(), path.name), path.name)
            result = services.import_organisations(rows=rows, filename=path.name, by=OPERATOR)
        except ImportRejected as exc:
            raise CommandError("Nothing was imported:\n" + "\n".join(exc.as_lines())) from None
        self.stdout.write(
            f"{path.name}: {result['created']} organisations added, {result['updated']} updated."
        )
