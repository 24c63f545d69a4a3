"""Rate limits, counted in the database so every web process shares one count, and the real
client address they (and the login lockout) are keyed on.

``allow(kind, who, most=, seconds=)`` counts one more try of ``kind`` by ``who`` in the current
window of ``seconds`` and says whether it is within ``most``. The count is one SQL statement
(an insert that adds one on conflict and returns the new count), atomic on SQLite and
PostgreSQL alike, so two workers or two threads never both see room for the last try. Windows
are fixed (a window starts at a multiple of ``seconds``), so a burst straddling two windows can
reach twice the limit: the limits below allow for that.

Nothing about the address is stored: the key holds an HMAC of it with the site's secret key.
"""

from __future__ import annotations

import datetime as dt
import ipaddress

from django.conf import settings
from django.db import connection
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from footprint.core.models import RateLimitCounter

KEEP = dt.timedelta(days=2)  # counters older than this are deleted as new windows open


def client_address(request: HttpRequest) -> str:
    """The address of whoever sent ``request``.

    With ``FOOTPRINT_TRUSTED_PROXIES = N`` (N reverse proxies in front of the site, each adding
    the address it heard from to ``X-Forwarded-For``), it is the Nth address from the right of
    that header: the one the outermost trusted proxy saw. Anything to its left was written by
    the client and is ignored. With 0 (the default), or a header too short or not an address,
    it is ``REMOTE_ADDR``. django-axes's login lockout uses this too (``AXES_CLIENT_IP_CALLABLE``).
    """
    remote = str(request.META.get("REMOTE_ADDR", ""))
    proxies = int(getattr(settings, "FOOTPRINT_TRUSTED_PROXIES", 0))
    if proxies <= 0:
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [h for h in hops if h]
    if len(hops) < proxies:
        return remote
    try:
        return str(ipaddress.ip_address(hops[-proxies]))
    except ValueError:
        return remote


def who(request: HttpRequest) -> str:
    """A key for the client's address that does not reveal it (an HMAC with the secret key)."""
    return salted_hmac("footprint.core.ratelimit", client_address(request)).hexdigest()[:32]


def window_start(now: dt.datetime, seconds: int) -> dt.datetime:
    """The start of the fixed window of ``seconds`` that ``now`` falls in."""
    epoch = int(now.timestamp())
    return dt.datetime.fromtimestamp(epoch - epoch % seconds, tz=dt.UTC)


def count(kind: str, who: str, *, seconds: int, now: dt.datetime | None = None) -> int:
    """Count one more try of ``kind`` by ``who`` in the current window; the count after it."""
    now = now or timezone.now()
    start = window_start(now, seconds)
    q = connection.ops.quote_name
    table, key, start_, tries_ = (
        q(n) for n in (RateLimitCounter._meta.db_table, "key", "window_start", "count")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({key}, {start_}, {tries_}) VALUES (%s, %s, 1) "
            f"ON CONFLICT ({key}, {start_}) DO UPDATE SET {tries_} = {table}.{tries_} + 1 "
            f"RETURNING {tries_}",
            [f"{kind}:{who}"[:200], connection.ops.adapt_datetimefield_value(start)],
        )
        (tries,) = cursor.fetchone()
    if tries == 1:  # a new window: clear away long-finished ones
        RateLimitCounter.objects.filter(window_start__lt=now - KEEP).delete()
    return int(tries)


def allow(kind: str, who: str, *, most: int, seconds: int, now: dt.datetime | None = None) -> bool:
    """Count one more try of ``kind`` by ``who``; whether it is within ``most`` a window."""
    return count(kind, who, seconds=seconds, now=now) <= most
