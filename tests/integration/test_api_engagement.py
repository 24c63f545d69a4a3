"""Consultations in the API: the public reads public consultations and their published
reports; partners with a token read the partners', practices' and staff consultations too,
and their reports once published, never before."""

import datetime as dt

from django.utils import timezone

from footprint.api.tokens import create_token
from footprint.engagement import services
from footprint.engagement.models import Audience, Consultation, Response


def bearer(user) -> dict[str, str]:
    return {"Authorization": f"Bearer {create_token(user=user, name='t')[1]}"}


def consultation(slug, audience, cast):
    today = timezone.localdate()
    c = Consultation.objects.create(
        title=slug.replace("-", " ").capitalize(),
        slug=slug,
        summary="What do you think?",
        audience=audience,
        opens_on=today - dt.timedelta(days=30),
        closes_on=today - dt.timedelta(days=1),
        retention_until=today + dt.timedelta(days=90),
    )
    Response.objects.create(consultation=c, theme="Later hours", response="Open until 8pm.")
    return c


def test_partners_read_every_audience_and_the_public_only_public_ones(client, cast):
    consultation("evening-gp", Audience.PUBLIC, cast)
    staff = consultation("rotas", Audience.STAFF, cast)
    assert [c["slug"] for c in client.get("/api/v1/consultations").json()] == ["evening-gp"]
    listed = client.get("/api/v1/engagement/consultations", headers=bearer(cast["viewer"])).json()
    assert {(c["slug"], c["audience"]) for c in listed} == {
        ("evening-gp", "public"),
        ("rotas", "staff"),
    }
    url = "/api/v1/engagement/consultations/rotas/report"
    # Not published: not there for anyone, the programme office included.
    assert client.get(url, headers=bearer(cast["pmo"])).status_code == 404
    services.publish_report(consultation=staff, by=cast["pmo"])
    body = client.get(url, headers=bearer(cast["viewer"])).json()
    assert body["responses"][0]["we_did"] == "Open until 8pm."
    # The public door never shows a staff consultation's report.
    assert client.get("/api/v1/consultations/rotas/report").status_code == 404
    for path in ("/api/v1/engagement/consultations", url):
        assert client.get(path).status_code == 401
        assert client.get(path, headers=bearer(cast["stranger"])).status_code == 403
