"""Walk CP2 and CP5: the organisations' CSV names each neighbourhood (never its code); an
organisation's postcode has the shape of a UK postcode and is kept as written on letters, and
a website that is not a full address is refused in the project's words, on the page, in an
import and through the API (one service)."""

import csv
import io
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from footprint.partnership import services
from footprint.partnership.models import Organisation
from footprint.partnership.validators import normalise_postcode


def edit(client, **details):
    return client.post(
        reverse("partnership:organisation_edit", args=["RA1"]),
        {"name": "Trust A Hospitals", "postcode": "", "website": "", **details},
    )


def test_the_csv_names_each_neighbourhood(client_for, footprint):
    response = client_for("viewer").get(
        reverse("partnership:organisations"), {"sort": "name", "format": "csv"}
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    with_hood = [r for r in rows if r["Neighbourhood"]]
    assert with_hood
    names = {o.neighbourhood.name for o in Organisation.objects.exclude(neighbourhood=None)}
    assert {r["Neighbourhood"] for r in with_hood} == names
    codes = {o.neighbourhood.code for o in Organisation.objects.exclude(neighbourhood=None)}
    assert not {r["Neighbourhood"] for r in with_hood} & (codes - names)


@pytest.mark.parametrize(
    ("typed", "kept"),
    [("wr12es", "WR1 2ES"), (" sw1a 1aa ", "SW1A 1AA"), ("M1 1AE", "M1 1AE"), ("", "")],
)
def test_a_postcode_is_kept_as_written_on_letters(client_for, footprint, typed, kept):
    assert normalise_postcode(typed) == kept
    response = edit(client_for("editor_a"), postcode=typed)
    assert response.status_code == 302
    assert Organisation.objects.get(ods_code="RA1").postcode == kept


@pytest.mark.parametrize("typed", ["NOTPOST", "12345", "WR1 2E", "WRR1 2ES"])
def test_a_postcode_not_shaped_like_one_is_refused_in_words(client_for, cast, typed):
    page = unescape(edit(client_for("editor_a"), postcode=typed).content.decode())
    assert "Enter a UK postcode, such as WR1 2ES" in page
    assert Organisation.objects.get(ods_code="RA1").postcode == ""
    with pytest.raises(ValidationError, match="Enter a UK postcode"):  # the API's way in
        services.update_organisation(
            organisation=Organisation.objects.get(ods_code="RA1"),
            changes={"postcode": typed},
            by=cast["pmo"],
        )
    assert Organisation.objects.get(ods_code="RA1").postcode == ""


def test_a_website_that_is_not_a_full_address_is_refused_in_the_projects_words(
    client_for, footprint
):
    page = unescape(edit(client_for("editor_a"), website="not a site").content.decode())
    assert "Enter the website's full address, starting https://" in page
    assert "Enter a valid URL" not in page
    assert edit(client_for("editor_a"), website="https://www.trust-a.nhs.uk").status_code == 302
    assert Organisation.objects.get(ods_code="RA1").website == "https://www.trust-a.nhs.uk"
