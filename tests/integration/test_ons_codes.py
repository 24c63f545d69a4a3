"""A place's ONS code is an ONS area code (a letter and eight digits), wherever it is entered:
on the page, or through the service the page and any import or API call go through."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from footprint.partnership import services
from footprint.partnership.models import Place
from footprint.partnership.validators import validate_ons_code

MESSAGE = "Enter an ONS area code: a letter and 8 digits, e.g. E06000047 or E54000050"


@pytest.mark.parametrize("code", ["NaN", "2026-13-45", "E0600004", "E060000470", "06000047E"])
def test_what_is_no_ons_code_is_refused_by_name(code):
    with pytest.raises(ValidationError, match="a letter and 8 digits"):
        validate_ons_code(code)


@pytest.mark.parametrize("code", ["E06000047", "E54000050", "W06000015"])
def test_ons_codes_pass(code):
    validate_ons_code(code)


@pytest.mark.parametrize("code", ["NaN", "2026-13-45"])
def test_the_add_a_place_page_refuses_a_code_that_is_no_ons_code(client_for, cast, code):
    page = client_for("pmo").post(
        reverse("partnership:place_add"), {"name": "Westshire", "code": code}
    )
    assert page.status_code == 200
    assert MESSAGE in page.content.decode()
    assert not Place.objects.filter(name="Westshire").exists()


def test_a_code_typed_in_small_letters_with_spaces_is_kept_in_capitals(client_for, cast):
    client_for("pmo").post(
        reverse("partnership:place_add"), {"name": "Westshire", "code": " e06000047 "}
    )
    assert Place.objects.get(name="Westshire").code == "E06000047"


def test_the_services_refuse_it_too(cast, footprint):
    with pytest.raises(ValidationError, match="a letter and 8 digits"):
        services.create_place(name="Westshire", code="NaN", by=cast["pmo"])
    north = footprint["north"]
    with pytest.raises(ValidationError, match="a letter and 8 digits"):
        services.update_place(place=north, changes={"code": "2026-13-45"}, by=cast["pmo"])
    north.refresh_from_db()
    assert north.code == "E10000901" and not Place.objects.filter(name="Westshire").exists()
