"""The shared rules every app builds on: named permissions and named audit actions."""

import pytest

from footprint.core import audit
from footprint.core.models import AuditEvent
from footprint.core.permissions import can, require
from footprint.partnership.models import Organisation
from footprint.partnership.rules import Permission
from footprint.partnership.services import AuditAction


def test_a_misspelt_permission_is_an_error_not_a_no(cast):
    with pytest.raises(ValueError, match=r"partnership\.chnage_organisation"):
        can(cast["pmo"], "partnership.chnage_organisation")
    with pytest.raises(ValueError):
        require(cast["pmo"], "partnership.import_dat")
    assert can(cast["pmo"], Permission.IMPORT_DATA)
    assert not can(cast["viewer"], Permission.IMPORT_DATA)


def test_an_audit_action_must_be_named_in_an_enumeration(cast):
    with pytest.raises(TypeError):
        audit.record(actor=cast["pmo"], action="update_organisation", summary="free text")


def test_save_audited_saves_with_history_and_records_the_action(cast, footprint):
    org = Organisation.objects.get(ods_code="RA1")
    org.website = "https://trust-a.example.nhs.uk"
    audit.save_audited(
        org, by=cast["pmo"], action=AuditAction.UPDATE_ORGANISATION, summary="Website", ods="RA1"
    )
    event = AuditEvent.objects.latest("pk")
    assert (event.action, event.actor, event.details) == (
        "update_organisation",
        cast["pmo"],
        {"ods": "RA1"},
    )
    assert org.history.latest().history_user == cast["pmo"]
    assert Organisation.objects.get(ods_code="RA1").website == "https://trust-a.example.nhs.uk"


def test_the_api_answers_a_refusal_from_any_service_with_403_and_its_reason(rf):
    import json

    from django.core.exceptions import PermissionDenied

    from footprint.api.api import refused

    response = refused(rf.get("/api/v1/anything"), PermissionDenied("Only the programme office."))
    assert response.status_code == 403
    assert json.loads(response.content) == {"detail": "Only the programme office.", "errors": []}
