"""Votes queue at most one recompute of a consultation's opinion groups at a time (probe E3):
while one asked for is waiting (the worker slow or stopped), further votes queue none, and a
recompute that finds groups already found since it was asked for does nothing."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from footprint.engagement import services, tasks
from footprint.engagement.models import Consultation, OpinionSnapshot, RecomputeRequest

PUBLIC = AnonymousUser()
# The queue a worker runs, as in production (FOOTPRINT_TASKS=database), with no worker.
QUEUED = override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
TASK = "footprint.engagement.tasks.recompute_opinions"


@pytest.fixture
def consultation(cast):
    today = timezone.localdate()
    c = Consultation.objects.create(
        title="Community beds",
        slug="community-beds",
        summary="Where should the beds be?",
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=30),
        retention_until=today + dt.timedelta(days=90),
    )
    for text in ("Keep the beds in the Dales.", "Move the beds to the town."):
        services.add_partnership_statement(consultation=c, text=text, by=cast["pmo"])
    return c


def vote(c, person, commits):
    """A vote as the vote page makes it: the vote, then the request to recompute."""
    with commits(execute=True):
        for s in c.statements.all():
            services.vote(consultation=c, key=person, statement=s, value=1, by=PUBLIC)
        tasks.request_recompute(c)


def queued(c):
    return list(DBTaskResult.objects.filter(task_path=TASK, status="READY").order_by("enqueued_at"))


def test_ten_votes_with_the_worker_stopped_queue_one_recompute(
    consultation, django_capture_on_commit_callbacks
):
    c = consultation
    with QUEUED:
        for i in range(10):
            vote(c, f"person-{i}", django_capture_on_commit_callbacks)
        jobs = queued(c)
        assert len(jobs) == 1
        assert jobs[0].args_kwargs["args"][:2] == [c.pk, None]
        request = RecomputeRequest.objects.get(consultation=c)
        assert jobs[0].args_kwargs["args"][2] == request.requested_at.isoformat()
        # The worker comes back and runs it: the groups are found from all ten, and the
        # request is forgotten, so the next vote (30 s on) asks afresh.
        tasks.recompute_opinions.call(*jobs[0].args_kwargs["args"])
        snapshot = OpinionSnapshot.objects.get(consultation=c)
        assert snapshot.participants == 10 and snapshot.votes == 20
        assert not RecomputeRequest.objects.filter(consultation=c).exists()
        OpinionSnapshot.objects.filter(pk=snapshot.pk).update(
            computed_at=timezone.now() - dt.timedelta(seconds=31)
        )
        vote(c, "person-10", django_capture_on_commit_callbacks)
        assert len(queued(c)) == 2


def test_a_recompute_asked_for_before_groups_were_found_does_nothing(consultation, cast):
    c = consultation
    for i in range(8):
        for s in c.statements.all():
            services.vote(consultation=c, key=f"p{i}", statement=s, value=1, by=PUBLIC)
    asked = timezone.now()
    # The programme office's Recompute (or an earlier job of a backlog) ran since.
    services.store_opinion_groups(consultation=c, by=cast["pmo"])
    RecomputeRequest.objects.create(consultation=c, requested_at=asked)
    tasks.recompute_opinions.call(c.pk, None, asked.isoformat())
    assert OpinionSnapshot.objects.filter(consultation=c).count() == 1
    assert not RecomputeRequest.objects.filter(consultation=c).exists()
    # Asked for after those groups began to be found: it finds them afresh.
    later = timezone.now()
    tasks.recompute_opinions.call(c.pk, None, later.isoformat())
    assert OpinionSnapshot.objects.filter(consultation=c).count() == 2
    # The programme office's own Recompute always runs.
    tasks.recompute_opinions.call(c.pk, cast["pmo"].pk)
    assert OpinionSnapshot.objects.filter(consultation=c).count() == 3


def test_a_request_waiting_ten_minutes_is_taken_as_lost_and_made_again(
    consultation, django_capture_on_commit_callbacks
):
    """Were its job lost (the queue cleared), recomputing would otherwise stop for good."""
    c = consultation
    with QUEUED:
        vote(c, "a", django_capture_on_commit_callbacks)
        vote(c, "b", django_capture_on_commit_callbacks)
        assert len(queued(c)) == 1
        RecomputeRequest.objects.filter(consultation=c).update(
            requested_at=timezone.now() - dt.timedelta(minutes=11)
        )
        vote(c, "c", django_capture_on_commit_callbacks)
        vote(c, "d", django_capture_on_commit_callbacks)
        jobs = queued(c)
        assert len(jobs) == 2
        # The worker back, the first finds the groups, leaving the request made again; the
        # second, asked for before those groups were begun, only forgets it.
        tasks.recompute_opinions.call(*jobs[0].args_kwargs["args"])
        assert RecomputeRequest.objects.filter(consultation=c).exists()
        tasks.recompute_opinions.call(*jobs[1].args_kwargs["args"])
        assert not RecomputeRequest.objects.filter(consultation=c).exists()
        assert OpinionSnapshot.objects.filter(consultation=c).count() == 1
