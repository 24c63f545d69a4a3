"""Validators shared by the apps' models."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def validate_one_line(value: str) -> None:
    """A title is one line of plain text: it goes into email subjects (a line break there
    would end the header) and page headings, so no control characters at all."""
    if CONTROL_CHARACTER.search(value or ""):
        raise ValidationError(
            "Write the title on one line, without line breaks, tabs or other control characters",
            code="title_control",
        )
