"""Names sort as people read them, whatever their case: "Ashenby and Kennerton" before
"Ashenby Medical Practice", on every list (the shared sort in footprint.core.listing)."""

from __future__ import annotations

from django.urls import reverse

from footprint.core import listing
from footprint.engagement import queries as engagement_queries
from footprint.partnership.models import Organisation, OrganisationKind


def names_in(page: str, *names: str) -> list[str]:
    return sorted(names, key=page.index)


def add_lookalikes():
    for code, name in [
        ("B1", "Ashenby Medical Practice"),
        ("B2", "Ashenby and Kennerton Community Trust"),
        ("B3", "Wyvern South Council"),
        ("B4", "Wyvern and Hallowdale Council"),
    ]:
        Organisation.objects.create(ods_code=code, name=name, kind=OrganisationKind.OTHER)


def test_the_organisations_list_sorts_names_without_regard_to_case(client_for, cast):
    add_lookalikes()
    page = client_for("viewer").get(reverse("partnership:organisations")).content.decode()
    assert names_in(page, "Ashenby Medical Practice", "Ashenby and Kennerton Community Trust") == [
        "Ashenby and Kennerton Community Trust",
        "Ashenby Medical Practice",
    ]
    down = client_for("viewer").get(reverse("partnership:organisations"), {"sort": "-name"})
    assert names_in(
        down.content.decode(), "Wyvern South Council", "Wyvern and Hallowdale Council"
    ) == ["Wyvern South Council", "Wyvern and Hallowdale Council"]


def test_the_from_list_of_a_message_sorts_without_regard_to_case(cast):
    add_lookalikes()
    names = [o.name for o in engagement_queries.senders(cast["pmo"], partnership=True)]
    assert names.index("Wyvern and Hallowdale Council") < names.index("Wyvern South Council")
    assert names.index("Ashenby and Kennerton Community Trust") < names.index(
        "Ashenby Medical Practice"
    )


def test_the_shared_sort_lowers_text_only(footprint):
    add_lookalikes()
    sorts = {"name": ["name"], "kind": ["kind", "name"], "places": ["n"]}
    from django.db.models import Count

    qs = Organisation.objects.annotate(n=Count("places"))
    names = [o.name for o in qs.order_by(*listing.order_by("name", sorts, "name"))]
    assert names.index("Wyvern and Hallowdale Council") < names.index("Wyvern South Council")
    sql = str(qs.order_by(*listing.order_by("-places", sorts, "name")).query)
    assert "LOWER" not in sql.upper().split("ORDER BY")[1]  # a count is no text
    sql = str(qs.order_by(*listing.order_by("-name", sorts, "name")).query)
    assert "LOWER" in sql.upper().split("ORDER BY")[1]


ACCENTED = [
    ("C1", "Zeal Medical Centre"),
    ("C2", "Émile Roux Surgery"),
    ("C3", "Eastgate Practice"),
    ("C4", "élan Health"),
    ("C5", "Øster Clinic"),
    ("C6", "Oakwood Surgery"),
    ("C7", "Ångström Street Practice"),
    ("C8", "Zoë's Pharmacy"),
    ("C9", "Zoe Street Clinic"),
]


def test_accented_names_sort_beside_their_plain_letters(footprint):
    for code, name in ACCENTED:
        Organisation.objects.create(ods_code=code, name=name, kind=OrganisationKind.OTHER)
    sorts = {"name": ["name"]}
    qs = Organisation.objects.filter(ods_code__startswith="C")
    names = [o.name for o in qs.order_by(*listing.order_by("name", sorts, "name"))]
    assert names == [
        "Ångström Street Practice",
        "Eastgate Practice",
        "élan Health",
        "Émile Roux Surgery",
        "Oakwood Surgery",
        "Øster Clinic",
        "Zeal Medical Centre",
        "Zoe Street Clinic",
        "Zoë's Pharmacy",
    ]
    backwards = [o.name for o in qs.order_by(*listing.order_by("-name", sorts, "name"))]
    assert backwards == names[::-1]


def test_the_organisations_page_lists_an_accented_name_under_its_letter(client_for, cast):
    for code, name in ACCENTED:
        Organisation.objects.create(ods_code=code, name=name, kind=OrganisationKind.OTHER)
    page = client_for("viewer").get(reverse("partnership:organisations")).content.decode()
    assert names_in(page, "Zeal Medical Centre", "Émile Roux Surgery", "Eastgate Practice") == [
        "Eastgate Practice",
        "Émile Roux Surgery",
        "Zeal Medical Centre",
    ]


def test_the_fold_table_takes_accents_off_both_cases_one_letter_for_one():
    assert listing.fold("ÉMILE Zoë ÅSA Łódź Ærø") == "eMILE Zoe aSA lodz aro"
    assert all(
        len(k) == len(v) == 1 and v.isascii() and v.islower() for k, v in listing.FOLD.items()
    )
    assert listing.fold(None) is None and listing.fold("Ωμέγα") == "Ωμέγα"
