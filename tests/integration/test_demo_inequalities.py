"""The demo's small areas: a deprivation spread that reads true (a deprived city, comfortable
dales), population adding up exactly to each neighbourhood's, and every page of the
inequalities picture drawn from them."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Sum
from django.test import override_settings
from django.urls import reverse

from footprint.demo import generator
from footprint.partnership import queries
from footprint.partnership.importers import LSOA_CODE
from footprint.partnership.models import (
    Neighbourhood,
    Population,
    SmallArea,
    SmallAreaPopulation,
)

TODAY = dt.date(2026, 11, 30)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast:
        made = generator.build(TODAY)
    yield made
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


def test_every_neighbourhood_has_several_small_areas_adding_up_to_its_residents(demo, db):
    year = queries.profile_year()
    assert demo["small_areas"] == SmallArea.objects.count() >= 400
    for hood in Neighbourhood.objects.all():
        areas = SmallArea.objects.filter(neighbourhood=hood)
        assert areas.count() >= 3, hood.name
        whole = Population.objects.filter(neighbourhood=hood, year=year).aggregate(n=Sum("total"))
        parts = SmallAreaPopulation.objects.filter(small_area__neighbourhood=hood, year=year)
        assert parts.aggregate(n=Sum("total"))["n"] == whole["n"], hood.name
    assert not SmallArea.objects.filter(imd_decile__isnull=True).exists()
    # Codes an import would accept (PostgreSQL, unlike SQLite, also enforces their length).
    codes = list(SmallArea.objects.values_list("code", flat=True))
    assert all(LSOA_CODE.match(code) for code in codes), codes[:3]


def test_the_city_is_deprived_and_the_dales_are_not(demo, db):
    city = queries.deprivation_profile(hood=Neighbourhood.objects.get(code="WYV01"))
    dales = queries.deprivation_profile(hood=Neighbourhood.objects.get(code="HAL03"))
    assert city.core20_share > 0.3 > 0.1 > dales.core20_share
    assert sum(q.residents for q in city.quintiles) == city.residents
    white = {g.key: g.share for g in dales.ethnic_groups}["white"]
    assert white > {g.key: g.share for g in city.ethnic_groups}["white"]
    whole = queries.deprivation_profile()
    assert 0.08 < whole.core20_share < 0.25  # a mostly rural partnership, with one poor city


def test_the_pages_draw_the_demo_picture(demo, db, client):
    pmo = get_user_model().objects.get(username="pmo")
    client.force_login(pmo, backend="django.contrib.auth.backends.ModelBackend")
    overview = client.get(reverse("inequalities:overview")).content.decode()
    assert "Wyvernshire" in overview and "Hallowdale" in overview
    core = client.get(reverse("inequalities:core20plus5")).content.decode()
    assert "Gypsy, Roma and Traveller communities" in core
    assert "Physical health checks for people with severe mental illness" in core
    client.logout()
    public = client.get(reverse("inequalities:public")).content.decode()
    assert "People experiencing homelessness" in public
    assert "Farming households in the dales" not in public  # not made public
    # the demo plan is published with figures by quintile: the page shows them as published
    assert "Our goals, by how deprived people" in public and 'id="published-0-table"' in public
    assert "for people in the most deprived fifth of areas in England" in public


def test_the_rates_page_draws_the_demo_emergency_admissions(demo, db, client):
    pmo = get_user_model().objects.get(username="pmo")
    client.force_login(pmo, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get(reverse("inequalities:rates")).content.decode()
    assert "Emergency admissions per 100,000 residents by deprivation quintile" in page
    assert "Quintile 5 (least deprived)" in page and "Slope index of inequality: <strong>" in page
    assert "Wyvernshire" in page and "Hallowdale" in page
    assert "Not calculated" not in page and "Left out of the rates" not in page
    # The demo's records carry their own small areas' quintiles (demo/activity.py).
    assert 'id="rates-fallback"' in page and "events counted here" in page
