"""The demo's decisions and finance for issue 20: two proposals above the partnership's
impact assessment threshold (one decided with its assessment, one waiting for one), and spend
per weighted resident by place. One demo for the module, built as on TODAY."""

from __future__ import annotations

import datetime as dt
from html import unescape

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from footprint.demo import generator

TODAY = dt.date(2026, 11, 30)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast:
        made = generator.build(TODAY)
    yield made
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


def test_demo_has_a_proposal_decided_with_its_assessment_and_one_waiting_for_one(demo, db, client):
    from footprint.decisions import queries, services
    from footprint.decisions.models import ImpactAssessment, Proposal

    assert queries.assessment_threshold().threshold_pence == 500_000_00
    [assessed] = ImpactAssessment.objects.select_related("proposal", "completed_by")
    proposal = assessed.proposal
    assert proposal.status == "decided" and proposal.value_pence > 500_000_00
    assert assessed.completed_by == proposal.created_by  # its sponsor completed it
    first = proposal.decisions.get()
    assert assessed.completed_on < first.decided_on
    assert [r["direction"] for r in assessed.rows()].count("negative") == 3
    waiting = Proposal.objects.get(title="Community diagnostic centre at Orrisford")
    assert waiting.status == "seeking_consent"
    assert "needs a completed equality and health inequalities impact assessment" in (
        services.assessment_missing(waiting)
    )
    register = unescape(
        client.get(reverse("decisions:register"), {"q": "minor injuries"}).content.decode()
    )
    assert (
        "Negative for Age, Disability, PLUS: People without a car; mitigations: Community transport"
        in register
    )


def test_demo_spend_per_weighted_resident_by_place_and_quintile(demo, db):
    from footprint.finance import compute, queries

    year = queries.years_with_plans()[0]
    places = [r for r in compute.spend_per_head([year]) if r.area != "Whole system"]
    quintiles = compute.spend_per_head_by_quintile([year])
    assert len(places) >= 2 and [q.quintile for q in quintiles] == [1, 2, 3, 4, 5]
    low = min(p.pounds for p in places)
    high = max(p.pounds for p in places)
    assert all(low <= q.pounds <= high for q in quintiles)
