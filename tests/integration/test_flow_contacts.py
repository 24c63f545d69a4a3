"""On-call contacts (walk FL4): a contact is for the system or for an organisation that makes
daily returns (it is told when that organisation's level changes); the form offers only those,
by name, not every GP practice, and the service refuses any other."""

import html
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from footprint.flow import services
from footprint.flow.models import OnCallContact
from footprint.partnership.models import Organisation, OrganisationKind


def _offered(page: str) -> list[str]:
    select = page[page.index('id="id_organisation"') :].split("</select>", 1)[0]
    return [html.unescape(t).strip() for t in re.findall(r"<option[^>]*>([^<]*)</option>", select)]


def test_the_form_offers_the_system_then_the_organisations_making_returns_by_name(
    client_for, footprint
):
    page = client_for("pmo").get(reverse("flow:escalation")).content.decode()
    offered = _offered(page)
    assert offered[0] == "The system: told of every change"
    # The two acute trusts and the council make returns; the GP practices do not.
    assert [o.split(" (")[0] for o in offered[1:]] == [
        "Northshire Council",
        "Trust A Hospitals",
        "Trust B Hospitals",
    ]
    assert Organisation.objects.filter(kind=OrganisationKind.GP_PRACTICE).exists()
    assert "Practice" not in " ".join(offered)


def test_a_contact_for_an_organisation_making_no_return_is_refused(client_for, cast, footprint):
    practice = Organisation.objects.filter(kind=OrganisationKind.GP_PRACTICE).first()
    response = client_for("pmo").post(
        reverse("flow:contact_add"),
        {"name": "Practice on call", "email": "gp@example.org", "organisation": practice.pk},
    )
    assert response.status_code == 400
    assert 'href="#id_organisation"' in response.content.decode()
    with pytest.raises(ValidationError, match="makes no daily return"):
        services.save_contact(
            by=cast["pmo"], name="Practice", email="gp@example.org", organisation=practice
        )
    assert not OnCallContact.objects.exists()
    saved = services.save_contact(
        by=cast["pmo"], name="Site", email="site@example.org", organisation=footprint["trust_a"]
    )
    assert saved.organisation == footprint["trust_a"]
