"""The public pages are kept for visitors who are not logged in, each with a fresh CSP nonce,
until the partnership changes anything (a publication above all) or the day turns; partners
always see the page rendered afresh."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from footprint.plans import services as plans

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.FOOTPRINT_PAGE_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


def nonce_of(response) -> tuple[str, set[str]]:
    header = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    return header, set(re.findall(r'nonce="([^"]+)"', response.content.decode()))


def test_the_public_plan_is_kept_until_it_is_published_again(client, client_for, plan, cast):
    url = reverse("plans:public")
    first = client.get(url)
    assert "has not published its plan yet" in first.content.decode()
    assert first["X-Footprint-Cache"] == "miss"
    again = client.get(url)
    assert again["X-Footprint-Cache"] == "hit"
    # Each answer has its own nonce, in the header and on every inline script alike.
    (one, in_one), (two, in_two) = nonce_of(first), nonce_of(again)
    assert one != two and in_one <= {one} and in_two <= {two}
    assert again.content.decode().replace(two, one) == first.content.decode()

    plans.publish_plan(plan=plan["plan"], by=cast["pmo"])
    published = client.get(url)
    assert published["X-Footprint-Cache"] == "miss"
    body = published.content.decode()
    assert "has not published its plan yet" not in body and "Urgent care" in body

    # A partner is never served from the cache.
    partner = client_for("pmo").get(url)
    assert "X-Footprint-Cache" not in partner


def test_each_address_and_query_is_kept_on_its_own(client, forums):
    url = reverse("decisions:register")
    client.get(url)
    searched = client.get(url, {"q": "nothing matches this"})
    assert searched["X-Footprint-Cache"] == "miss"
    assert client.get(url)["X-Footprint-Cache"] == "hit"


def test_the_tests_run_without_the_cache(client, settings, plan):
    settings.FOOTPRINT_PAGE_CACHE_SECONDS = 0
    url = reverse("plans:public")
    client.get(url)
    assert "X-Footprint-Cache" not in client.get(url)
