"""The demo's winter plan: its scenarios costed, one brought to a decision, and the staff the
escalation beds need, on the pages partners read."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from footprint.demo import generator
from footprint.winter import services
from footprint.winter.models import Scenario

TODAY = dt.date(2026, 11, 30)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast:
        made = generator.build(TODAY)
    yield made
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


def test_the_demo_schemes_are_costed_and_one_is_a_draft_proposal(demo, db, client):
    assert demo["winter_scenarios"] == 3 and demo["winter_proposals"] == 1
    more = Scenario.objects.get(name="More step-down beds and packages")
    d2a = Scenario.objects.get(name="Discharge to assess with virtual wards")
    # Two trusts × 120 days × (2 packages × £1,500 + 1 step-down placement × £2,800), less
    # any escalation beds the extra places save.
    assert 500_000 < services.extra_cost(more) <= 2 * 120 * (2 * 1500 + 2800)
    assert services.extra_cost(d2a) > 0 and d2a.other_cost == 180_000
    proposal = more.proposal
    assert proposal.status == "draft" and proposal.forum.name == "Partnership Board"
    assert proposal.value_pence == round(services.extra_cost(more) * 100)
    assert "bed days lost" in proposal.summary
    client.force_login(proposal.created_by)
    page = client.get(more.get_absolute_url()).content.decode()
    assert "Brought to a decision as" in page and "Staff for the escalation beds" in page


def test_the_demo_workforce_page_staffs_the_escalation_beds_open(demo, db, client):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="pmo"))
    page = client.get(reverse("workforce:escalation")).content.decode()
    assert "Staff for escalation beds" in page and "NICE guideline SG1" in page
