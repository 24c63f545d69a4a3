"""Opinion groups for a consultation: the only module here that calls the engine. Turns the
approved statements and their votes (plain values, read by ``queries.opinion_inputs``) into
the engine's matrix, and what the engine finds into the values a snapshot stores
(``services.store_opinion_groups`` stores them)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from footprint.core.charts import NOT_PLACED
from footprint.engine import opinion

CHART_POINTS = 1_500  # the most participants drawn on the chart (a fixed sample)


def opinion_groups(
    statements: Sequence[tuple[int, str]],
    votes: Sequence[tuple[int, int, int]],
    *,
    seed: int = 0,
) -> dict[str, Any]:
    """The opinion groups in ``votes`` (participant, statement, value) on ``statements``
    (number and text, in order): how clear they are in plain words, each group with the
    statements that set it apart (each with its denominators), the consensus, a sample of
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
    g_found = found.groups
    sizes = found.group_sizes()
    placed = sum(sizes) if g_found.count else int(g_found.placed.sum())
    groups = []
    for g, size in enumerate(sizes if g_found.count > 1 else []):
        members = g_found.labels == g
        groups.append(
            {
                "label": opinion.group_name(g),
                "size": size,
                "share": size / placed if placed else 0.0,
                "confidence": round(float(g_found.confidence[members].mean()), 4),
                "representative": [
                    {
                        "statement": statements[r.statement][0],
                        "text": texts[r.statement],
                        "direction": r.direction,
                        "share": r.share,
                        "voters": r.voters,
                        "others": r.others_share,
                        "others_voters": r.others,
                        "q": r.q,
                        "sentence": opinion.describe(r, texts[r.statement]),
                    }
                    for r in found.representative
                    if r.group == g
                ],
            }
        )
    consensus = [
        {
            "statement": statements[c.statement][0],
            "text": texts[c.statement],
            "direction": c.direction,
            "lowest": c.lowest_share,
            "fewest": c.fewest,
            "q": c.q,
        }
        for c in found.consensus
    ]
    rng = np.random.default_rng(seed)
    shown = np.sort(rng.permutation(len(people))[:CHART_POINTS])
    coords, labels = found.projection.coords, g_found.labels

    def group_of(i: int) -> str:
        if labels[i] < 0:
            return NOT_PLACED
        return opinion.group_name(int(labels[i])) if g_found.count > 1 else "Placed"

    points = [
        {
            "x": round(float(coords[i, 0]), 3),
            "y": round(float(coords[i, 1]), 3),
            "group": group_of(int(i)),
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
                for g in range(len(groups))
            ],
            # Each group's members who voted on it: the denominator of its share agreeing.
            "group_voters": [int(counts[g, j].sum()) for g in range(len(groups))],
        }
        for j, (pk, text) in enumerate(statements)
    ]
    confident = g_found.confidence[g_found.placed]
    return {
        "participants": len(people),
        "grouped": placed,
        "votes": len(rows),
        "clarity": g_found.clarity() if placed >= 2 else "too few votes to find groups",
        "stability": round(g_found.stability, 4) if len(groups) > 1 else None,
        "confidence": round(g_found.mean_confidence, 4) if len(groups) > 1 else None,
        "confident": int((confident >= opinion.CLEAR).sum()) if len(groups) > 1 else None,
        "evidence": {str(k): v for k, v in g_found.gain.items()},
        "groups": groups,
        "consensus": consensus,
        "points": points,
        "statements": per_statement,
    }


def without_statement(snapshot: dict[str, Any], statement: int) -> dict[str, Any]:
    """What a stored snapshot says without one statement (hidden after it was found): its
    row, its place among a group's representative statements and in the consensus go."""
    return {
        "groups": [
            g | {"representative": [r for r in g["representative"] if r["statement"] != statement]}
            for g in snapshot["groups"]
        ],
        "consensus": [c for c in snapshot["consensus"] if c["statement"] != statement],
        "statements": [s for s in snapshot["statements"] if s["statement"] != statement],
    }
