"""Who may see and change which returns each organisation is expected to make: every partner
sees the page; only the programme office changes it (by the page or the service)."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from footprint.flow import queries, services
from footprint.flow.models import ExpectedReturn, ReturnKind
from tests.conftest import CAST, PARTNERS, assert_may_see

NOW = timezone.make_aware(dt.datetime(2026, 11, 30, 9, 0))


@pytest.mark.parametrize("who", CAST)
def test_the_expected_returns_page_permission_matrix(client_for, who):
    assert_may_see(client_for(who), who, reverse("flow:expected"), PARTNERS)


@pytest.mark.parametrize("who", CAST)
def test_only_the_programme_office_sets_the_expected_returns(client_for, cast, footprint, who):
    trust_a = footprint["trust_a"]
    response = client_for(who).post(
        reverse("flow:expected_set", args=[trust_a.pk]), {"kinds": ["acute", "community"]}
    )
    if who == "pmo":
        assert response.status_code == 302 and response["Location"].endswith("/expected/")
        assert queries.kinds_of(trust_a) == (ReturnKind.ACUTE, ReturnKind.COMMUNITY)
    else:
        if who == "public":
            assert response.status_code == 302 and "/login/" in response["Location"]
        else:
            assert response.status_code == 403
        assert not ExpectedReturn.objects.exists()
        assert queries.kinds_of(trust_a) == (ReturnKind.ACUTE,)


@pytest.mark.parametrize("who", ["editor_a", "editor_b", "viewer", "stranger", "public"])
def test_the_service_refuses_anyone_but_the_programme_office(cast, footprint, who):
    by = cast[who] or AnonymousUser()
    with pytest.raises(PermissionDenied):
        services.set_expected_returns(by=by, organisation=footprint["trust_a"], kinds=[], now=NOW)
    assert not ExpectedReturn.objects.exists()
