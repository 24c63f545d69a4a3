"""Logging that never writes a personal link: the keys of message links (``/m/<key>/``),
invitation links (``/invitation/<token>/``) and password-reset links are secrets that let their
holder act as the recipient. Django logs the path of every 404 ("Not Found: /m/…/"); this
filter, on the one console handler, blanks the secret part of any such path in any record."""

from __future__ import annotations

import logging
import re

PERSONAL_LINK = re.compile(r"(/(?:m|invitation|reset)/)[^/\s\"'?#]+((?:/[^/\s\"'?#]+)?)")
REDACTED = "[personal link]"


def redact(text: str) -> str:
    """``text`` with the secret part of every personal link replaced."""
    return PERSONAL_LINK.sub(lambda m: m.group(1) + REDACTED + ("/…" if m.group(2) else ""), text)


class RedactPersonalLinks(logging.Filter):
    """Rewrite a record whose message holds a personal link; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True
