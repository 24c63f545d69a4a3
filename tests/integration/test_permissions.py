"""Who may see and do what, read as stories and proved for every role and view."""

import pytest
from django.urls import reverse

from tests.conftest import CAST, assert_may_see

# (url name, args, who may see it). Everyone else: log-in redirect (public) or 403.
PAGES = [
    # The footprint's pages and the API tokens page: test_permissions_partnership.py.
    # System finance: test_permissions_finance.py.
    # Engagement: test_permissions_engagement.py.
]


@pytest.mark.parametrize("who", CAST)
@pytest.mark.parametrize(("name", "args", "allowed"), PAGES, ids=lambda v: str(v))
def test_page_permission_matrix(client_for, who, name, args, allowed):
    assert_may_see(client_for(who), who, reverse(name, args=args), allowed)


def test_login_is_throttled_after_five_failures(client, cast):
    for _ in range(5):
        client.post("/login/", {"username": "viewer", "password": "wrong"})
    locked = client.post(
        "/login/", {"username": "viewer", "password": "correct-horse-battery-staple"}
    )
    assert locked.status_code == 429
    assert "Too many attempts" in locked.content.decode()


def test_pages_carry_a_content_security_policy(client, footprint):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "'nonce-" in policy
