"""Walk 8 CP4: an editor renamed its trust to a 199-character unbroken name, and every page
showing it scrolled sideways on a phone. A name is now at most 120 characters with no word over
40, on the edit page (with the form's other problems) and in the API (the same service)."""

import json

from django.urls import reverse

from footprint.api.tokens import create_token
from footprint.core.models import AuditEvent
from footprint.partnership import services
from footprint.partnership.models import Organisation


def edit(client, name):
    return client.post(
        reverse("partnership:organisation_edit", args=["RA1"]),
        {"name": name, "postcode": "NS1 1AA", "website": ""},
    )


def test_the_problems_in_words():
    assert services.organisation_name_problems("Trust A University Hospitals NHS Trust") == []
    long_word, too_long = services.organisation_name_problems("M" * 199)
    assert long_word.startswith("Keep the name to 120 characters or fewer (it has 199)")
    assert too_long.startswith("The name has a word of 199 characters with no space")
    (word,) = services.organisation_name_problems("Trust " + "x" * 41)
    assert "a word of 41 characters" in word


def test_an_editor_cannot_give_its_organisation_an_unbreakable_name(client_for, footprint):
    response = edit(client_for("editor_a"), "M" * 199)
    text = response.content.decode()
    assert response.status_code == 200
    assert "Keep the name to 120 characters or fewer (it has 199)" in text
    assert "a word of 199 characters with no space" in text
    assert Organisation.objects.get(ods_code="RA1").name == "Trust A Hospitals"
    assert not AuditEvent.objects.exists()
    # a real, long NHS name is fine
    name = "Trust A University Hospitals of North and South Northshire NHS Foundation Trust"
    assert edit(client_for("editor_a"), name).status_code == 302
    assert Organisation.objects.get(ods_code="RA1").name == name


def test_the_api_refuses_it_too(client, cast, footprint):
    token = create_token(user=cast["editor_a"], name="t")[1]
    response = client.patch(
        "/api/v1/organisations/RA1",
        json.dumps({"name": "W" * 150}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 422
    assert "Keep the name to 120 characters" in response.json()["detail"]
    assert Organisation.objects.get(ods_code="RA1").name == "Trust A Hospitals"
