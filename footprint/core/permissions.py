"""The one place that answers "may this person do this to this object".

Each app declares its rules in its ``rules.py`` with the `rules` library; they are
registered as Django permissions (``app_label.action_model``) and answered by
``user.has_perm(perm, obj)``. Views, templates and the API all ask through here.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

View = Callable[..., HttpResponse]
E = TypeVar("E", bound=type[StrEnum])

# Every permission any app declares, by name: asking for one that is not here is a typo.
KNOWN: set[str] = set()


class Operator:
    """Whoever runs a management command at the server (an import from the command line).

    They could change the database directly, so they hold every permission; they are no
    user of the site, so the audit trail and the history record the change with no user, as
    changes made from the command line always were. Pass ``OPERATOR`` as a service's ``by``
    only from a management command."""

    is_authenticated = False
    is_active = True
    is_superuser = True
    pk = None

    def has_perm(self, perm: str, obj: object | None = None) -> bool:
        return True

    def __repr__(self) -> str:
        return "OPERATOR"


OPERATOR = Operator()


def permissions(enum: E) -> E:
    """Class decorator for an app's ``Permission`` enumeration in its ``rules.py``: each member
    is a permission name (``"app.action_thing"``) that ``can`` and ``require`` accept."""
    KNOWN.update(member.value for member in enum)
    return enum


def can(user: Any, perm: str, obj: object | None = None) -> bool:
    """Whether ``user`` holds ``perm`` (a ``Permission`` member, e.g.
    ``Permission.CHANGE_ORGANISATION``) on ``obj``. An unknown name is a programming error."""
    if perm not in KNOWN:
        raise ValueError(f"No app declares the permission {perm!r}")
    if user is None:
        return False
    return bool(user.has_perm(perm, obj))


def require(user: Any, perm: str, obj: object | None = None) -> None:
    """Raise ``PermissionDenied`` unless ``user`` holds ``perm`` on ``obj``."""
    if not can(user, perm, obj):
        raise PermissionDenied(f"You do not have permission to do this ({perm}).")


def permission_required(perm: str) -> Callable[[View], View]:
    """View decorator: anonymous visitors go to the log-in page; a logged-in person without
    ``perm`` gets a 403 page saying why."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            require(request.user, perm)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
