"""Opinion groups from a consultation's votes, in the manner of Pol.is.

Participants agree (+1), disagree (−1) or pass (0) on short statements; most cells of the
participants × statements matrix are empty. The steps:

1. **Projection.** Each statement's mean vote over those who voted on it fills the empty cells,
   so after centring by those means an empty cell is exactly 0 and the matrix stays sparse
   (SciPy). The first two principal components come from the statements' covariance (a small
   dense matrix),
   and each participant's position is scaled up by √(statements / their votes), so people who
   voted on little are not all pulled to the middle.
2. **Groups.** Participants with enough votes are grouped in two stages: k-means into up to 100
   small base clusters, then weighted k-means of those clusters into 2 to 5 groups, the number
   chosen by the best silhouette. Every k-means is seeded, so the same votes give the same groups.
3. **What divides and unites.** For each group, the statements it agrees (or disagrees) with
   far more than everyone else does, with a two-proportion z-test; and the statements every
   group agrees (or disagrees) with: the consensus.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

AGREE, PASS, DISAGREE = 1, 0, -1
MIN_VOTES = 7  # fewer votes (or fewer than every statement, if fewer): placed, not grouped
BASE_CLUSTERS = 100
Direction = Literal["agree", "disagree"]


@dataclass(frozen=True)
class Votes:
    """A vote matrix given by its filled cells: ``participant[i]`` voted ``value[i]`` on
    ``statement[i]``; indices count from 0 up to ``participants`` and ``statements``."""

    participants: int
    statements: int
    participant: NDArray[np.int64]
    statement: NDArray[np.int64]
    value: NDArray[np.int8]

    def __post_init__(self) -> None:
        n = len(self.value)
        if len(self.participant) != n or len(self.statement) != n:
            raise ValueError("participant, statement and value must be the same length")
        if n and (
            self.participant.min() < 0
            or self.participant.max() >= self.participants
            or self.statement.min() < 0
            or self.statement.max() >= self.statements
        ):
            raise ValueError("a vote refers to a participant or statement out of range")
        if n and not np.isin(self.value, (AGREE, PASS, DISAGREE)).all():
            raise ValueError("votes are 1 (agree), 0 (pass) or -1 (disagree)")

    @classmethod
    def from_triples(
        cls, participants: int, statements: int, triples: list[tuple[int, int, int]]
    ) -> Votes:
        array = np.asarray(triples, dtype=np.int64).reshape(-1, 3)
        return cls(participants, statements, array[:, 0], array[:, 1], array[:, 2].astype(np.int8))

    def votes_per_participant(self) -> NDArray[np.int64]:
        return np.bincount(self.participant, minlength=self.participants)


@dataclass(frozen=True)
class Projection:
    coords: NDArray[np.float64]  # participants × 2
    explained: tuple[float, float]  # share of variance on each component
    loadings: NDArray[np.float64]  # statements × 2


def project(votes: Votes) -> Projection:
    """Each participant's place on the first two principal components, coping with missing
    votes (see the module's docstring)."""
    n, s = votes.participants, votes.statements
    counts = np.bincount(votes.statement, minlength=s).astype(np.float64)
    sums = np.bincount(votes.statement, weights=votes.value.astype(np.float64), minlength=s)
    means = np.divide(sums, counts, out=np.zeros(s), where=counts > 0)
    centred = votes.value - means[votes.statement]
    x = sparse.csr_matrix((centred, (votes.participant, votes.statement)), shape=(n, s))
    cov = (x.T @ x).toarray() / max(n - 1, 1)
    eigenvalues, eigenvectors = np.linalg.eigh(cov)
    order = np.argsort(eigenvalues)[::-1][:2]
    loadings = np.zeros((s, 2))
    loadings[:, : len(order)] = eigenvectors[:, order]
    # A stable sign: each component points towards its largest loading.
    for c in range(2):
        if loadings[np.argmax(np.abs(loadings[:, c])), c] < 0:
            loadings[:, c] *= -1
    coords = np.asarray(x @ loadings)
    voted = votes.votes_per_participant()
    scale = np.sqrt(np.divide(s, voted, out=np.zeros(n), where=voted > 0))
    coords *= scale[:, None]
    total = float(eigenvalues.clip(min=0).sum())
    top = [float(eigenvalues[i]) for i in order] + [0.0, 0.0]
    explained = (top[0] / total, top[1] / total) if total > 0 else (0.0, 0.0)
    return Projection(coords, explained, loadings)


def kmeans(
    points: NDArray[np.float64],
    k: int,
    weights: NDArray[np.float64] | None = None,
    *,
    seed: int = 0,
    restarts: int = 4,
    iterations: int = 50,
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Weighted k-means (Lloyd's, k-means++ starts); the best of ``restarts`` by weighted
    inertia. Returns each point's cluster and the centres."""
    w = np.ones(len(points)) if weights is None else weights
    k = min(k, len(points))
    rng = np.random.default_rng(seed)
    best: tuple[float, NDArray[np.int64], NDArray[np.float64]] | None = None
    squares = (points**2).sum(axis=1)
    for _ in range(restarts):
        centres = _plus_plus(points, k, w, rng)
        labels = np.full(len(points), -1, dtype=np.int64)
        for _ in range(iterations):
            d = squares[:, None] - 2 * points @ centres.T + (centres**2).sum(axis=1)[None, :]
            new = d.argmin(axis=1)
            if np.array_equal(new, labels):
                break
            labels = new
            mass = np.bincount(labels, weights=w, minlength=k)
            filled = mass > 0
            for dim in range(points.shape[1]):
                totals = np.bincount(labels, weights=w * points[:, dim], minlength=k)
                centres[filled, dim] = totals[filled] / mass[filled]
        inertia = float((w * ((points - centres[labels]) ** 2).sum(axis=1)).sum())
        if best is None or inertia < best[0]:
            best = (inertia, labels.copy(), centres.copy())
    assert best is not None
    return best[1], best[2]


def _plus_plus(
    points: NDArray[np.float64], k: int, w: NDArray[np.float64], rng: np.random.Generator
) -> NDArray[np.float64]:
    centres = [points[rng.choice(len(points), p=w / w.sum())]]
    nearest = ((points - centres[0]) ** 2).sum(axis=1)
    for _ in range(1, k):
        d = nearest * w
        pick = rng.choice(len(points), p=d / d.sum()) if d.sum() > 0 else rng.integers(len(points))
        centres.append(points[pick])
        nearest = np.minimum(nearest, ((points - points[pick]) ** 2).sum(axis=1))
    return np.array(centres, dtype=np.float64)


def silhouette(
    points: NDArray[np.float64], labels: NDArray[np.int64], weights: NDArray[np.float64]
) -> float:
    """The weighted mean silhouette: how much nearer each point is to its own group than to
    the next nearest (1 is perfectly apart, 0 overlapping)."""
    groups = np.unique(labels)
    if len(groups) < 2:
        return 0.0
    d = np.sqrt(((points[:, None, :] - points[None, :, :]) ** 2).sum(axis=2))
    mean_to = np.stack(
        [
            (d[:, labels == g] * weights[labels == g]).sum(axis=1) / weights[labels == g].sum()
            for g in groups
        ],
        axis=1,
    )
    own = np.searchsorted(groups, labels)
    sizes = np.array([weights[labels == g].sum() for g in groups])
    # Within one's own group, leave oneself out.
    w_own = sizes[own]
    a = np.where(
        w_own > weights,
        mean_to[np.arange(len(points)), own] * w_own / np.maximum(w_own - weights, 1e-12),
        0.0,
    )
    other = mean_to.copy()
    other[np.arange(len(points)), own] = np.inf
    b = other.min(axis=1)
    s = np.where(np.maximum(a, b) > 0, (b - a) / np.maximum(a, b), 0.0)
    return float((s * weights).sum() / weights.sum())


@dataclass(frozen=True)
class Groups:
    labels: NDArray[np.int64]  # each participant's group, or −1 if not grouped
    count: int
    silhouette: float


def find_groups(
    coords: NDArray[np.float64],
    votes_each: NDArray[np.int64],
    *,
    max_groups: int = 5,
    min_votes: int = MIN_VOTES,
    seed: int = 0,
) -> Groups:
    """Group the participants with at least ``min_votes`` votes into 2 to ``max_groups``
    groups, the number with the best silhouette (see the module's docstring)."""
    labels = np.full(len(coords), -1, dtype=np.int64)
    grouped = np.flatnonzero(votes_each >= min_votes)
    if len(grouped) < 2:
        labels[grouped] = 0
        return Groups(labels, 1 if len(grouped) else 0, 0.0)
    points = coords[grouped]
    base, centres = kmeans(points, BASE_CLUSTERS, seed=seed, restarts=1, iterations=20)
    sizes = np.bincount(base, minlength=len(centres)).astype(np.float64)
    used = sizes > 0
    centres, sizes = centres[used], sizes[used]
    remap = np.cumsum(used) - 1
    base = remap[base]
    best: tuple[float, NDArray[np.int64]] | None = None
    for k in range(2, min(max_groups, len(centres)) + 1):
        top, _ = kmeans(centres, k, sizes, seed=seed + k)
        score = silhouette(centres, top, sizes)
        if best is None or score > best[0] + 1e-9:
            best = (score, top)
    if best is None:
        labels[grouped] = 0
        return Groups(labels, 1, 0.0)
    score, top = best
    # Number the groups by size, largest first (group A is the largest).
    order = np.argsort(-np.bincount(top[base], minlength=top.max() + 1), kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    labels[grouped] = rank[top[base]]
    return Groups(labels, int(top.max()) + 1, score)


@dataclass(frozen=True)
class Tally:
    """Votes on one statement within a set of participants."""

    agree: int
    disagree: int
    passed: int

    @property
    def voted(self) -> int:
        return self.agree + self.disagree + self.passed

    @property
    def agree_share(self) -> float:
        return self.agree / self.voted if self.voted else 0.0

    @property
    def disagree_share(self) -> float:
        return self.disagree / self.voted if self.voted else 0.0


def tallies(votes: Votes, labels: NDArray[np.int64], groups: int) -> NDArray[np.int64]:
    """Counts of agree, disagree and pass for each group (rows; the last row is everyone,
    grouped or not) and statement: an array groups+1 × statements × 3."""
    out = np.zeros((groups + 1, votes.statements, 3), dtype=np.int64)
    kind = np.where(votes.value == AGREE, 0, np.where(votes.value == DISAGREE, 1, 2))
    g = labels[votes.participant]
    mine = g >= 0
    np.add.at(out, (g[mine], votes.statement[mine], kind[mine]), 1)
    np.add.at(out, (np.full(len(kind), groups), votes.statement, kind), 1)
    return out


@dataclass(frozen=True)
class Representative:
    group: int
    statement: int
    direction: Direction
    share: float  # of the group's voters on it who agree (or disagree)
    others_share: float  # the same among everyone outside the group
    z: float


def _z(p1: float, n1: int, p2: float, n2: int) -> float:
    p = (p1 * n1 + p2 * n2) / (n1 + n2)
    se = math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2)) if 0 < p < 1 else 0.0
    return (p1 - p2) / se if se > 0 else 0.0


def representative(
    counts: NDArray[np.int64], *, per_group: int = 5, min_voters: int = 5, z_min: float = 1.96
) -> list[Representative]:
    """For each group, up to ``per_group`` statements it agrees (or disagrees) with much more
    than everyone outside it: most voters in the group on that side, significantly more than
    outside (two-proportion z-test at ``z_min``), ranked by how many times more likely."""
    groups = counts.shape[0] - 1
    total = counts[groups]
    out: list[Representative] = []
    for g in range(groups):
        found = []
        for j in range(counts.shape[1]):
            inside = counts[g, j]
            outside = total[j] - inside
            n_in, n_out = int(inside.sum()), int(outside.sum())
            if n_in < min_voters or n_out < min_voters:
                continue
            sides: tuple[tuple[int, Direction], ...] = ((0, "agree"), (1, "disagree"))
            for side, direction in sides:
                p_in = (inside[side] + 1) / (n_in + 2)
                p_out = (outside[side] + 1) / (n_out + 2)
                z = _z(inside[side] / n_in, n_in, outside[side] / n_out, n_out)
                if inside[side] / n_in > 0.5 and z >= z_min:
                    found.append(
                        (
                            p_in / p_out,
                            Representative(
                                g, j, direction, inside[side] / n_in, outside[side] / n_out, z
                            ),
                        )
                    )
        found.sort(key=lambda f: (-f[0], f[1].statement))
        out += [r for _, r in found[:per_group]]
    return out


@dataclass(frozen=True)
class Consensus:
    statement: int
    direction: Direction
    lowest_share: float  # the least any group agrees (or disagrees)


def consensus(
    counts: NDArray[np.int64], *, threshold: float = 0.6, min_voters: int = 5
) -> list[Consensus]:
    """Statements every group agrees (or disagrees) with: in each group at least
    ``threshold`` of its voters on the statement, and at least ``min_voters`` voting."""
    groups = counts.shape[0] - 1
    out = []
    for j in range(counts.shape[1]):
        per = counts[:groups, j]
        voted = per.sum(axis=1)
        if groups == 0 or (voted < min_voters).any():
            continue
        sides: tuple[tuple[int, Direction], ...] = ((0, "agree"), (1, "disagree"))
        for side, direction in sides:
            lowest = float((per[:, side] / voted).min())
            if lowest >= threshold:
                out.append(Consensus(j, direction, lowest))
    out.sort(key=lambda c: (-c.lowest_share, c.statement))
    return out


@dataclass(frozen=True)
class OpinionMap:
    projection: Projection
    groups: Groups
    counts: NDArray[np.int64]
    representative: list[Representative]
    consensus: list[Consensus]

    def group_sizes(self) -> list[int]:
        return [int((self.groups.labels == g).sum()) for g in range(self.groups.count)]


def opinion_map(votes: Votes, *, max_groups: int = 5, seed: int = 0) -> OpinionMap:
    """Project, group, and find what divides and unites the groups."""
    projection = project(votes)
    groups = find_groups(
        projection.coords,
        votes.votes_per_participant(),
        max_groups=max_groups,
        min_votes=min(MIN_VOTES, votes.statements),
        seed=seed,
    )
    counts = tallies(votes, groups.labels, groups.count)
    return OpinionMap(projection, groups, counts, representative(counts), consensus(counts))


def group_name(index: int) -> str:
    """0 → "Group A"."""
    return f"Group {chr(ord('A') + index)}"


def describe(rep: Representative, statement: str, share_of_participants: float) -> str:
    """A plain sentence: 'Group A, 38% of participants, agrees strongly that …'."""
    strength = "strongly " if rep.share >= 0.8 else ""
    verb = "agrees" if rep.direction == "agree" else "disagrees"
    return (
        f"{group_name(rep.group)}, {share_of_participants:.0%} of participants, {verb} "
        f"{strength}with “{statement}” ({rep.share:.0%} of them, against {rep.others_share:.0%} "
        "of everyone else)."
    )
