"""Setting up the plan on its pages: metrics with codes made from their names, goals whose
subject fits their layer and whose figures and months make sense on an explicit today, the
decisions that serve a goal chosen from the real proposals, all audited with history. Who may
do each: test_permissions_plans.py."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from footprint.core.imports import ImportRejected
from footprint.core.models import AuditEvent
from footprint.decisions.models import Proposal
from footprint.plans import importers, services
from footprint.plans.models import Goal, Metric, Plan, Priority

TODAY = dt.date(2026, 11, 30)

METRIC = {
    "name": "A&E within 4 hours",
    "unit": "%",
    "improvement": "increase",
    "definition": "Share seen within four hours.",
    "data_source": "Test",
    "frequency": "monthly",
    "reviewer": None,
    "next_review": dt.date(2027, 6, 1),
}


def new_metric(cast, footprint, **values):
    return services.create_metric(
        **(METRIC | values), owner=footprint["trust_a"], by=cast["pmo"], today=TODAY
    )


def test_a_metrics_code_is_made_from_its_name_and_kept(cast, footprint):
    metric = new_metric(cast, footprint, name="Discharges before noon (%)")
    assert metric.code == "discharges-before-noon" and metric.slug == metric.code
    # A near-duplicate name, one that makes the same code, is refused, naming the other.
    with pytest.raises(ValidationError) as refused:
        new_metric(cast, footprint, name="Discharges before noon")
    assert refused.value.message_dict["name"] == [
        "'Discharges before noon' is too like 'Discharges before noon (%)' (code "
        "discharges-before-noon): their codes would be the same, so files could not tell "
        "them apart; give this one a name that differs in its letters or numbers, or change "
        "that one"
    ]
    services.change_metric(
        metric=metric,
        **(METRIC | {"name": "Discharged before midday"}),
        owner=footprint["trust_a"],
        by=cast["pmo"],
        today=TODAY,
    )
    metric.refresh_from_db()
    assert metric.name == "Discharged before midday"
    assert metric.code == "discharges-before-noon"  # files that use it keep working
    event = AuditEvent.objects.filter(action="change_metric").get()
    assert "the name" in event.summary and event.actor == cast["pmo"]
    assert [h.name for h in metric.history.order_by("history_date")] == [
        "Discharges before noon (%)",
        "Discharged before midday",
    ]
    assert metric.history.latest().history_user == cast["pmo"]


def test_a_metric_with_a_name_another_has_or_a_past_review_is_refused_by_field(cast, footprint):
    new_metric(cast, footprint)
    with pytest.raises(ValidationError) as exc:
        new_metric(
            cast,
            footprint,
            name="a&e WITHIN 4 hours",
            next_review=dt.date(2026, 11, 29),
            unit=" ",
        )
    errors = exc.value.message_dict
    assert errors["name"] == [
        "A metric is already called 'A&E within 4 hours' (code ae-within-4-hours): give this "
        "one a different name, or change that one"
    ]
    assert errors["next_review"] == [
        "The next review, 29 November 2026, is before today, 30 November 2026"
    ]
    assert errors["unit"] == ["Enter the unit, such as %, days or per 1,000 residents"]
    assert Metric.objects.count() == 1


def test_a_unit_that_recorded_figures_cannot_be_in_is_refused(cast, plan, footprint):
    metric = plan["metric"]
    keep = {"name": metric.name, "next_review": metric.next_review}
    # Figures of 66 to 72 may be a rate per 1,000; the change is saved.
    services.change_metric(
        metric=metric,
        **(METRIC | keep | {"unit": "per 1,000"}),
        owner=metric.owner,
        by=cast["pmo"],
        today=TODAY,
    )
    metric.measurements.filter(period=dt.date(2025, 3, 1)).update(value=-3.0)
    with pytest.raises(ValidationError) as exc:
        services.change_metric(
            metric=metric,
            **(METRIC | keep | {"unit": "days"}),
            owner=metric.owner,
            by=cast["pmo"],
            today=TODAY,
        )
    assert exc.value.message_dict["unit"][0].startswith(
        "The unit cannot become 'days': 1 figure already recorded cannot be in it (such as -3 "
        "for March 2025"
    )
    assert Metric.objects.get().unit == "per 1,000"


def test_the_metric_pages_call_it_a_code_and_the_programme_office_adds_one(client_for, plan):
    client = client_for("pmo")
    listing = client.get(reverse("plans:metrics")).content.decode()
    assert "Code: <code>ae-4-hour</code>" in listing and "slug" not in listing.lower()
    assert "Add a metric" in listing
    form = client.get(reverse("plans:metric_new")).content.decode()
    assert "slug" not in form.lower() and "Its code, which import files use" in form
    assert re.search(r"<button[^>]*>\s*Add the metric\s*</button>", form)
    data = {
        "name": "Handovers over an hour",
        "definition": "Ambulance handovers taking over 60 minutes.",
        "unit": "count",
        "improvement": "decrease",
        "frequency": "monthly",
        "data_source": "Ambulance service",
        "owner": plan["metric"].owner_id,
        "reviewer": "",
        "next_review": "2027-03-31",
    }
    duplicate = client.post(reverse("plans:metric_new"), data | {"name": "a&e within 4 hours"})
    page = duplicate.content.decode()
    assert duplicate.status_code == 200 and "There is a problem" in page
    assert "A metric is already called &#39;A&amp;E within 4 hours&#39; (code ae-4-hour)" in page
    response = client.post(reverse("plans:metric_new"), data)
    metric = Metric.objects.get(name="Handovers over an hour")
    assert response.status_code == 302
    assert response.url == reverse("plans:metric", args=["handovers-over-an-hour"])
    page = client.get(response.url).content.decode()
    assert "<code>handovers-over-an-hour</code>" in page and "Lower is better" in page
    assert "Created" in page and "Pmo" in page  # its history
    assert AuditEvent.objects.get(action="create_metric").summary == (
        "Metric added: Handovers over an hour (code handovers-over-an-hour)"
    )
    assert metric.owner == plan["metric"].owner


def test_the_owners_editor_changes_a_metric_but_not_its_owner(client_for, plan, footprint):
    client = client_for("editor_a")
    url = reverse("plans:metric_edit", args=["ae-4-hour"])
    form = client.get(url).content.decode()
    assert "Only the programme office gives a metric to another organisation" in form
    data = {
        "name": "A&E within 4 hours",
        "definition": "Share of all attendances seen within four hours.",
        "unit": "%",
        "improvement": "increase",
        "frequency": "monthly",
        "data_source": "Test",
        "owner": footprint["trust_b"].pk,  # disabled: ignored
        "reviewer": "",
        "next_review": "2027-01-31",
    }
    assert client.post(url, data).status_code == 302
    metric = Metric.objects.get()
    assert metric.owner == footprint["trust_a"] and metric.next_review == dt.date(2027, 1, 31)
    assert metric.definition == "Share of all attendances seen within four hours."


def test_an_import_naming_a_mangled_code_says_the_nearest_code(cast, plan):
    rows = importers.parse_measurements(
        "Metric,Period,Value,Organisation\n"
        "ae-4-hours,2025-06,70,RA1\n"
        "A&E within 4 hours,2025-06,70,RA1\n",
        "m.csv",
    )
    with pytest.raises(ImportRejected) as exc:
        services.import_measurements(rows=rows, filename="m.csv", by=cast["pmo"], today=TODAY)
    text = str(exc.value)
    assert (
        "no metric has the code 'ae-4-hours' (did you mean 'ae-4-hour', A&E within 4 hours?); "
        "the Metrics page lists every code" in text
    )
    assert (
        "no metric has the code 'A&E within 4 hours': A&E within 4 hours has the code "
        "'ae-4-hour'" in text
    )


# Goals


def goal_fields(plan, footprint, **values):
    return {
        "priority": plan["priority"],
        "statement": "Nine in ten seen within four hours in Northshire",
        "metric": plan["metric"],
        "layer": "place",
        "organisation": None,
        "place": footprint["north"],
        "neighbourhood": None,
        "baseline_value": 71.0,
        "baseline_date": dt.date(2025, 4, 1),
        "target_value": 90.0,
        "target_date": dt.date(2028, 3, 1),
        "owner": footprint["council"],
        **values,
    }


def problems(plan, footprint, **values):
    with pytest.raises(ValidationError) as exc:
        services.create_goal(**goal_fields(plan, footprint, **values), by=None, today=TODAY)
    return exc.value.message_dict


@pytest.fixture
def pmo_goal(cast, plan, footprint):
    def make(**values):
        return services.create_goal(
            **goal_fields(plan, footprint, **values), by=cast["pmo"], today=TODAY
        )

    return make


def test_a_goal_whose_subject_does_not_fit_its_layer_is_refused(cast, plan, footprint):
    def refused(**values):
        with pytest.raises(ValidationError) as exc:
            services.create_goal(
                **goal_fields(plan, footprint, **values), by=cast["pmo"], today=TODAY
            )
        return exc.value.message_dict

    assert refused(layer="neighbourhood") == {
        "neighbourhood": [
            "A neighbourhood-layer goal is about a neighbourhood, not Northshire: choose the "
            "neighbourhood, or change the layer"
        ]
    }
    assert refused(layer="place", place=None, organisation=footprint["trust_a"]) == {
        "place": [
            "A place-layer goal is about a place, not Trust A Hospitals: choose the place, "
            "or change the layer"
        ]
    }
    assert refused(layer="system") == {
        "layer": [
            "A goal about Northshire is at the place layer: a system-layer goal is about the "
            "whole system or an organisation"
        ]
    }
    assert "organisation" in refused(organisation=footprint["trust_a"])
    assert Goal.objects.count() == 1


def test_a_goals_figures_and_months_are_checked_on_an_explicit_today(cast, plan, footprint):
    def refused(**values):
        with pytest.raises(ValidationError) as exc:
            services.create_goal(
                **goal_fields(plan, footprint, **values), by=cast["pmo"], today=TODAY
            )
        return exc.value.message_dict

    assert refused(target_value=71.0) == {
        "target_value": [
            "The target, 71.0%, is the baseline: A&E within 4 hours is better higher, so the "
            "target is higher than the baseline"
        ]
    }
    assert refused(target_value=60.0) == {
        "target_value": [
            "The target, 60.0%, is lower than the baseline, 71.0%: A&E within 4 hours is "
            "better higher, so the target is higher than the baseline"
        ]
    }
    assert refused(target_date=dt.date(2026, 10, 1)) == {
        "target_date": [
            "The target month, October 2026, is over on 30 November 2026: a goal's target is "
            "November 2026 or later"
        ]
    }
    assert refused(baseline_date=dt.date(2026, 11, 1)) == {
        "baseline_date": [
            "The baseline month, November 2026, is not over on 30 November 2026: the baseline "
            "is a month that is over, October 2026 or before"
        ]
    }
    assert refused(baseline_value=120.0)["baseline_value"] == [
        "120.0 is not possible for a percentage: it must be from 0 to 100"
    ]
    assert refused(statement=" ") == {"statement": ["Enter the goal in plain English"]}
    assert Goal.objects.count() == 1
    # A metric where neither direction is better may hold its baseline.
    plan["metric"].improvement = "neutral"
    plan["metric"].save()
    services.create_goal(
        **goal_fields(plan, footprint, target_value=71.0), by=cast["pmo"], today=TODAY
    )


def test_a_goal_about_a_neighbourhood_and_its_history(cast, plan, footprint, pmo_goal):
    goal = pmo_goal(layer="neighbourhood", place=None, neighbourhood=footprint["hoods"]["N1"])
    assert goal.subject_key == "hood:N1" and goal.horizon == "medium"  # 35 months
    event = AuditEvent.objects.get(action="create_goal")
    assert event.actor == cast["pmo"] and event.details == {"goal": goal.pk}
    assert event.summary == (
        "Goal added to Urgent care: Nine in ten seen within four hours in Northshire "
        "(90.0% by March 2028)"
    )
    services.change_goal(
        goal=goal,
        **goal_fields(
            plan,
            footprint,
            layer="neighbourhood",
            place=None,
            neighbourhood=footprint["hoods"]["N1"],
            target_value=85.0,
        ),
        by=cast["pmo"],
        today=TODAY,
    )
    goal.refresh_from_db()
    assert goal.target_value == 85.0
    assert AuditEvent.objects.get(action="change_goal").details["changed"] == ["the target value"]
    assert [h.target_value for h in goal.history.order_by("history_date")] == [90.0, 85.0]


def test_a_goal_past_its_target_may_be_corrected_but_not_moved_into_the_past(cast, plan):
    goal = plan["goal"]  # target March 2026: over on TODAY
    fields = {
        f: getattr(goal, f)
        for f in (
            "priority",
            "metric",
            "layer",
            "organisation",
            "place",
            "neighbourhood",
            "baseline_value",
            "baseline_date",
            "target_value",
            "target_date",
            "owner",
        )
    }
    services.change_goal(
        goal=goal,
        **fields,
        statement="Four in five seen in four hours",
        by=cast["pmo"],
        today=TODAY,
    )
    with pytest.raises(ValidationError) as exc:
        services.change_goal(
            goal=goal,
            **(fields | {"target_date": dt.date(2026, 6, 1)}),
            statement="x",
            by=cast["pmo"],
            today=TODAY,
        )
    assert list(exc.value.message_dict) == ["target_date"]
    assert Goal.objects.get().statement == "Four in five seen in four hours"


def test_the_programme_office_adds_a_goal_on_its_page(client_for, plan, footprint):
    client = client_for("pmo")
    url = reverse("plans:goal_new")
    form = client.get(url).content.decode()
    assert "A&amp;E within 4 hours (%)" in form and "Neighbourhood it is about" in form
    data = {
        "priority": plan["priority"].pk,
        "statement": "Fewer long waits in North One",
        "metric": plan["metric"].pk,
        "layer": "neighbourhood",
        "organisation": "",
        "place": footprint["north"].pk,
        "neighbourhood": "",
        "baseline_value": "70",
        "baseline_date": "2025-04",
        "target_value": "85",
        "target_date": "2027-03",
        "owner": footprint["trust_a"].pk,
    }
    refused = client.post(url, data).content.decode()
    assert "There is a problem" in refused
    assert "A neighbourhood-layer goal is about a neighbourhood, not Northshire" in refused
    assert 'href="#id_neighbourhood"' in refused
    assert Goal.objects.count() == 1
    response = client.post(url, data | {"place": "", "neighbourhood": footprint["hoods"]["N1"].pk})
    goal = Goal.objects.get(statement="Fewer long waits in North One")
    assert response.status_code == 302 and response.url == goal.get_absolute_url()
    assert goal.baseline_date == dt.date(2025, 4, 1) and goal.target_date == dt.date(2027, 3, 1)
    page = client.get(response.url).content.decode()
    assert "North One (neighbourhood layer)" in page and "Change this goal" in page
    edit = client.get(reverse("plans:goal_edit", args=[goal.pk])).content.decode()
    assert 'value="2027-03"' in edit


def test_the_plan_and_its_priorities_are_set_up_on_pages(client_for, cast, db, footprint):
    client = client_for("pmo")
    empty = client.get(reverse("plans:overview")).content.decode()
    assert "Start a plan" in empty and "/admin/" not in empty
    refused = client.post(
        reverse("plans:plan_new"),
        {"title": "Our plan", "start_year": "2026", "end_year": "2025", "summary": "s"},
    ).content.decode()
    assert "The plan ends in 2025, before it starts in 2026" in refused
    assert not Plan.objects.exists()
    client.post(
        reverse("plans:plan_new"),
        {"title": "Our plan", "start_year": "2026", "end_year": "2030", "summary": "Better care."},
    )
    plan = Plan.objects.get()
    assert plan.status == "draft" and plan.period == "2026/27–2030/31"
    client.post(
        reverse("plans:priority_new", args=[plan.pk]),
        {"title": "Urgent care", "description": "", "order": "1", "lead": ""},
    )
    priority = Priority.objects.get()
    client.post(
        reverse("plans:priority_edit", args=[priority.pk]),
        {"title": "Urgent and emergency care", "description": "", "order": "1", "lead": ""},
    )
    page = client.get(reverse("plans:plan_edit", args=[plan.pk])).content.decode()
    assert "Urgent and emergency care" in page and "Add a priority" in page
    assert set(AuditEvent.objects.values_list("action", flat=True)) == {
        "create_plan",
        "create_priority",
        "change_priority",
    }
    assert AuditEvent.objects.get(action="change_priority").summary == (
        "Priority Urgent and emergency care: changed the title"
    )


def test_the_decisions_that_serve_a_goal_are_chosen_and_each_page_shows_the_other(
    client_for, cast, plan, forums
):
    from footprint.decisions import services as decision_services

    hub = decision_services.create_proposal(
        title="Frailty hub",
        summary="A hub for frail older people.",
        options="Do nothing\nOpen the hub",
        recommended_option="Open the hub",
        decision_type=forums["investment"],
        value_pence=250_000_00,
        brought_to=forums["alliance"],
        by=cast["pmo"],
    )
    goal = plan["goal"]
    client = client_for("editor_a")  # an editor of the goal's owner
    page = client.get(goal.get_absolute_url()).content.decode()
    assert "Choose the decisions that serve it" in page and "Frailty hub (draft)" in page
    response = client.post(
        reverse("plans:goal_decisions", args=[goal.pk]), {"d-proposals": [hub.pk]}
    )
    assert response.status_code == 302
    assert list(goal.proposals.all()) == [hub]
    page = client.get(goal.get_absolute_url()).content.decode()
    serving = page[page.index('id="serving"') :]
    assert "Frailty hub" in serving[: serving.index("</ul>")]
    proposal_page = client.get(hub.get_absolute_url()).content.decode()
    assert "Four in five seen within four hours at Trust A" in proposal_page
    event = AuditEvent.objects.get(action="link_goal_decisions")
    assert event.actor == cast["editor_a"]
    assert (
        event.summary
        == "Goal Four in five seen within four hours at Trust A: served by Frailty hub"
    )
    assert goal.history.latest().history_user == cast["editor_a"]
    assert "decisions that serve it" in page  # the goal's history names the change
    client.post(reverse("plans:goal_decisions", args=[goal.pk]), {})
    assert not goal.proposals.exists()
    assert Proposal.objects.get() == hub


def test_a_metric_added_in_the_admin_site_gets_its_code_from_its_name(
    client, django_user_model, plan
):
    root = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(root, backend="django.contrib.auth.backends.ModelBackend")
    form = client.get("/admin/plans/metric/add/").content.decode()
    assert 'name="slug"' not in form
    response = client.post(
        "/admin/plans/metric/add/",
        {
            "name": "A&E within 4 hours (all types)",
            "unit": "%",
            "improvement": "increase",
            "definition": "All types.",
            "data_source": "Test",
            "frequency": "monthly",
            "owner": plan["metric"].owner_id,
            "next_review": "2027-01-01",
        },
    )
    assert response.status_code == 302
    assert Metric.objects.get(name="A&E within 4 hours (all types)").code == (
        "ae-within-4-hours-all-types"
    )


def test_a_month_that_is_not_a_month_is_refused_naming_the_field(client_for, plan, footprint):
    client = client_for("pmo")
    data = {
        "priority": plan["priority"].pk,
        "statement": "Fewer long waits",
        "metric": plan["metric"].pk,
        "layer": "place",
        "organisation": "",
        "place": footprint["north"].pk,
        "neighbourhood": "",
        "baseline_value": "70",
        "baseline_date": "2025-13",
        "target_value": "85",
        "target_date": "2027-03",
        "owner": footprint["trust_a"].pk,
    }
    refused = client.post(reverse("plans:goal_new"), data).content.decode()
    assert "Baseline month: 2025-13 is not a month; write it as 2025-04" in refused
    assert "month must be in" not in refused and Goal.objects.count() == 1
    goal = plan["goal"]
    page = client.post(
        reverse("plans:record_measurement", args=[goal.pk]),
        {"m-period": "2025-13", "m-value": "70", "m-note": ""},
    ).content.decode()
    assert "Period: 2025-13 is not a month; write it as 2025-04" in page
    assert "month must be in" not in page
    with pytest.raises(ValueError, match="2025-02-30 is not a month; write it as 2025-04"):
        importers.parse_period("2025-02-30")


def test_radio_lists_offer_no_empty_choice(client_for, plan):
    client = client_for("pmo")
    for url in (reverse("plans:metric_new"), reverse("plans:goal_new")):
        page = client.get(url).content.decode()
        assert 'type="radio"' in page and "---------" not in page, url


def test_the_owner_lists_start_blank_and_an_owner_must_be_chosen(client_for, plan):
    client = client_for("pmo")
    for url in (reverse("plans:metric_new"), reverse("plans:goal_new")):
        page = client.get(url).content.decode()
        assert re.search(r'<option value=""[^>]*>Choose the owner</option>', page), url
        refused = client.post(url, {"owner": ""}).content.decode()
        assert "Owner: choose the organisation that owns it" in refused, url
