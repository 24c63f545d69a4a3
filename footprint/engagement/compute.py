"""Opinion groups for a consultation: the only module here that calls the engine. Turns the
approved statements and their votes (plain values, read by ``queries.opinion_inputs``) into
the engine's matrix, and what the engine finds into the values a snapshot stores
(``services.store_opinion_groups`` stores them)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from footprint.engine import opinion

CHART_POINTS = 1_500  # the most participants drawn on the chart (a fixed sample)


def opinion_groups(
    statements: Sequence[tuple[int, str]],
    votes: Sequence[tuple[int, int, int]],
    *,
    seed: int = 0,
) -> dict[str, Any]:
    """The opinion groups in ``votes`` (participant, statement, value) on ``statements``
    (number and text, in order): each group with plain sentences, the consensus, a sample of
    points for the chart and every statement's votes overall and by group, as the fields of
    an ``OpinionSnapshot`` (all but when and how long)."""
    index = {pk: i for i, (pk, _) in enumerate(statements)}
    texts = [text for _, text in statements]
    rows = np.array(list(votes), dtype=np.int64).reshape(-1, 3)
    people, participant = np.unique(rows[:, 0], return_inverse=True)
    matrix = opinion.Votes(
        len(people),
        len(statements),
        participant.astype(np.int64),
        np.array([index[s] for s in rows[:, 1]], dtype=np.int64),
        rows[:, 2].astype(np.int8),
    )
    found = opinion.opinion_map(matrix, seed=seed)
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
                        "statement": statements[r.statement][0],
                        "text": texts[r.statement],
                        "direction": r.direction,
                        "share": r.share,
                        "others": r.others_share,
                    }
                    for r in reps
                ],
                "sentences": [opinion.describe(r, texts[r.statement], share) for r in reps[:3]],
            }
        )
    consensus = [
        {
            "statement": statements[c.statement][0],
            "text": texts[c.statement],
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
            "statement": pk,
            "text": text,
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
        for j, (pk, text) in enumerate(statements)
    ]
    return {
        "participants": len(people),
        "grouped": grouped,
        "votes": len(rows),
        "groups": groups,
        "consensus": consensus,
        "points": points,
        "statements": per_statement,
    }
