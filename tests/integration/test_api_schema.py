"""Schemathesis: requests generated from the OpenAPI schema, for every operation, with a
programme office token and with none, meet every check (no server error, every status code,
content type and body as the schema declares, authentication enforced where declared, bad
input refused, good input accepted or refused with a declared reason).

The examples are derandomised, so CI sends the same requests every run; widen them locally
with fresh random ones: ``FOOTPRINT_API_EXAMPLES=100 pytest …/test_api_schema.py``."""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from footprint.api.tokens import create_token

# The site's WSGI application, without footprint.config.wsgi's refusal to start with
# production settings missing (which the tests do not set).
application = get_wsgi_application()
with_token = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
without_token = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


TOKEN: dict[str, str] = {}


@with_token.auth(refresh_interval=None)
class ProgrammeOfficeToken:
    """The test's programme office token, on every generated request (except those
    Schemathesis sends without one on purpose, to see them refused)."""

    def get(self, case, ctx):
        return TOKEN.get("pmo")

    def set(self, case, data, ctx):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """Requests go straight to the WSGI application, which closes the database connection
    after each one; inside a test's transaction it must stay open (as Django's test client
    arranges for its own requests)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


WIDER = int(os.environ.get("FOOTPRINT_API_EXAMPLES", "0"))
EXAMPLES = settings(
    max_examples=WIDER or 10,
    deadline=None,
    derandomize=not WIDER,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def pmo_token(cast):
    TOKEN["pmo"] = create_token(user=cast["pmo"], name="schemathesis")[1]
    yield
    TOKEN.clear()


WRITES = {"POST", "PUT", "PATCH", "DELETE"}
# Reads whose days must fall in a window that moves with today (from 2000 to a year ahead),
# which OpenAPI cannot state for a date: a day outside it is refused with 422 in words.
DAYS_IN_A_WINDOW = {"/api/v1/flow/returns", "/api/v1/flow/day"}


def call_and_validate(case):
    """Every check, except that a write's figures, or a read's days, may be refused for a rule
    the schema cannot state (FTE no more than the headcount, a month that is over, an
    organisation that exists, a day in the returns' window): its 422 must still be the
    declared error body, which the other checks prove."""
    if case.method in WRITES or case.path in DAYS_IN_A_WINDOW:
        case.call_and_validate(excluded_checks=[positive_data_acceptance])
    else:
        case.call_and_validate()


@with_token.parametrize()
@EXAMPLES
def test_with_a_token(case, pmo_token, plan):
    call_and_validate(case)


@without_token.parametrize()
@EXAMPLES
def test_without_a_token(case, cast, plan):
    call_and_validate(case)
