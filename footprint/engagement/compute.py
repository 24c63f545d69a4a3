"""Opinion groups for a consultation: the only module here that calls the engine. Turns the
stored votes into the engine's matrix and stores what it finds as a snapshot."""

from __future__ import annotations

import time

import numpy as np

from footprint.engagement.models import Consultation, Moderation, OpinionSnapshot, Statement, Vote
from footprint.engine import opinion

CHART_POINTS = 1_500  # the most participants drawn on the chart (a fixed sample)


def compute_opinions(consultation: Consultation, *, seed: int = 0) -> OpinionSnapshot:
    """Find the opinion groups in the consultation's votes on approved statements, and store
    them with plain sentences, the consensus and a sample of points for the chart."""
    started = time.perf_counter()
    statements = list(
        Statement.objects.filter(consultation=consultation, status=Moderation.APPROVED).order_by(
            "pk"
        )
    )
    index = {s.pk: i for i, s in enumerate(statements)}
    rows = np.array(
        list(
            Vote.objects.filter(statement__in=index).values_list(
                "participant_id", "statement_id", "value"
            )
        ),
        dtype=np.int64,
    ).reshape(-1, 3)
    people, participant = np.unique(rows[:, 0], return_inverse=True)
    votes = opinion.Votes(
        len(people),
        len(statements),
        participant.astype(np.int64),
        np.array([index[s] for s in rows[:, 1]], dtype=np.int64),
        rows[:, 2].astype(np.int8),
    )
    found = opinion.opinion_map(votes, seed=seed)
    sizes = found.group_sizes()
    grouped = sum(sizes)
    groups = []
    for g, size in enumerate(sizes):
        share = size / grouped if grouped else 0.0
        reps = [r for r in found.representative if r.group == g]
        groups.append(
            {
                "label": opinion.group_name(g),
                "size": size,
                "share": share,
                "representative": [
                    {
                        "statement": statements[r.statement].pk,
                        "text": statements[r.statement].text,
                        "direction": r.direction,
                        "share": r.share,
                        "others": r.others_share,
                    }
                    for r in reps
                ],
                "sentences": [
                    opinion.describe(r, statements[r.statement].text, share) for r in reps[:3]
                ],
            }
        )
    consensus = [
        {
            "statement": statements[c.statement].pk,
            "text": statements[c.statement].text,
            "direction": c.direction,
            "lowest": c.lowest_share,
        }
        for c in found.consensus
    ]
    rng = np.random.default_rng(seed)
    shown = np.sort(rng.permutation(len(people))[:CHART_POINTS])
    coords, labels = found.projection.coords, found.groups.labels
    points = [
        {
            "x": round(float(coords[i, 0]), 3),
            "y": round(float(coords[i, 1]), 3),
            "group": opinion.group_name(int(labels[i])) if labels[i] >= 0 else "Not grouped",
        }
        for i in shown
    ]
    counts = found.counts
    per_statement = [
        {
            "statement": s.pk,
            "text": s.text,
            "agree": int(counts[-1, j, 0]),
            "disagree": int(counts[-1, j, 1]),
            "pass": int(counts[-1, j, 2]),
            "groups": [
                round(float(counts[g, j, 0] / counts[g, j].sum()), 4)
                if counts[g, j].sum()
                else None
                for g in range(found.groups.count)
            ],
        }
        for j, s in enumerate(statements)
    ]
    return OpinionSnapshot.objects.create(
        consultation=consultation,
        participants=len(people),
        grouped=grouped,
        votes=len(rows),
        groups=groups,
        consensus=consensus,
        points=points,
        statements=per_statement,
        seconds=time.perf_counter() - started,
    )
