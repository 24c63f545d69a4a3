"""Pages take "today" from the project's clock (``timezone.localdate()``, in the partnership's
time zone, read once in the view and passed down), never from the server's own calendar
(``date.today()``): moving the project's clock moves what the pages count as today."""

import datetime as dt
from html import unescape

import pytest
from django.urls import reverse

from footprint.decisions.models import Action
from tests.integration.test_decisions import decided

pytestmark = pytest.mark.django_db


def test_the_public_register_publishes_on_the_projects_today(
    client, clock, forums, cast, footprint
):
    decided(
        forums,
        cast,
        footprint,
        title="Secret contract",
        confidentiality="confidential",
        confidential_reason="Negotiating",
        publish_after=dt.date(2099, 1, 1),
    )
    clock(dt.date(2098, 12, 31))
    page = unescape(client.get(reverse("decisions:register")).content.decode())
    assert "Secret contract" not in page and "1 January 2099" in page
    clock(dt.date(2099, 1, 1))
    page = unescape(client.get(reverse("decisions:register")).content.decode())
    assert "Secret contract" in page
    csv = client.get(reverse("decisions:register"), {"format": "csv"}).content.decode()
    assert "Secret contract" in csv


def test_overdue_actions_are_overdue_by_the_projects_today(
    client_for, clock, forums, cast, footprint
):
    decision = decided(forums, cast, footprint, title="Frailty hub")
    Action.objects.create(
        decision=decision,
        description="Hire the hub lead",
        owner=footprint["trust_a"],
        due=dt.date(2098, 6, 30),
    )
    clock(dt.date(2098, 6, 30))  # due today: not yet overdue
    page = client_for("pmo").get(reverse("decisions:index")).content.decode()
    assert "Frailty hub" in page and "Hire the hub lead" not in page
    clock(dt.date(2098, 7, 1))
    client = client_for("pmo")  # a session started on the day (an old one has expired)
    assert "Hire the hub lead" in client.get(reverse("decisions:index")).content.decode()
    overdue = client.get(reverse("decisions:overdue_actions")).content.decode()
    assert "Hire the hub lead" in overdue


def test_the_next_plan_year_is_the_financial_year_of_the_projects_today(
    client, clock, finance_team
):
    def organisation_page() -> str:
        client.force_login(finance_team["a"], backend="django.contrib.auth.backends.ModelBackend")
        return client.get(reverse("finance:organisation", args=["RA1"])).content.decode()

    clock(dt.date(2041, 3, 31))  # still the 2040/41 financial year
    page = organisation_page()
    assert "Enter the 2040/41 plan" in page
    clock(dt.date(2041, 4, 1))
    page = organisation_page()
    assert "Enter the 2041/42 plan" in page
