"""Who took part, by place and by age band, is published with small numbers withheld (probe
EN1): a count below 5 says "fewer than 5" on the report page, in who-took-part.csv and (null)
in the API alike; a second count is withheld where the total would give the first away; and
the figures are kept as published, so nobody taking part later changes them."""

import datetime as dt
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from footprint.engagement import services
from footprint.engagement.models import Consultation, Participant
from footprint.engagement.queries import suppress

PUBLIC = AnonymousUser()
FEW = "fewer than 5"


@pytest.mark.parametrize(
    ("counts", "shown"),
    [
        # The probe's three people: every age band's count withheld, nobody's recoverable.
        ([1, 1, 0, 0, 1, 0], [None] * 6),
        ([0, 10, 12], [None, 10, 12]),  # one withheld, but 0: nobody to give away
        ([3, 10, 7], [None, 10, None]),  # 3 = 20 - 10 - 7: the smallest shown, 7, withheld too
        ([4, 4, 12], [None, None, None]),  # two summing 8 are both 4: 12 withheld too
        ([3, 3, 20], [None, None, None]),  # 6 in two: neither can be 0, so 20 goes too
        ([2, 2, 20], [None, None, 20]),  # 4 in two: 0 and 4, 1 and 3, ... cannot be told
        ([5, 9, 2, 5], [None, 9, None, 5]),  # 2 alone: the first of the smallest shown too
        ([6, 7, 8], [6, 7, 8]),
    ],
)
def test_small_counts_are_withheld_and_cannot_be_worked_out(counts, shown):
    assert suppress(counts) == shown


def consultation(cast, people):
    """A closed public consultation where ``people`` = [(age band, place)] took part."""
    today = timezone.localdate()
    c = Consultation.objects.create(
        title="Probe small consultation",
        slug="probe-small",
        summary="A ward's view",
        opens_on=today - dt.timedelta(days=10),
        closes_on=today + dt.timedelta(days=10),
        retention_until=today + dt.timedelta(days=90),
    )
    statement = services.add_partnership_statement(
        consultation=c, text="Open the clinic on Saturdays.", by=cast["pmo"]
    )
    for i, (age_band, place) in enumerate(people):
        services.vote(consultation=c, key=f"p{i}", statement=statement, value=1, by=PUBLIC)
        services.describe_yourself(
            consultation=c, key=f"p{i}", age_band=age_band, place=place, by=PUBLIC
        )
    c.closes_on = today - dt.timedelta(days=1)
    c.save()
    return c


def page_tables(body):
    """Each "who took part" table on a page: (name, people) rows, None for "fewer than 5"."""
    out = {}
    for key, table in re.findall(
        r'<table class="nhsuk-table" id="reach-(\w+)">(.*?)</table>', body, re.S
    ):
        cells = re.findall(r'<td class="nhsuk-table__cell[^"]*">([^<]*)</td>', table)
        out[key] = [
            (n, None if v == FEW else int(v)) for n, v in zip(cells[::2], cells[1::2], strict=True)
        ]
    return out


def published(client, c):
    """The public's three views of who took part: the report page's tables, the CSV's rows
    and the API's, each as {"place": [...], "age": [...]}, with the number who took part."""
    body = client.get(reverse("engagement:consultation_report", args=[c.slug])).content.decode()
    csv = client.get(reverse("engagement:consultation_reach_csv", args=[c.slug]))
    rows = [line.split(",") for line in csv.content.decode("utf-8-sig").splitlines()[1:]]
    from_csv = {
        key: [(g, None if n == FEW else int(n)) for by, g, n in rows if by == title]
        for key, title in (("place", "Place"), ("age", "Age"))
    }
    api = client.get(f"/api/v1/consultations/{c.slug}/report").json()["reach"]
    from_api = {key: list(api[f"by_{key}"].items()) for key in ("place", "age")}
    return body, page_tables(body), from_csv, from_api, api["participants"]


