"""JSON has no Infinity or NaN: what the API writes never holds them.

Every door now refuses non-finite numbers (``core.imports``), but a figure stored before the
checks, or a statistic computed from one, could still be infinite; Python's JSON writer would
then emit ``Infinity``, which is not JSON, and break every client. ``FiniteJSONRenderer``
writes such a number as ``null`` (a missing figure), and refuses to write one at all
(``allow_nan=False``), so an invalid document can never leave the API."""

from __future__ import annotations

import json
import math
from typing import Any

from django.http import HttpRequest
from ninja.renderers import JSONRenderer


def finite(data: Any) -> Any:
    """``data`` with every infinite or NaN float, however deep in lists and dicts, as None."""
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {k: finite(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [finite(v) for v in data]
    return data


class FiniteJSONRenderer(JSONRenderer):
    """Ninja's JSON renderer, writing non-finite numbers as null."""

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> Any:
        return json.dumps(finite(data), cls=self.encoder_class, allow_nan=False)
