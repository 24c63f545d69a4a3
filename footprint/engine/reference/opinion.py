"""The opinion-groups model written plainly, one participant and one vote at a time: the
reference the fast kernel in ``engine/opinion.py`` is tested against."""

from __future__ import annotations

import math

from footprint.engine.opinion import AGREE, DISAGREE, PRIOR

KIND = {AGREE: 0, DISAGREE: 1, 0: 2}  # agree, disagree, pass


def overall(statements: int, votes: list[tuple[int, int, int]]) -> list[tuple[float, float, float]]:
    """Each statement's shares of agree, disagree and pass among everyone who voted on it
    (with a thousandth of a vote of each, so none is zero)."""
    counts = [[1e-3, 1e-3, 1e-3] for _ in range(statements)]
    for _, j, v in votes:
        counts[j][KIND[v]] += 1
    return [(a / (a + d + p), d / (a + d + p), p / (a + d + p)) for a, d, p in counts]


def log_joint(
    participants: int,
    votes: list[tuple[int, int, int]],
    weights: list[float],
    theta: list[list[tuple[float, float, float]]],
) -> list[list[float]]:
    """log P(group c) + Σ over the participant's votes of log P(that vote | group c)."""
    out = [[math.log(w) for w in weights] for _ in range(participants)]
    for i, j, v in votes:
        for c in range(len(weights)):
            out[i][c] += math.log(theta[c][j][KIND[v]])
    return out


def posterior(joint: list[list[float]]) -> list[list[float]]:
    out = []
    for row in joint:
        top = max(row)
        e = [math.exp(r - top) for r in row]
        out.append([x / sum(e) for x in e])
    return out


def m_step(
    statements: int,
    votes: list[tuple[int, int, int]],
    responsibilities: list[list[float]],
    shares: list[tuple[float, float, float]],
) -> tuple[list[float], list[list[tuple[float, float, float]]]]:
    """Each group's share of the participants, and its probabilities of agree, disagree and
    pass on each statement: its members' votes (weighted by how likely each is a member)
    plus ``PRIOR`` votes split as the statement's overall shares."""
    k = len(responsibilities[0])
    counts = [[[PRIOR * s for s in shares[j]] for j in range(statements)] for _ in range(k)]
    for i, j, v in votes:
        for c in range(k):
            counts[c][j][KIND[v]] += responsibilities[i][c]
    theta = [
        [(a / (a + d + p), d / (a + d + p), p / (a + d + p)) for a, d, p in counts[c]]
        for c in range(k)
    ]
    mass = [sum(r[c] for r in responsibilities) for c in range(k)]
    return [m / sum(mass) for m in mass], theta