def test_three_people_publish_no_count_below_five(client_for, cast, footprint):
    north, south = footprint["north"], footprint["south"]
    c = consultation(cast, [("0-17", north), ("75+", south), ("18-34", north)])
    services.publish_report(consultation=c, by=cast["pmo"])
    body, page, csv, api, participants = published(client_for("public"), c)
    assert page == csv == api
    assert participants == 3 and "3</strong> people took part" in body
    assert page["age"] == [
        (band, None)
        for band in ("Under 18", "18 to 34", "35 to 54", "55 to 74", "75 and over", "Did not say")
    ]
    assert page["place"] == [("Northshire", None), ("Southshire", None), ("Did not say", None)]
    withheld = re.search(r'<p id="reach-withheld">([^<]*)</p>', body)
    assert withheld and 'shown as "fewer than 5"' in withheld[1]
    # The partners' workspace page withholds them too: no partner needs to know them.
    manage = client_for("viewer").get(reverse("engagement:manage", args=[c.slug])).content.decode()
    assert page_tables(manage) == page


def test_a_total_that_would_give_a_count_away_withholds_a_second(client_for, cast, footprint):
    north, south = footprint["north"], footprint["south"]
    people = (
        [("18-34", north)] * 4
        + [("35-54", north)] * 4
        + [("18-34", south)] * 2
        + [("35-54", south)] * 3
        + [("", None)] * 2
    )
    c = consultation(cast, people)
    services.publish_report(consultation=c, by=cast["pmo"])
    _, page, csv, api, participants = published(client_for("public"), c)
    assert page == csv == api and participants == 15
    # 8 in Northshire, 5 in Southshire, 2 did not say: 2 would be 15 - 8 - 5, so 5 goes too.
    assert page["place"] == [("Northshire", 8), ("Southshire", None), ("Did not say", None)]
    # 6, 7 and 2 with three bands of 0: the 2 cannot be told from the 0s.
    assert page["age"] == [
        ("Under 18", None),
        ("18 to 34", 6),
        ("35 to 54", 7),
        ("55 to 74", None),
        ("75 and over", None),
        ("Did not say", None),
    ]


def test_who_took_part_is_kept_as_published(client_for, cast, footprint):
    """Someone counted after publication (here written straight into the database) changes
    the workspace's live figures, not the published ones, until the report is published again."""
    north = footprint["north"]
    c = consultation(cast, [("35-54", north)] * 6 + [("", None)] * 5)
    services.publish_report(consultation=c, by=cast["pmo"])
    public = client_for("public")
    before = published(public, c)
    assert before[1]["age"][2] == ("35 to 54", 6) and before[4] == 11
    for _ in range(5):
        Participant.objects.create(consultation=c, age_band="0-17", place=north)
    after = published(public, c)
    assert after[1:] == before[1:]
    assert "11</strong> people took part" in after[0]
    manage = client_for("viewer").get(reverse("engagement:manage", args=[c.slug])).content.decode()
    assert page_tables(manage)["age"][0] == ("Under 18", 5)
    assert "16</strong> people took part" in manage
    services.publish_report(consultation=c, by=cast["pmo"])
    assert published(public, c)[1]["age"][0] == ("Under 18", 5)


def test_reports_published_before_are_kept_by_the_migration(client_for, cast, footprint):
    """A report published before who took part was kept (published_reach empty) is given its
    figures as they stand, by the same rule, and keeps them from then on."""
    from importlib import import_module

    from django.apps import apps

    from footprint.engagement.queries import reach_document

    north = footprint["north"]
    c = consultation(cast, [("35-54", north)] * 6 + [("75+", None)] * 2)
    services.publish_report(consultation=c, by=cast["pmo"])
    as_published = Consultation.objects.get(pk=c.pk).published_reach
    Consultation.objects.filter(pk=c.pk).update(published_reach=None)
    import_module("footprint.engagement.migrations.0013_fill_published_reach").fill(apps, None)
    c.refresh_from_db()
    assert c.published_reach == as_published == reach_document(c)
    assert dict(c.published_reach["breakdowns"][1]["rows"])["75 and over"] is None
    Participant.objects.create(consultation=c, age_band="75+")
    assert published(client_for("public"), c)[4] == 8
