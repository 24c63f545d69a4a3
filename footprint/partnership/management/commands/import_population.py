"""Import resident population from an ONS file: all of it, or none."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from footprint.core.imports import ImportRejected, decode
from footprint.core.permissions import OPERATOR
from footprint.partnership import importers, services


class Command(BaseCommand):
    help = (
        "Import population by single year of age from the ONS mid-year-estimate layout "
        "(--estimates --year YYYY) or the ONS subnational projection layout (--projection). "
        "See docs/importing-data.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        layout = parser.add_mutually_exclusive_group(required=True)
        layout.add_argument("--estimates", action="store_true", help="mid-year estimates")
        layout.add_argument("--projection", action="store_true", help="a projection")
        parser.add_argument("--year", type=int, help="the year of the mid-year estimates")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.exists():
            raise CommandError(f"{path}: no such file")
        if options["estimates"] and not options["year"]:
            raise CommandError("Give the year of the mid-year estimates with --year")
        try:
            text = decode(path.read_bytes(), path.name)
            if options["estimates"]:
                records = importers.parse_population_estimates(text, path.name, options["year"])
                source = "estimate"
            else:
                records = importers.parse_population_projection(text, path.name)
                source = "projection"
            result = services.import_population(
                records=records, source=source, filename=path.name, by=OPERATOR
            )
        except ImportRejected as exc:
            raise CommandError("Nothing was imported:\n" + "\n".join(exc.as_lines())) from None
        self.stdout.write(
            f"{path.name}: {result['series']} population series saved for {result['areas']} areas."
        )
