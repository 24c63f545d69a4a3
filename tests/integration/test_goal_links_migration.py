"""The migration that turned a proposal's free-text "goals it serves" into chosen goals: a line
that names a goal (its statement, in any case) becomes a link; any other line is kept in the
proposal's summary, so nothing written is lost."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from footprint.partnership.models import Organisation

BEFORE = [
    ("decisions", "0003_deferred_outcome_and_field_names"),
    ("plans", "0002_plan_publication"),
]
AFTER = [("decisions", "0004_goals_chosen_deputies_and_minutes")]


@pytest.fixture
def back_to_the_latest():
    """Whatever happens, the database ends fully migrated for the tests after."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_goal_lines_become_chosen_goals_and_the_rest_is_kept(back_to_the_latest):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    # Partnership's migrations stay applied: its table is the current model's.
    org = Organisation.objects.create(ods_code="RA1", name="Trust A", kind="acute_trust")
    plan = old.get_model("plans", "Plan").objects.create(
        title="Plan", start_year=2025, end_year=2029, summary="s"
    )
    priority = old.get_model("plans", "Priority").objects.create(plan=plan, title="Urgent care")
    metric = old.get_model("plans", "Metric").objects.create(
        name="A&E",
        slug="ae",
        unit="%",
        improvement="increase",
        definition="d",
        data_source="s",
        owner_id=org.pk,
        next_review=dt.date(2027, 1, 1),
    )
    goal = old.get_model("plans", "Goal").objects.create(
        priority=priority,
        statement="Four in five seen within four hours",
        metric=metric,
        baseline_value=70,
        baseline_date=dt.date(2025, 4, 1),
        target_value=80,
        target_date=dt.date(2027, 3, 1),
        horizon="medium",
        owner_id=org.pk,
        subject_key="system",
    )
    forum = old.get_model("decisions", "Forum").objects.create(
        name="Board", slug="board", layer="system", terms_of_reference="t", quorum_count=1
    )
    kind = old.get_model("decisions", "DecisionType").objects.create(name="Investment", slug="i")
    proposal = old.get_model("decisions", "Proposal").objects.create(
        title="Hub",
        summary="A hub.",
        options="a\nb",
        recommended_option="a",
        decision_type=kind,
        brought_to=forum,
        goal_links="four in five seen within four hours\n\nFewer falls\n",
    )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    moved = new.get_model("decisions", "Proposal").objects.get(pk=proposal.pk)
    assert list(new.get_model("plans", "Goal").objects.get(pk=goal.pk).proposals.all()) == [moved]
    assert moved.summary == "A hub.\n\nGoals it serves (as first written): Fewer falls"
