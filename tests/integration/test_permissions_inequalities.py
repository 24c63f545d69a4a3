"""Who may see and do what with the inequalities picture, read as stories: every page for every
member of the cast, each write refused to a wrong caller with nothing saved, and the public
page showing only what is published."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from footprint.core.models import AuditEvent
from footprint.inequalities import services
from footprint.inequalities.models import ClinicalAreaMetric, PlusGroup
from tests.conftest import CAST, PARTNERS, assert_may_see

PMO = {"pmo"}
# (url name, args, who may see it). Everyone else: the log-in page (the public) or a 403.
PAGES = [
    ("inequalities:public", [], set(CAST)),
    ("inequalities:overview", [], PARTNERS),
    ("inequalities:core20plus5", [], PARTNERS),
    ("inequalities:rates", [], PARTNERS),
    ("inequalities:plus_group_add", [], PMO),
    ("inequalities:plus_group_edit", ["group"], PMO),
    ("inequalities:clinical_area_edit", ["hypertension"], PMO),
]


@pytest.fixture
def group(db):
    return PlusGroup.objects.create(
        name="People experiencing homelessness",
        who="People sleeping rough or in temporary accommodation.",
        why="Emergency admissions eight times the average.",
        public=False,
    )


@pytest.mark.parametrize("name,args,allowed", PAGES)
@pytest.mark.parametrize("who", CAST)
def test_page_matrix(client_for, group, who, name, args, allowed):
    path = reverse(name, args=[group.pk if a == "group" else a for a in args])
    assert_may_see(client_for(who), who, path, allowed)


def test_removing_a_plus_group_is_the_programme_offices_alone(client_for, group):
    path = reverse("inequalities:plus_group_remove", args=[group.pk])
    for who in ("editor_a", "viewer", "stranger"):
        assert client_for(who).post(path).status_code == 403
    assert client_for("public").post(path).status_code == 302
    assert PlusGroup.objects.filter(pk=group.pk).exists()
    assert client_for("pmo").post(path).status_code == 302
    assert not PlusGroup.objects.exists()
    assert AuditEvent.objects.filter(action="remove_plus_group", actor__username="pmo").exists()


def test_services_refuse_everyone_but_the_programme_office(cast, group):
    for who in ("editor_a", "editor_b", "viewer", "stranger", "public"):
        with pytest.raises(PermissionDenied):
            services.add_plus_group(data={"name": "Carers", "who": "x", "why": "y"}, by=cast[who])
        with pytest.raises(PermissionDenied):
            services.change_plus_group(group=group, data={"public": True}, by=cast[who])
        with pytest.raises(PermissionDenied):
            services.choose_metric(area="hypertension", metric=None, by=cast[who])
    group.refresh_from_db()
    assert PlusGroup.objects.count() == 1 and group.public is False
    assert not ClinicalAreaMetric.objects.exists()


def test_the_public_sees_only_the_plus_groups_made_public(client_for, cast, group):
    hidden = client_for("public").get(reverse("inequalities:public")).content.decode()
    assert "People experiencing homelessness" not in hidden
    assert "Emergency admissions eight times" not in hidden
    assert "We have not published the groups we focus on yet." in hidden
    partner = client_for("viewer").get(reverse("inequalities:core20plus5")).content.decode()
    assert "People experiencing homelessness" in partner
    services.change_plus_group(group=group, data={"public": True}, by=cast["pmo"])
    shown = client_for("public").get(reverse("inequalities:public")).content.decode()
    assert "People experiencing homelessness" in shown and "Why: Emergency admissions" in shown


def test_the_public_page_shows_the_plan_only_as_published(client_for, cast, plan):
    from footprint.plans import services as plan_services

    services.choose_metric(area="cyp_mental_health", metric=plan["metric"], by=cast["pmo"])
    before = client_for("public").get(reverse("inequalities:public")).content.decode()
    assert "Four in five seen within four hours" not in before  # the plan is a draft
    plan_services.publish_plan(plan=plan["plan"], by=cast["pmo"])
    plan["goal"].statement = "A changed goal, not yet published"
    plan["goal"].save()
    shown = client_for("public").get(reverse("inequalities:public")).content.decode()
    assert "Our plan: Four in five seen within four hours at Trust A." in shown
    assert "The latest figure, for " in shown and ": 66.0%." in shown
    assert "A changed goal, not yet published" not in shown
