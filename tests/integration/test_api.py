"""The JSON API: public reads without login, writes with a token and the pages' rules."""

import datetime as dt
import json
from html import unescape

import pytest

from footprint.api.api import api
from footprint.api.tokens import create_token
from footprint.core.models import ApiToken, AuditEvent
from footprint.partnership.models import Organisation


def bearer(user) -> dict[str, str]:
    _, token = create_token(user=user, name="test")
    return {"Authorization": f"Bearer {token}"}


def test_openapi_schema_is_published(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "Footprint API"
    assert "/api/v1/organisations" in schema["paths"]


def test_the_api_docs_load_their_assets_from_this_site(client, db):
    from django.contrib.staticfiles import finders

    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "cdn." not in html and "https://" not in html
    for asset in ("ninja/swagger-ui-bundle.js", "ninja/swagger-ui-init.js", "ninja/swagger-ui.css"):
        assert f"/static/{asset}" in html
        assert finders.find(asset), asset


def test_organisations_are_public_filterable_and_paginated(client, footprint):
    body = client.get("/api/v1/organisations", {"kind": "acute_trust"}).json()
    assert body["count"] == 2
    assert [o["ods_code"] for o in body["items"]] == ["RA1", "RB1"]
    page = client.get("/api/v1/organisations", {"limit": 2, "offset": 2}).json()
    assert page["count"] == 6 and len(page["items"]) == 2
    assert [o["ods_code"] for o in page["items"]] == ["A00001", "A00002"]  # by name
    bad = client.get("/api/v1/organisations", {"kind": "castle"})
    assert bad.status_code == 422


def test_population_of_a_place_adds_its_neighbourhoods(client, footprint):
    body = client.get("/api/v1/population", {"year": 2025, "area": "northshire"}).json()
    assert body["total"] == 2 * 2 * 910
    assert len(body["female"]) == 91 and body["female"][0] == 20
    whole = client.get("/api/v1/population", {"year": 2026}).json()
    assert whole["total"] == 3 * 2 * 1001 and whole["source"] == "projection"
    assert client.get("/api/v1/population", {"year": 2019}).status_code == 404
    assert client.get("/api/v1/population", {"year": 2025, "area": "nowhere"}).status_code == 404


def test_neighbourhoods_list_by_place(client, footprint):
    body = client.get("/api/v1/neighbourhoods", {"place": "southshire"}).json()
    assert [n["code"] for n in body] == ["S1"]


def test_writes_need_a_token(client, footprint):
    response = client.patch(
        "/api/v1/organisations/RA1", json.dumps({"name": "X"}), content_type="application/json"
    )
    assert response.status_code == 401
    assert Organisation.objects.get(ods_code="RA1").name == "Trust A Hospitals"


def test_an_editor_patches_their_own_organisation_but_not_another(client, cast):
    headers = bearer(cast["editor_a"])
    ok = client.patch(
        "/api/v1/organisations/ra1",
        json.dumps({"name": "Trust A (new)"}),
        content_type="application/json",
        headers=headers,
    )
    assert ok.status_code == 200 and ok.json()["name"] == "Trust A (new)"
    refused = client.patch(
        "/api/v1/organisations/RB1",
        json.dumps({"name": "Mine now"}),
        content_type="application/json",
        headers=headers,
    )
    assert refused.status_code == 403
    assert refused.json()["detail"] == (
        "Only the editors of Trust B Hospitals or the programme office change its details."
    )
    assert Organisation.objects.get(ods_code="RB1").name == "Trust B Hospitals"
    board = client.patch(
        "/api/v1/organisations/RA1",
        json.dumps({"has_statutory_board": False}),
        content_type="application/json",
        headers=headers,
    )
    assert board.status_code == 403
    assert "Only the programme office changes" in board.json()["detail"]
    assert Organisation.objects.get(ods_code="RA1").has_statutory_board


def test_a_revoked_token_stops_working(client, cast):
    headers = bearer(cast["pmo"])
    ApiToken.objects.update(revoked_at="2026-01-01T00:00:00Z")
    response = client.patch(
        "/api/v1/organisations/RA1",
        json.dumps({"name": "X"}),
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 401


def test_tokens_are_stored_only_as_digests(cast):
    record, token = create_token(user=cast["viewer"], name="notebook")
    assert token not in record.digest and record.prefix == token[:8]


def test_token_page_shows_a_new_token_once(client_for):
    client = client_for("viewer")
    first = client.post(
        "/workspace/api-tokens/", {"name": "Notebook", "access": "read", "lasts_days": "90"}
    ).content.decode()
    assert "Copy it now" in first
    token = ApiToken.objects.get(user__username="viewer")
    assert f'<code id="new-token">{token.prefix}' in first
    assert AuditEvent.objects.filter(action="create_api_token", actor__username="viewer").exists()
    again = client.get("/workspace/api-tokens/").content.decode()
    assert "Copy it now" not in again and "Notebook" in again


def test_single_organisation(client, footprint):
    body = client.get("/api/v1/organisations/ra1").json()
    assert body["name"] == "Trust A Hospitals" and body["kind_label"] == "Acute trust"
    missing = client.get("/api/v1/organisations/ZZZ")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "No organisation has the ODS code 'ZZZ'", "errors": []}


def test_a_bad_patch_is_refused_with_its_reason_and_saves_nothing(client, cast):
    response = client.patch(
        "/api/v1/organisations/RA1",
        json.dumps({"website": "not a url"}),
        content_type="application/json",
        headers=bearer(cast["editor_a"]),
    )
    assert response.status_code == 422
    assert response.json()["detail"].startswith("website:")
    assert Organisation.objects.get(ods_code="RA1").website == ""


def test_nul_characters_are_refused_before_reaching_the_database(client, footprint):
    assert client.get("/api/v1/neighbourhoods", {"place": "north\x00"}).status_code == 400
    assert client.get("/workspace/organisations/", {"q": "a\x00b"}).status_code == 400


@pytest.mark.parametrize("body", ["[]", '"RA1"', "1", "null", '[{"name": "X"}]'])
def test_a_patch_whose_body_is_not_an_object_is_refused(client, cast, body):
    response = client.patch(
        "/api/v1/organisations/RA1",
        body,
        content_type="application/json",
        headers=bearer(cast["pmo"]),
    )
    assert response.status_code == 422
    problem = response.json()["errors"][0]
    assert problem["loc"][:2] == ["body", "patch"] and response.json()["detail"]
    assert Organisation.objects.get(ods_code="RA1").name == "Trust A Hospitals"


def test_a_body_that_is_not_json_is_refused_in_the_one_error_body(client, cast):
    response = client.patch(
        "/api/v1/organisations/RA1",
        "{name: X",
        content_type="application/json",
        headers=bearer(cast["pmo"]),
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "Cannot parse request body", "errors": []}


def test_the_schema_declares_every_refusal_with_its_body(db):
    schema = api.get_openapi_schema()
    error = {"$ref": "#/components/schemas/Error"}
    assert set(schema["components"]["schemas"]["Error"]["properties"]) == {"detail", "errors"}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            needed = {"400", "422"} | ({"401"} if operation.get("security") else set())
            assert needed <= set(responses), (method, path)
            for status, response in responses.items():
                if status >= "400":
                    assert response["content"]["application/json"]["schema"] == error
            for parameter in operation.get("parameters", []):
                s = parameter["schema"]
                if s.get("type") == "string" and not ({"enum", "format"} & set(s)):
                    assert s.get("pattern"), (method, path, parameter["name"])


def test_the_token_page_makes_a_token_for_what_and_how_long_was_chosen(client_for, clock):
    clock(dt.date(2026, 12, 1))
    client = client_for("viewer")
    made = client.post(
        "/workspace/api-tokens/",
        {"name": "Power BI", "access": "read", "lasts_days": "30"},
    ).content.decode()
    assert "Copy it now" in made
    token = ApiToken.objects.get(user__username="viewer")
    assert token.access == "read"
    assert token.expires_at == dt.datetime(2026, 12, 31, 12, tzinfo=dt.UTC)
    event = AuditEvent.objects.get(action="create_api_token")
    assert event.summary == "API token 'Power BI' made: read only, for 30 days"
    listed = unescape(client.get("/workspace/api-tokens/").content.decode())
    assert "Read only" in listed and "31 December 2026" in listed and "Expired" not in listed
    clock(dt.date(2027, 1, 1))
    client.force_login(token.user)  # a month on: the session has ended
    listed = unescape(client.get("/workspace/api-tokens/").content.decode())
    assert "Expired</strong> on 31 December 2026" in listed


@pytest.mark.parametrize(
    ("sent", "said"),
    [
        (
            {"name": "x", "access": "admin", "lasts_days": "90"},
            "Choose read only, or read and change",
        ),
        ({"name": "x", "access": "read", "lasts_days": "7"}, "Choose 30, 90 or 365 days"),
        ({"name": "x", "access": "read"}, "Choose how long the token works"),
        ({"name": "x", "lasts_days": "90"}, "Choose what the token may do"),
        ({"name": "a\nb", "access": "read", "lasts_days": "90"}, "Write the title on one line"),
    ],
)
def test_the_token_page_refuses_a_choice_it_does_not_offer(client_for, sent, said):
    page = client_for("viewer").post("/workspace/api-tokens/", sent).content.decode()
    assert said in unescape(page)
    assert not ApiToken.objects.exists()


def test_an_expired_token_stops_working(client, cast, clock):
    clock(dt.date(2026, 12, 1))
    _, token = create_token(user=cast["viewer"], name="old", lasts_days=30)
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/jobs/999999", headers=headers).status_code == 404
    clock(dt.date(2026, 12, 31))  # noon: the moment it was made, 30 days on
    assert client.get("/api/v1/jobs/999999", headers=headers).status_code == 401


def test_a_read_only_token_reads_but_changes_nothing(client, cast, footprint):
    _, token = create_token(user=cast["pmo"], name="report", access="read")
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/jobs/999999", headers=headers).status_code == 404
    refused = client.patch(
        "/api/v1/organisations/RA1",
        json.dumps({"name": "Renamed"}),
        content_type="application/json",
        headers=headers,
    )
    assert refused.status_code == 403
    assert refused.json()["detail"].startswith("This token is for reading only.")
    assert Organisation.objects.get(ods_code="RA1").name == "Trust A Hospitals"
    _, writer = create_token(user=cast["pmo"], name="script", access="read_write")
    changed = client.patch(
        "/api/v1/organisations/RA1",
        json.dumps({"name": "Renamed"}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {writer}"},
    )
    assert changed.status_code == 200, changed.content
    assert Organisation.objects.get(ods_code="RA1").name == "Renamed"
