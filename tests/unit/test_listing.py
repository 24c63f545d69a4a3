"""The shared list helpers: the sort asked for, the order it gives and the header's links."""

from django.test import RequestFactory

from footprint.core import listing

SORTS = {"name": ["name", "code"], "size": ["size", "name"]}


def test_an_unknown_sort_falls_back_and_the_search_is_trimmed_and_bounded():
    request = RequestFactory().get("/x/", {"q": "  trust " + "a" * 200, "sort": "-password"})
    search, sort = listing.asked(request, SORTS, "name")
    assert sort == "name" and search.startswith("trust a") and len(search) == 100


def test_descending_reverses_only_the_first_field_and_ties_keep_one_order():
    by = listing.by
    descending = listing.order_by("-size", SORTS, "name")
    assert descending == [by("-size"), by("name"), "pk"]
    assert [d.descending for d in descending[:2]] == [True, False]
    assert listing.order_by("size", SORTS, "name") == [by("size"), by("name"), "pk"]
    assert listing.order_by("nonsense", SORTS, "name") == [by("name"), by("code"), "pk"]
    assert by("-size") != by("size") and by("name") != by("code")


def test_the_sorted_column_links_to_its_reverse_and_says_how_it_is_sorted():
    cols = listing.columns(
        "/list/", [("name", "Name"), ("size", "Size")], sort="name", search="a&b"
    )
    assert cols[0] == {
        "key": "name",
        "text": "Name",
        "href": "/list/?sort=-name&q=a%26b",
        "aria_sort": "ascending",
    }
    assert cols[1]["href"] == "/list/?sort=size&q=a%26b" and cols[1]["aria_sort"] == "none"
    again = listing.columns("/list/", [("name", "Name")], sort="-name", search="")
    assert again[0]["href"] == "/list/?sort=name" and again[0]["aria_sort"] == "descending"
