"""The public register's filters: a filter that makes no sense says so on its field and lists
nothing (a list that ignored it would look filtered), and the withheld list follows the
filters it may follow without telling what a confidential decision is about."""

import datetime as dt
from html import unescape

import pytest
from django.urls import reverse

from tests.integration.test_decisions import decided

pytestmark = pytest.mark.django_db


def register(client, **filters) -> str:
    return unescape(client.get(reverse("decisions:register"), filters).content.decode())


def test_a_from_date_after_the_to_date_is_an_error_on_the_from_field(
    client, forums, cast, footprint
):
    decided(forums, cast, footprint, title="Frailty hub")
    page = register(client, date_from="2025-04-01", date_to="2025-03-01")
    message = (
        "The From date (1 April 2025) is after the To date (1 March 2025): "
        "choose a From date on or before the To date"
    )
    assert "There is a problem" in page
    assert page.count(message) == 2  # in the summary and on the field
    assert 'href="#id_date_from"' in page
    assert "0 decisions" not in page and "Frailty hub" not in page
    assert "No decisions are listed until the filters above are put right." in page
    # The same dates the right way round list the decision.
    assert "1 decision" in register(client, date_from="2025-01-01", date_to="2025-12-31")


def test_a_date_that_is_not_one_shows_the_error_and_no_unfiltered_list(
    client, forums, cast, footprint
):
    decided(forums, cast, footprint, title="Frailty hub")
    page = register(client, date_from="2025-13-45")
    assert "From must be a real date, like 31 3 2026" in page
    assert "Frailty hub" not in page and "decision ·" not in page
    assert "Download as CSV" not in page
    assert "No decisions are listed until the filters above are put right." in page
    # The download is refused the same way rather than exporting everything.
    csv = register(client, date_from="2025-13-45", format="csv")
    assert "Frailty hub" not in csv and "From must be a real date" in csv


def test_the_withheld_list_follows_the_forum_place_and_date_filters(
    client, forums, cast, footprint
):
    decided(forums, cast, footprint, title="Frailty hub")
    secret = decided(
        forums,
        cast,
        footprint,
        title="Secret contract",
        confidentiality="confidential",
        confidential_reason="Negotiating",
        publish_after=dt.date(2099, 1, 1),
    )
    when = secret.decided_on
    assert "1 January 2099" in register(client)
    assert "1 January 2099" in register(client, forum="alliance")
    assert "1 January 2099" not in register(client, forum="board")
    assert "1 January 2099" in register(client, date_from=when.isoformat())
    day_before = when - dt.timedelta(days=1)
    assert "1 January 2099" not in register(client, date_to=day_before.isoformat())
    # Search words are not matched against a confidential decision (that would tell what it
    # is about): it stays listed, and the page says why.
    page = register(client, q="no such words")
    assert "1 January 2099" in page and "Secret contract" not in page
    assert "search words and the type of decision do not apply to them" in page
