"""Votes with planted opinion groups, harder than a real consultation's easy case: for the
tests and ``make bench`` to check the opinion-groups engine against a known answer.

Groups of unequal sizes (70/20/10 for three) differ on only a small share of statements;
on the others every group agrees with the same probability. Participation is sparse and
follows a power law (many vote on a handful of statements, a few on hundreds), statements are
more or less popular (Zipf), and a fifth of votes are passes. With one group there is no
structure at all: random votes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from footprint.engine import opinion

SIZES = {
    1: (1.0,),
    2: (0.7, 0.3),
    3: (0.7, 0.2, 0.1),
    4: (0.6, 0.2, 0.1, 0.1),
    5: (0.5, 0.2, 0.1, 0.1, 0.1),
}
HIGH, LOW = 0.85, 0.15  # the agree probability of the two sides of a dividing statement


@dataclass(frozen=True)
class Planted:
    votes: opinion.Votes
    truth: NDArray[np.int64]  # each participant's planted group
    agree: NDArray[np.float64]  # groups × statements: P(agree | not a pass)
    passes: float
    sizes: tuple[float, ...]
    dividing: NDArray[np.bool_]  # statements on which the groups differ

    def planted_side(self, group: int, statement: int) -> str | None:
        """The side a planted group takes on a dividing statement, or None if it does not
        divide the groups."""
        if not self.dividing[statement]:
            return None
        return "agree" if self.agree[group, statement] > 0.5 else "disagree"

    def best_labels(self) -> NDArray[np.int64]:
        """Each participant's most likely planted group, knowing the planted probabilities:
        the best any method could do with these votes."""
        v = self.votes
        p_agree = (1 - self.passes) * self.agree
        p_disagree = (1 - self.passes) * (1 - self.agree)
        log = np.stack([np.log(p_agree), np.log(p_disagree), np.full_like(p_agree, 0.0)], axis=2)
        log[:, :, 2] = np.log(self.passes) if self.passes > 0 else 0.0
        kind = v.kind()
        joint = np.zeros((v.participants, len(self.sizes)))
        np.add.at(joint, v.participant, log[:, v.statement, kind].T)
        joint += np.log(np.array(self.sizes))[None, :]
        return np.asarray(joint.argmax(axis=1), dtype=np.int64)


def _participation(
    n: int, s: int, density: float, rng: np.random.Generator, exponent: float = 1.2
) -> NDArray[np.int64]:
    """Votes each participant casts: a Pareto power law, scaled so the mean is density × s,
    from 1 up to every statement."""
    raw = rng.pareto(exponent, size=n) + 1.0
    target = density * s
    low, high = 0.01, float(s)
    for _ in range(50):
        mid = (low + high) / 2
        if np.minimum(np.ceil(mid * raw), s).mean() < target:
            low = mid
        else:
            high = mid
    return np.minimum(np.ceil(high * raw), s).astype(np.int64)


def planted(
    n: int,
    s: int,
    *,
    groups: int = 3,
    density: float = 0.1,
    dividing: float = 0.1,
    passes: float = 0.2,
    sizes: tuple[float, ...] | None = None,
    seed: int = 0,
) -> Planted:
    """``n`` participants × ``s`` statements with about ``density`` of the cells voted, in
    ``groups`` planted groups (1: no structure) that differ on ``dividing`` of the statements
    (on each, some groups agree at 85 % and the rest at 15 %); elsewhere every group agrees
    with the same probability, between 25 % and 75 %."""
    rng = np.random.default_rng(seed)
    sizes = sizes or SIZES[groups]
    truth = rng.choice(groups, size=n, p=np.array(sizes) / sum(sizes))
    truth = np.sort(truth)  # participants ordered by group: easier to read, no effect
    agree = np.repeat(rng.uniform(0.25, 0.75, size=(1, s)), groups, axis=0)
    divides = np.zeros(s, dtype=bool)
    if groups > 1:
        chosen = rng.choice(s, size=max(1, round(dividing * s)), replace=False)
        divides[chosen] = True
        for j in chosen:
            high = rng.random(groups) < 0.5
            while high.all() or not high.any():
                high = rng.random(groups) < 0.5
            agree[:, j] = np.where(high, HIGH, LOW)
    each = _participation(n, s, density, rng)
    popularity = 1.0 / np.arange(1, s + 1) ** 0.8
    popularity = popularity[rng.permutation(s)]
    popularity /= popularity.sum()
    # Each participant's statements, drawn by popularity without repeats: draw three times
    # as many with repeats, and keep the first of each in the order drawn.
    drawn = np.repeat(np.arange(n), 3 * each)
    key = drawn * s + rng.choice(s, size=len(drawn), p=popularity)
    unique, first = np.unique(key, return_index=True)
    unique = unique[np.argsort(first, kind="stable")]
    participant = unique // s
    starts = np.searchsorted(participant, np.arange(n))
    keep = np.arange(len(unique)) - starts[participant] < each[participant]
    cells = np.sort(unique[keep])
    participant, statement = cells // s, cells % s
    u = rng.random(len(cells))
    p = agree[truth[participant], statement]
    value = np.where(
        u < passes,
        opinion.PASS,
        np.where(rng.random(len(cells)) < p, opinion.AGREE, opinion.DISAGREE),
    ).astype(np.int8)
    votes = opinion.Votes(n, s, participant.astype(np.int64), statement.astype(np.int64), value)
    return Planted(votes, truth.astype(np.int64), agree, passes, tuple(sizes), divides)
