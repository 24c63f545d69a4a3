"""A published consultation report stays as it was published: "you said, we did" added
afterwards waits, marked "changed since published" for partners, until the programme office
publishes again (as plans and finance do)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from footprint.engagement import services
from footprint.engagement.models import Consultation, Response


@pytest.fixture
def published(cast):
    today = timezone.localdate()
    c = Consultation.objects.create(
        title="Dales community beds",
        slug="dales-community-beds",
        summary="Should the community beds move?",
        report_summary="We heard from the Dales.",
        opens_on=today - dt.timedelta(days=60),
        closes_on=today - dt.timedelta(days=1),
        retention_until=today + dt.timedelta(days=90),
    )
    Response.objects.create(consultation=c, theme="Keep beds local", response="Beds stay.")
    services.publish_report(consultation=c, by=cast["pmo"])
    return c


def test_responses_added_after_publishing_wait_for_the_next_publication(client_for, published):
    c = published
    report = reverse("engagement:consultation_report", args=[c.slug])
    pmo = client_for("pmo")
    pmo.post(
        reverse("engagement:add_response", args=[c.slug]),
        {"theme": "Transport", "response": "A new bus route to the hospital."},
    )
    c.report_summary = "Changed words, not yet published."
    c.save()
    public = client_for("public").get(report).content.decode()
    assert "Beds stay." in public and "We heard from the Dales." in public
    assert "A new bus route" not in public and "not yet published" not in public
    assert "Changed since published" not in public
    api = client_for("public").get(f"/api/v1/consultations/{c.slug}/report").json()
    assert [r["we_did"] for r in api["responses"]] == ["Beds stay."]
    # Partners are told; the workspace shows the words as they stand.
    viewer = client_for("viewer")
    body = viewer.get(report).content.decode()
    assert "Changed since published" in body and "A new bus route" not in body
    assert "Publish the report again" not in body
    workspace = viewer.get(reverse("engagement:manage", args=[c.slug])).content.decode()
    assert "Changed since published" in workspace and "A new bus route" in workspace
    pmo = client_for("pmo")
    assert "Publish the report again" in pmo.get(report).content.decode()
    pmo.post(reverse("engagement:publish", args=[c.slug]))
    public = client_for("public").get(report).content.decode()
    assert "A new bus route" in public and "not yet published" in public
    assert "Changed since published" not in client_for("viewer").get(report).content.decode()


def test_a_report_published_before_publications_were_kept_shows_its_words(client_for, cast):
    today = timezone.localdate()
    c = Consultation.objects.create(
        title="Old report",
        slug="old-report",
        summary="An old one.",
        opens_on=today - dt.timedelta(days=60),
        closes_on=today - dt.timedelta(days=1),
        retention_until=today + dt.timedelta(days=90),
        report_published_at=timezone.now(),
    )
    Response.objects.create(consultation=c, theme="Parking", response="More spaces.")
    body = client_for("public").get(reverse("engagement:consultation_report", args=[c.slug]))
    assert "More spaces." in body.content.decode()
    assert (
        "Changed since published"
        not in client_for("viewer")
        .get(reverse("engagement:consultation_report", args=[c.slug]))
        .content.decode()
    )
