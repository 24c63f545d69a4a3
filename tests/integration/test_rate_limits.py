"""Rate limits are counted in the database, shared by every web process, and keyed on the real
client address, which behind reverse proxies is read from X-Forwarded-For as far from the right
as there are trusted proxies. The login lockout uses the same address."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse

from footprint.core import ratelimit
from footprint.core.models import RateLimitCounter
from tests.conftest import PASSWORD

NOON = dt.datetime(2026, 11, 30, 12, 0, 30, tzinfo=dt.UTC)


def request(remote="10.0.0.9", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_address_is_the_connections(settings):
    settings.FOOTPRINT_TRUSTED_PROXIES = 0
    # Anyone can write X-Forwarded-For: with no proxy configured it is ignored.
    assert ratelimit.client_address(request("10.0.0.9", "1.2.3.4")) == "10.0.0.9"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (1, "203.0.113.7", "203.0.113.7"),
        # The client wrote the left-most entry itself; the proxy added the right-most.
        (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),
        (2, "6.6.6.6, 203.0.113.7, 10.1.1.1", "203.0.113.7"),
        (2, "2001:db8::1 , 10.1.1.1", "2001:db8::1"),
        # Too few entries for the proxies configured, or not an address: the connection's.
        (2, "203.0.113.7", "10.0.0.9"),
        (1, "", "10.0.0.9"),
        (1, "not-an-address", "10.0.0.9"),
    ],
)
def test_behind_trusted_proxies_the_address_is_read_from_the_right(
    settings, proxies, forwarded, expected
):
    settings.FOOTPRINT_TRUSTED_PROXIES = proxies
    assert ratelimit.client_address(request("10.0.0.9", forwarded)) == expected


def test_the_key_for_an_address_does_not_reveal_it(settings):
    settings.FOOTPRINT_TRUSTED_PROXIES = 0
    key = ratelimit.who(request("192.0.2.44"))
    assert "192.0.2.44" not in key and len(key) == 32
    assert key == ratelimit.who(request("192.0.2.44")) != ratelimit.who(request("192.0.2.45"))


@pytest.mark.django_db
def test_a_limit_counts_tries_in_fixed_windows_in_the_database():
    tries = [ratelimit.allow("vote", "abc", most=3, seconds=60, now=NOON) for _ in range(5)]
    assert tries == [True, True, True, False, False]
    # Counted per kind and per person.
    assert ratelimit.allow("statement", "abc", most=3, seconds=60, now=NOON)
    assert ratelimit.allow("vote", "xyz", most=3, seconds=60, now=NOON)
    # A new window starts at the next whole minute.
    later = NOON + dt.timedelta(seconds=30)
    assert ratelimit.allow("vote", "abc", most=3, seconds=60, now=later)
    row = RateLimitCounter.objects.get(key="vote:abc", window_start=NOON.replace(second=0))
    assert row.count == 5
    # Windows finished two days ago are cleared as new ones open.
    ratelimit.allow("vote", "abc", most=3, seconds=60, now=NOON + dt.timedelta(days=3))
    assert not RateLimitCounter.objects.filter(window_start__lt=NOON + dt.timedelta(days=1))


@pytest.mark.django_db(transaction=True)
def test_threads_never_both_take_the_last_try():
    """Eight threads (each with its own database connection, as separate workers have) try 40
    times each against a limit of 100: exactly 100 are allowed and the count is 320."""
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(
        "file:memorydb"
    ):
        pytest.skip("an in-memory SQLite database is not shared between threads")
    allowed = []
    lock = threading.Lock()

    def worker():
        from django.db import connection as own

        mine = [
            ratelimit.allow("vote", "crowd", most=100, seconds=3600, now=NOON) for _ in range(40)
        ]
        own.close()
        with lock:
            allowed.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(allowed) == 100
    assert RateLimitCounter.objects.get(key="vote:crowd").count == 320


@pytest.mark.django_db
def test_the_login_lockout_is_keyed_on_the_forwarded_address(client, cast, settings):
    """Behind one proxy, five failures from one client lock that client out for the username,
    and another client behind the same proxy can still log in."""
    settings.FOOTPRINT_TRUSTED_PROXIES = 1
    login = reverse("core:login")
    for _ in range(5):
        client.post(
            login,
            {"username": "viewer", "password": "wrong"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="198.51.100.1",
        )
    locked = client.post(
        login,
        {"username": "viewer", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.1",
    )
    assert locked.status_code == 429 and "_auth_user_id" not in client.session
    other = client.post(
        login,
        {"username": "viewer", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.2",
    )
    assert other.status_code == 302 and "_auth_user_id" in client.session
