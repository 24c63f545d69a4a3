"""Who may open the pages every app shares: resetting a forgotten password is for anyone,
signed in or not (the link in the email is the permission to choose a new password)."""

import pytest
from django.urls import reverse

from tests.conftest import CAST, assert_may_see

PAGES = [
    ("core:password_reset", [], set(CAST)),
    ("core:password_reset_sent", [], set(CAST)),
    ("core:password_reset_complete", [], set(CAST)),
    # A link that is no link: the page says it does not work, to anyone.
    ("core:password_reset_confirm", ["MQ", "not-a-token"], set(CAST)),
]


@pytest.mark.parametrize("who", CAST)
@pytest.mark.parametrize(("name", "args", "allowed"), PAGES, ids=lambda v: str(v))
def test_page_permission_matrix(client_for, who, name, args, allowed):
    assert_may_see(client_for(who), who, reverse(name, args=args), allowed)
