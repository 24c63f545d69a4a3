"""A practice's people see, at the top of their workspace home, how many messages to their
practice are waiting to be acknowledged, linking to the inbox."""

import pytest
from django.urls import reverse
from django.utils import timezone

from footprint.engagement import services
from footprint.engagement.models import Message
from footprint.partnership.models import Membership, Organisation, Role
from tests.conftest import make_user


@pytest.fixture
def manager(footprint, django_user_model):
    user = make_user(django_user_model, "manager")
    Membership.objects.create(
        user=user, organisation=Organisation.objects.get(ods_code="A00000"), role=Role.VIEWER
    )
    return user


def test_the_workspace_shows_the_practice_its_waiting_messages(client, cast, manager):
    for title in ("Flu clinics", "Winter rota"):
        message = Message.objects.create(title=title, body="B", audience="all_practices")
        services.send_message(message=message, by=cast["pmo"])
    client.force_login(manager)
    home = client.get(reverse("partnership:workspace")).content.decode()
    assert reverse("engagement:inbox_waiting") in home
    top = client.get(reverse("engagement:inbox_waiting")).content.decode()
    assert "<strong>2</strong> messages to your organisation not yet acknowledged" in top
    assert reverse("engagement:inbox") in top
    recipient = Message.objects.get(title="Flu clinics").recipients.get(
        organisation__ods_code="A00000"
    )
    services.acknowledge(
        key=services.link_key(recipient, issued_at=timezone.now()), now=timezone.now()
    )
    top = client.get(reverse("engagement:inbox_waiting")).content.decode()
    assert "<strong>1</strong> message to your organisation not yet acknowledged" in top
    assert "(2 in all)" in top


def test_nothing_waiting_shows_nothing(client, manager):
    client.force_login(manager)
    top = client.get(reverse("engagement:inbox_waiting")).content.decode()
    assert "not yet acknowledged" not in top


def test_the_programme_office_has_no_inbox_to_show(client_for, cast):
    home = client_for("pmo").get(reverse("partnership:workspace")).content.decode()
    assert reverse("engagement:inbox_waiting") not in home
