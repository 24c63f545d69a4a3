"""Setting the partnership up on pages: the checklist, the system, places and neighbourhoods with
their geography codes, and the check that every neighbourhood's code matches imported data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from footprint.core.models import AuditEvent
from footprint.core.permissions import OPERATOR
from footprint.partnership import importers, services
from footprint.partnership.models import Invitation, Neighbourhood, Place, System


def test_from_an_empty_database_the_checklist_starts_at_naming_the_partnership(
    client, django_user_model
):
    from footprint.partnership.models import PartnershipRole, PartnershipRoleKind

    first = django_user_model.objects.create_user(username="first", password="x" * 14)
    PartnershipRole.objects.create(user=first, role=PartnershipRoleKind.PROGRAMME_OFFICE)
    client.force_login(first, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get(reverse("partnership:setup")).content.decode()
    assert page.count("To do") == 9 and "Done" not in page
    assert "Not set up yet" in page and "0 places" in page and "0 organisations" in page
    assert reverse("partnership:system_edit") in page

    places = client.get(reverse("partnership:places")).content.decode()
    assert "name the partnership" in places and reverse("partnership:place_add") not in places

    response = client.post(
        reverse("partnership:system_edit"),
        {
            "name": "Wyvern Partnership",
            "short_name": "",
            "code": "QW9",
            "description": "",
            "base_year": 2025,
        },
    )
    assert response["Location"] == reverse("partnership:setup")
    assert System.objects.get().name == "Wyvern Partnership"
    page = client.get(reverse("partnership:setup")).content.decode()
    assert page.count("Done") == 1


def test_the_programme_office_adds_and_changes_places_and_neighbourhoods(client_for, footprint):
    client = client_for("pmo")
    response = client.post(
        reverse("partnership:place_add"),
        {"name": "West Shire", "code": " e10000777 ", "description": ""},
    )
    assert response["Location"] == reverse("partnership:places")
    west = Place.objects.get(name="West Shire")
    assert (west.slug, west.code, west.system) == ("west-shire", "E10000777", footprint["system"])

    client.post(
        reverse("partnership:neighbourhood_add"),
        {"place": west.pk, "name": "West One", "code": "W1", "description": ""},
    )
    hood = Neighbourhood.objects.get(code="W1")
    assert (hood.place, hood.slug) == (west, "west-one")

    client.post(
        reverse("partnership:neighbourhood_edit", args=["west-one"]),
        {"place": west.pk, "name": "West First", "code": "W01", "description": ""},
    )
    hood.refresh_from_db()
    assert (hood.name, hood.code, hood.slug) == ("West First", "W01", "west-one")
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
    assert actions == ["create_place", "create_neighbourhood", "update_neighbourhood"]
    assert hood.history.first().history_user.username == "pmo"


def test_a_code_names_one_area_and_a_bad_form_saves_nothing(client_for, footprint):
    client = client_for("pmo")
    taken = client.post(
        reverse("partnership:neighbourhood_add"),
        {"place": footprint["north"].pk, "name": "Copycat", "code": "e10000901", "description": ""},
    )
    text = taken.content.decode()
    assert "There is a problem" in text and "Northshire already has the code E10000901" in text
    not_ons = client.post(
        reverse("partnership:place_add"), {"name": "Copycat", "code": "n1", "description": ""}
    )
    assert "Enter an ONS area code" in not_ons.content.decode()
    same_name = client.post(
        reverse("partnership:neighbourhood_add"),
        {"place": footprint["north"].pk, "name": "North One", "code": "N9", "description": ""},
    )
    assert "There is a problem" in same_name.content.decode()
    blank = client.post(
        reverse("partnership:place_edit", args=["northshire"]),
        {"name": "", "code": "E10000901", "description": ""},
    )
    assert "There is a problem" in blank.content.decode()
    assert not Place.objects.filter(name="Copycat").exists()
    assert Place.objects.get(slug="northshire").name == "Northshire"
    assert not AuditEvent.objects.exists()


def test_a_place_called_new_does_not_hide_the_add_page(cast, footprint):
    place = services.create_place(name="New", code="E10000123", by=cast["pmo"])
    assert place.slug == "new-2"


def test_the_places_page_checks_every_neighbourhoods_code_against_imported_population(
    client_for, footprint
):
    client = client_for("viewer")
    page = client.get(reverse("partnership:places")).content.decode()
    assert "Every neighbourhood's code matches imported population" in page
    assert "Add a place" not in page  # for the programme office only

    services.create_neighbourhood(
        place=footprint["south"], name="South Two", code="S2", by=OPERATOR
    )
    page = client.get(reverse("partnership:places")).content.decode()
    assert "No population has been imported under the code of 1 neighbourhood: South Two (S2)" in (
        page
    )
    mye = (
        "Code,Name,Sex,"
        + ",".join(str(a) for a in range(90))
        + ",90+\nS2,South Two,F,"
        + ",".join(["4"] * 91)
        + "\nS2,South Two,M,"
        + ",".join(["4"] * 91)
        + "\n"
    )
    records = importers.parse_population_estimates(mye, "mye.csv", 2025)
    services.import_population(records=records, source="estimate", filename="mye.csv", by=OPERATOR)
    page = client.get(reverse("partnership:places")).content.decode()
    assert "Every neighbourhood's code matches imported population" in page


def test_the_checklist_counts_what_is_set_up_and_links_to_each_page(
    client_for, cast, footprint, django_user_model
):
    """People who have accepted (signed in) are counted apart from invitations waiting."""
    services.invite_person(
        email="pending@example.nhs.uk",
        first_name="Pen",
        last_name="Ding",
        organisation=footprint["trust_a"],
        role="viewer",
        by=cast["pmo"],
        now=dt.datetime.now(dt.UTC),
    )
    django_user_model.objects.filter(username__in=["editor_a", "viewer"]).update(
        last_login=dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    )
    page = client_for("pmo").get(reverse("partnership:setup")).content.decode()
    for text in (
        "2 places",
        "3 neighbourhoods",
        "6 organisations",
        "12 series",
        "2 years",
        "every neighbourhood&#39;s code matches imported figures",
        "Named Test Partnership, base year 2025",
        "3 people have signed in; 1 invitation waiting",
    ):
        assert text in page, text
    assert "docs/setting-up.md" not in page and "with a role" not in page
    Invitation.objects.update(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1))
    expired = client_for("pmo").get(reverse("partnership:setup")).content.decode()
    assert "0 invitations waiting" in expired  # an expired link waits for nobody
    for name in ("partnership:places", "partnership:imports", "partnership:invite"):
        assert reverse(name) in page


@pytest.mark.parametrize("year", [1800, 1999, 2028, 2045])
def test_the_base_year_is_a_plausible_year(client_for, cast, footprint, year):
    """Today is explicit: 2026-11-30 allows 2000 to 2027."""
    import datetime as dt

    from django.core.exceptions import ValidationError

    today = dt.date(2026, 11, 30)
    with pytest.raises(ValidationError, match="Base year must be between 2000 and 2027"):
        services.save_system(changes={"base_year": year}, by=cast["pmo"], today=today)
    response = client_for("pmo").post(
        reverse("partnership:system_edit"),
        {
            "name": "Test Partnership",
            "short_name": "",
            "code": "",
            "description": "",
            "base_year": year,
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and "Base year must be between 2000 and" in page
    assert System.objects.get().base_year != year
    saved = services.save_system(changes={"base_year": 2027}, by=cast["pmo"], today=today)
    assert saved.base_year == 2027


def test_pages_say_when_the_base_year_has_no_population(client_for, footprint):
    System.objects.update(base_year=2019)
    for path in ("/workspace/", "/"):
        page = client_for("viewer").get(path).content.decode()
        assert "No population is held for the partnership's base year, 2019" in page, path


def test_the_neighbourhood_form_asks_for_its_place(client_for, footprint):
    """No place is chosen for you: the list starts blank and a missing place is named."""
    import re

    client = client_for("pmo")
    page = client.get(reverse("partnership:neighbourhood_add")).content.decode()
    options = re.findall(r"<option[^>]*>[^<]*</option>", page.split('name="place"')[1])
    assert options[0].startswith('<option value=""')
    assert not any("selected" in o for o in options[1:])
    missing = client.post(
        reverse("partnership:neighbourhood_add"),
        {"place": "", "name": "Nowhere", "code": "Z9", "description": ""},
    ).content.decode()
    assert "There is a problem" in missing and "Choose the place" in missing
    assert not Neighbourhood.objects.filter(name="Nowhere").exists()
    chosen = client.get(reverse("partnership:neighbourhood_add") + "?place=southshire")
    assert re.search(r'<option value="\d+"\s+selected\s*>\s*Southshire', chosen.content.decode())


def test_an_unknown_change_is_a_programming_error(cast, footprint):
    with pytest.raises(ValueError, match="cannot be changed here"):
        services.update_place(place=footprint["north"], changes={"slug": "x"}, by=cast["pmo"])


@pytest.mark.urls("tests.integration.urls_partnership_only")
def test_a_step_whose_page_is_not_built_says_so(db):
    from footprint.partnership import setup_steps

    steps = {s.title: s for s in setup_steps.steps(now=dt.datetime.now(dt.UTC))}
    forums = steps["Set up the forums and the scheme of delegation"]
    assert forums.links == [] and "admin site" in forums.note
    assert "admin site" in steps["Agree the agency rate card"].note
    # The partnership's own steps link to their pages whatever else is built.
    assert [link.text for link in steps["Invite people"].links] == [
        "Invite someone",
        "People",
        "What each role may do",
    ]
    assert not steps["Invite people"].note
