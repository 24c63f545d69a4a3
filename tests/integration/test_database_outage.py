"""When PostgreSQL goes away (a restart, a failover) the site recovers by itself: a connection
that died between requests is replaced (CONN_HEALTH_CHECKS), a read whose connection dies is
tried once more, and a write whose connection dies mid-way is refused with a 503 and leaves
nothing half-written. PostgreSQL only: the connection is ended from the server's side, as a
restart ends it (scripts/with-postgres.sh runs these in CI); on either database, the middleware's
answers to a lost connection."""

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from django.urls import reverse

from footprint.core.models import AuditEvent
from footprint.partnership.models import Organisation

postgres_only = [
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        reason="ends PostgreSQL connections from the server's side",
    ),
    pytest.mark.django_db(transaction=True),
]


def postgres(test):
    for mark in postgres_only:
        test = mark(test)
    return test


def end_our_connection() -> None:
    """End this thread's database connection from the server, as a restart would."""
    pid = connection.connection.info.backend_pid
    s = connection.settings_dict
    with psycopg.connect(
        dbname=s["NAME"], user=s["USER"], host=s["HOST"], port=s["PORT"], autocommit=True
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


def dies_at(statement: str):
    """An execute wrapper that ends the connection right after the first statement that
    begins with ``statement`` (once)."""
    state = {"done": False}

    def wrapper(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if not state["done"] and sql.lstrip().upper().startswith(statement):
            state["done"] = True
            end_our_connection()
        return result

    return wrapper


@postgres
def test_a_connection_that_died_between_requests_is_replaced(client_for):
    client = client_for("viewer")
    assert client.get(reverse("partnership:workspace")).status_code == 200
    connection.ensure_connection()
    end_our_connection()
    page = client.get(reverse("partnership:organisations"))
    assert page.status_code == 200 and "Trust A Hospitals" in page.content.decode()


@postgres
def test_a_read_whose_connection_dies_is_tried_once_more(client_for):
    client = client_for("viewer")
    with connection.execute_wrapper(dies_at("SELECT")):
        page = client.get(reverse("partnership:organisations"))
    assert page.status_code == 200 and "Trust A Hospitals" in page.content.decode()


@postgres
def test_a_write_whose_connection_dies_fails_cleanly_with_nothing_half_written(client_for):
    """The organisation's row is updated, then the connection ends before its history and
    audit record are written: the page says nothing was saved, and nothing was."""
    client = client_for("editor_a")
    before = AuditEvent.objects.count()
    edit = reverse("partnership:organisation_edit", args=["RA1"])
    with connection.execute_wrapper(dies_at("UPDATE")):
        response = client.post(edit, {"name": "Trust A Renamed", "postcode": "", "website": ""})
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert "Nothing was saved: the change was undone." in response.content.decode()
    assert Organisation.objects.get(ods_code="RA1").name == "Trust A Hospitals"
    assert Organisation.history.filter(name="Trust A Renamed").count() == 0
    assert AuditEvent.objects.count() == before
    # and the next request works on a fresh connection
    again = client.post(edit, {"name": "Trust A Renamed", "postcode": "", "website": ""})
    assert again.status_code == 302
    assert Organisation.objects.get(ods_code="RA1").name == "Trust A Renamed"


def test_the_middleware_retries_a_read_once_and_refuses_a_write_cleanly(rf):
    """What DatabaseWentAway answers, on either database: a read is tried once more; a second
    failure, or any write, gets the 503."""
    from django.db import OperationalError

    from footprint.core.middleware import DatabaseWentAway

    calls = []

    def view(request):
        calls.append(request.method)
        return HttpResponse("read again")

    middleware = DatabaseWentAway(view)
    lost = OperationalError("server closed the connection unexpectedly")
    get = rf.get("/")
    assert middleware.process_exception(get, lost).content == b"read again"
    assert calls == ["GET"]
    again = middleware.process_exception(get, lost)  # the retry failed too
    assert again.status_code == 503 and b"The page could not be read." in again.content
    post = middleware.process_exception(rf.post("/"), lost)
    assert post.status_code == 503 and post["Retry-After"] == "5"
    assert b"Nothing was saved: the change was undone." in post.content
    assert calls == ["GET"]  # a write is never repeated
    assert middleware.process_exception(get, ValueError("not the database")) is None
