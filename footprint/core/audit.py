"""Write the audit trail. Call inside the transaction that makes the change.

Each app names its audit actions in one ``Action`` enumeration at the top of its
``services.py``; ``record`` refuses a free string, so a misspelt action fails at once.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from footprint.core.models import AuditEvent


def record(*, actor: Any, action: StrEnum, summary: str, **details: Any) -> AuditEvent:
    """Record that ``actor`` did ``action``; ``details`` must be JSON-serialisable."""
    if not isinstance(action, StrEnum):
        raise TypeError(f"Audit actions are members of an app's Action enumeration: {action!r}")
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=user, action=action.value, summary=summary, details=details
    )


def save_with_history(obj: Any, *, by: Any, validate: bool = True) -> None:
    """Save a model so that its history records who changed it; validate it first unless
    the caller already has."""
    obj._history_user = by if getattr(by, "is_authenticated", False) else None
    if validate:
        obj.full_clean()
    obj.save()


def save_audited(
    obj: Any, *, by: Any, action: StrEnum, summary: str, validate: bool = True, **details: Any
) -> AuditEvent:
    """Save ``obj`` with its history and record ``action`` in the audit trail: the one way a
    service saves a single object it changed. Call inside the service's transaction."""
    save_with_history(obj, by=by, validate=validate)
    return record(actor=by, action=action, summary=summary, **details)
