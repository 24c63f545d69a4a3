"""Write the audit trail. Call inside the transaction that makes the change."""

from __future__ import annotations

from typing import Any

from footprint.core.models import AuditEvent


def record(*, actor: Any, action: str, summary: str, **details: Any) -> AuditEvent:
    """Record that ``actor`` did ``action``; ``details`` must be JSON-serialisable."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(actor=user, action=action, summary=summary, details=details)


def save_with_history(obj: Any, *, by: Any, validate: bool = True) -> None:
    """Save a model so that its history records who changed it; validate it first unless
    the caller already has."""
    obj._history_user = by if getattr(by, "is_authenticated", False) else None
    if validate:
        obj.full_clean()
    obj.save()
