"""Reports published before who took part was kept with them (0011) keep it from now: their
figures as they stand at this migration, small counts withheld by the same rule
(engagement.queries.suppress, a pure function of the counts), as publishing stores them."""

from django.db import migrations
from django.db.models import Count

# The age bands as they were when this migration was written (engagement.models.AgeBand).
AGE_BANDS = [
    ("0-17", "Under 18"),
    ("18-34", "18 to 34"),
    ("35-54", "35 to 54"),
    ("55-74", "55 to 74"),
    ("75+", "75 and over"),
]
NOT_SAID = "Did not say"


def fill(apps, schema_editor):
    from footprint.engagement.queries import suppress

    Consultation = apps.get_model("engagement", "Consultation")
    Participant = apps.get_model("engagement", "Participant")
    Vote = apps.get_model("engagement", "Vote")
    Statement = apps.get_model("engagement", "Statement")
    Answer = apps.get_model("engagement", "Answer")
    Place = apps.get_model("partnership", "Place")

    def breakdown(key, title, said, everyone):
        rows = [*said, (NOT_SAID, everyone - sum(n for _, n in said))]
        shown = suppress([n for _, n in rows])
        return {
            "key": key,
            "title": title,
            "rows": [[name, n] for (name, _), n in zip(rows, shown, strict=True)],
        }

    for c in Consultation.objects.filter(
        report_published_at__isnull=False, published_reach__isnull=True
    ):
        people = Participant.objects.filter(consultation=c)
        everyone = people.count()
        chosen = dict(
            people.exclude(place=None).values_list("place_id").annotate(n=Count("pk")).order_by()
        )
        ages = dict(
            people.exclude(age_band="").values_list("age_band").annotate(n=Count("pk")).order_by()
        )
        places = [(p.name, chosen.get(p.pk, 0)) for p in Place.objects.order_by("name")]
        c.published_reach = {
            "participants": everyone,
            "voters": people.filter(votes__isnull=False).distinct().count(),
            "votes": Vote.objects.filter(participant__consultation=c).count(),
            "statements_added": Statement.objects.filter(
                consultation=c, participant__isnull=False
            ).count(),
            "answers": Answer.objects.filter(question__consultation=c).count(),
            "breakdowns": [
                breakdown("place", "Place", places, everyone),
                breakdown(
                    "age", "Age", [(label, ages.get(v, 0)) for v, label in AGE_BANDS], everyone
                ),
            ],
        }
        c.save(update_fields=["published_reach"])


class Migration(migrations.Migration):
    dependencies = [
        ("engagement", "0012_ask_recompute_once"),
        ("partnership", "0001_initial"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
