"""Opinion groups from a consultation's votes: a latent-class model, not clusters on a map.

Participants agree, disagree or pass on short statements; most cells of the participants ×
statements matrix are empty. Pol.is fills the empty cells with each statement's mean, takes
two principal components and clusters the map. That merges four or five groups into three,
lets a much-voted statement take over the map, and always finds at least two groups. Here:

1. **Model.** Each participant belongs to one of k groups; in group c, a vote on statement j is
   agree, disagree or pass with probabilities θ[c, j]; votes are independent given the group,
   and an empty cell is simply not observed (missing at random), so nothing is filled in and a
   popular statement counts once per vote like any other: no statement weighs more than its
   votes. θ is shrunk towards the statement's overall shares by ``PRIOR`` pseudo-votes, so a
   statement few voted on cannot make a group. Fitted by EM (sped up by SQUAREM) on a sparse
   one-hot matrix (SciPy): the E-step is one sparse product, the M-step another. Starts: random
   participants, and k-means on the first principal components of the votes with each
   statement weighted by 1/√(its voters); many are scored, the best few run on.
2. **How many groups, from one.** A fifth of each participant's votes is hidden; k = 1, 2, …
   up to 8 groups are fitted to the rest, and one more group is accepted only if it predicts
   the hidden votes better by ``Z_MORE`` standard errors and its smallest group holds at least
   3 % of those placed. Random votes give k = 1: "no clear groups of opinion". Only
   participants with at least ``MIN_VOTES`` votes are placed and fit the model; the others are
   shown as not placed and cannot form a group of their own.
3. **How clear.** Each placed participant's membership confidence is their largest posterior
   probability. Stability: the k-group model is fitted afresh, from new random starts, to
   random samples of 80 % of the participants, and must put them in the same groups (adjusted
   Rand index against the groups shown, averaged over three samples).
4. **What divides and unites.** A statement represents a group only where the group's share on
   one side beats everyone else's by Fisher's exact test, with the Benjamini–Hochberg
   correction over every (group, statement, side) tested, at a 5 % false discovery rate. To
   avoid testing the data that made the groups, each vote is counted in the group its voter
   would be in without that vote (leave one statement out). Consensus: every group's majority
   on the same side, the largest of the groups' one-sided binomial p-values (intersection–union
   test), Benjamini–Hochberg over every (statement, side), and at least 60 % in each group.

The same votes and seed always give the same groups. A slow, readable reference of the model's
likelihood and EM step is in ``engine/reference/opinion.py``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from scipy import sparse, stats
from scipy.sparse import linalg as splinalg

AGREE, PASS, DISAGREE = 1, 0, -1
KINDS = 3  # agree, disagree, pass: the one-hot columns of each statement, in that order
MIN_VOTES = 7  # fewer votes (or fewer than every statement, if fewer): not placed
MAX_GROUPS = 8
MIN_GROUP_SHARE = 0.03  # a k whose smallest group is under this share of those placed is refused
PRIOR = 5.0  # pseudo-votes shrinking each group's shares towards the statement's overall shares
FDR = 0.05  # Benjamini–Hochberg false discovery rate for representative and consensus statements
SELECT_ON = 200_000  # the most votes the number of groups is chosen on (a sample of people)
STABILITY_ON = 100_000  # the most votes the stability samples are drawn from
SPLITS = 3
SUBSAMPLE = 0.8  # the share of those placed each stability refit is drawn from
HELD_OUT = 0.2  # the share of each participant's votes hidden to choose the number of groups
COMPONENTS = 8  # principal components the k-means starts are found on
CANDIDATES = 4  # k-means starts scored per restart
SHORT_RUN = 5  # EM steps from each random start before the best is carried on
Z_MORE = 3.0  # standard errors by which one more group must predict hidden votes better
CLEAR = 0.8  # stability and mean confidence both at least this: "clear" groups
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

    def kind(self) -> NDArray[np.int64]:
        """Each vote's column within its statement: 0 agree, 1 disagree, 2 pass."""
        return np.where(self.value == AGREE, 0, np.where(self.value == DISAGREE, 1, 2))

    def one_hot(self) -> sparse.csr_matrix:
        """The participants × (statements × 3) matrix with a 1 where each vote is."""
        columns = self.statement * KINDS + self.kind()
        return sparse.csr_matrix(
            (np.ones(len(self.value), dtype=np.float32), (self.participant, columns)),
            shape=(self.participants, self.statements * KINDS),
        )


# --- The latent-class model ----------------------------------------------------------------


@dataclass(frozen=True)
class Model:
    """k groups: each group's share ``weights`` and, for each statement, its probabilities of
    agree, disagree and pass, as logs in one row of statements × 3 columns."""

    weights: NDArray[np.float64]  # k
    log_theta: NDArray[np.float64]  # k × (statements × 3)
    loglik: float
    participants: int  # how many it was fitted on

    @property
    def k(self) -> int:
        return len(self.weights)


def _overall(x: sparse.csr_matrix, statements: int) -> NDArray[np.float64]:
    """Each statement's overall shares of agree, disagree and pass (a third each if no one
    voted on it), as one row of statements × 3."""
    counts = np.asarray(x.sum(axis=0)).ravel().reshape(statements, KINDS) + 1e-3
    return np.asarray((counts / counts.sum(axis=1, keepdims=True)).ravel(), dtype=np.float64)


def _log_posterior(
    x: sparse.csr_matrix, model_weights: NDArray[np.float64], log_theta: NDArray[np.float64]
) -> NDArray[np.float64]:
    """log P(group c) + log P(participant's votes | group c), participants × k."""
    joint = np.asarray(x @ np.ascontiguousarray(log_theta.T, dtype=np.float32), dtype=np.float64)
    return joint + np.log(np.maximum(model_weights, 1e-300))[None, :]


def _normalise(
    joint: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Posterior probabilities (rows add to 1) and each row's log-likelihood."""
    top = joint.max(axis=1, keepdims=True)
    e = np.exp(joint - top)
    total = e.sum(axis=1, keepdims=True)
    return e / total, (np.log(total) + top).ravel()


def _m_step(
    xt: sparse.csr_matrix,
    responsibilities: NDArray[np.float64],
    overall: NDArray[np.float64],
    statements: int,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    k = responsibilities.shape[1]
    counts = np.asarray(xt @ responsibilities.astype(np.float32), dtype=np.float64).T
    counts += PRIOR * overall[None, :]
    per = counts.reshape(k, statements, KINDS)
    log_theta = np.log(per / per.sum(axis=2, keepdims=True)).reshape(k, -1)
    mass = responsibilities.sum(axis=0)
    return mass / max(mass.sum(), 1e-300), log_theta


def _em(
    x: sparse.csr_matrix,
    xt: sparse.csr_matrix,
    overall: NDArray[np.float64],
    statements: int,
    log_theta: NDArray[np.float64],
    weights: NDArray[np.float64],
    *,
    iterations: int = 300,
    tolerance: float = 1e-5,
    accelerate: bool = True,
) -> Model:
    """EM from a start until the log-likelihood gains less than ``tolerance`` per participant
    or ``iterations`` EM steps are taken. EM creeps on mixtures, so (``accelerate``) it is
    sped up by SQUAREM (Varadhan and Roland, 2008): two EM steps give a direction, the
    parameters (as logs) jump along it, and one more EM step from there is kept only if the
    likelihood did not fall."""
    n = x.shape[0]
    k = len(weights)

    def step(
        log_w: NDArray[np.float64], lt: NDArray[np.float64]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], float]:
        r, rows = _normalise(_log_posterior(x, np.exp(log_w), lt))
        w, new_lt = _m_step(xt, r, overall, statements)
        return np.log(np.maximum(w, 1e-300)), new_lt, float(rows.sum())

    def renormalise(
        log_w: NDArray[np.float64], lt: NDArray[np.float64]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        per = lt.reshape(k, statements, KINDS)
        top = per.max(axis=2, keepdims=True)
        per = per - top - np.log(np.exp(per - top).sum(axis=2, keepdims=True))
        log_w = log_w - log_w.max()
        return log_w - np.log(np.exp(log_w).sum()), per.reshape(k, -1)

    log_w = np.log(np.maximum(weights, 1e-300))
    lt = log_theta
    previous = -math.inf
    loglik = -math.inf
    taken = 0
    while taken < iterations:
        w1, lt1, loglik = step(log_w, lt)
        taken += 1
        if loglik - previous < tolerance * n:
            break
        previous = loglik
        if not accelerate or taken + 2 > iterations:
            log_w, lt = w1, lt1
            continue
        w2, lt2, loglik1 = step(w1, lt1)
        r = np.concatenate([w1 - log_w, (lt1 - lt).ravel()])
        v = np.concatenate([w2 - w1, (lt2 - lt1).ravel()]) - r
        alpha = -math.sqrt(float(r @ r) / max(float(v @ v), 1e-300))
        alpha = min(alpha, -1.0)
        jump_w, jump_lt = renormalise(
            log_w - 2 * alpha * r[:k] + alpha**2 * v[:k],
            lt - 2 * alpha * r[k:].reshape(lt.shape) + alpha**2 * v[k:].reshape(lt.shape),
        )
        w3, lt3, loglik_jump = step(jump_w, jump_lt)
        taken += 2
        if np.isfinite(loglik_jump) and loglik_jump >= loglik1:
            log_w, lt = w3, lt3
        else:
            log_w, lt = w2, lt2
    return Model(np.exp(log_w), lt, loglik, n)


def _start(
    x: sparse.csr_matrix, overall: NDArray[np.float64], k: int, rng: np.random.Generator
) -> NDArray[np.float64]:
    """A start for k groups: each group seeded by one participant (more votes, more likely),
    their votes weighted as two pseudo-votes against the statement's overall shares."""
    voted = np.asarray(x.sum(axis=1), dtype=np.float64).ravel()
    if (voted > 0).sum() >= k:
        seeds = rng.choice(x.shape[0], size=k, replace=False, p=voted / voted.sum())
    else:  # fewer people with votes than groups: any participants will do
        seeds = rng.choice(x.shape[0], size=k, replace=x.shape[0] < k)
    rows = x[seeds].toarray() * 2.0 + overall[None, :]
    per = rows.reshape(k, -1, KINDS)
    return np.asarray(np.log(per / per.sum(axis=2, keepdims=True)).reshape(k, -1), np.float64)


def kmeans(
    points: NDArray[np.float64],
    k: int,
    rng: np.random.Generator,
    *,
    iterations: int = 15,
    most: int = 2_000,
) -> NDArray[np.int64]:
    """Each point's cluster by k-means (Lloyd's, from a k-means++ start); the centres are
    found on a random ``most`` of the points, and every point goes to its nearest."""
    every = points
    if len(points) > most:
        points = points[rng.choice(len(points), size=most, replace=False)]
    squares = (points**2).sum(axis=1)
    centres = [points[rng.integers(len(points))]]
    nearest = ((points - centres[0]) ** 2).sum(axis=1)
    for _ in range(1, k):
        total = nearest.sum()
        pick = (
            rng.choice(len(points), p=nearest / total) if total > 0 else rng.integers(len(points))
        )
        centres.append(points[pick])
        nearest = np.minimum(nearest, ((points - points[pick]) ** 2).sum(axis=1))
    c = np.array(centres)
    labels = np.full(len(points), -1, dtype=np.int64)
    for _ in range(iterations):
        new = (squares[:, None] - 2 * points @ c.T + (c**2).sum(axis=1)[None, :]).argmin(axis=1)
        if np.array_equal(new, labels):
            break
        labels = new
        sums = np.zeros_like(c)
        np.add.at(sums, labels, points)
        sizes = np.bincount(labels, minlength=k)
        filled = sizes > 0
        c[filled] = sums[filled] / sizes[filled, None]
    return np.asarray((-2 * every @ c.T + (c**2).sum(axis=1)[None, :]).argmin(axis=1), np.int64)


def fit(
    x: sparse.csr_matrix,
    statements: int,
    k: int,
    *,
    seed: int = 0,
    restarts: int = 4,
    xt: sparse.csr_matrix | None = None,
    tolerance: float = 1e-5,
    points: NDArray[np.float64] | None = None,
) -> Model:
    """The k-group model of the participants in ``x`` (one-hot votes): EM from ``restarts``
    seeded starts (each from k-means of the participants' ``points`` on the principal
    components, if given, and from k random participants), ten steps each, the best by
    likelihood carried on to convergence."""
    xt = x.T.tocsr() if xt is None else xt
    overall = _overall(x, statements)
    if k == 1:
        return _em(x, xt, overall, statements, np.log(overall)[None, :], np.ones(1))
    rng = np.random.default_rng(seed)
    # Many cheap starts, each scored by its likelihood after one step; the best few run a
    # few steps more, and the best of those is carried on to convergence.
    starts = [_start(x, overall, k, rng) for _ in range(restarts)]
    if points is not None:
        for _ in range(CANDIDATES * restarts):
            labels = kmeans(points, k, rng)
            starts.append(_m_step(xt, np.eye(k)[labels], overall, statements)[1])

    def run(start: NDArray[np.float64], weights: NDArray[np.float64], steps: int) -> Model:
        return _em(x, xt, overall, statements, start, weights, iterations=steps, accelerate=False)

    scored = [run(start, np.full(k, 1 / k), 1) for start in starts]
    scored.sort(key=lambda m: -m.loglik)
    runs = [run(m.log_theta, m.weights, SHORT_RUN) for m in scored[:restarts]]
    best = max(runs, key=lambda m: m.loglik)
    return _em(x, xt, overall, statements, best.log_theta, best.weights, tolerance=tolerance)


def posterior(x: sparse.csr_matrix, model: Model) -> NDArray[np.float64]:
    """Each participant's probability of belonging to each group, participants × k."""
    return _normalise(_log_posterior(x, model.weights, model.log_theta))[0]


@dataclass(frozen=True)
class Choice:
    """The chosen model and, for each k tried, how much better than one group it predicts
    the held-out votes (nats per participant; None where a group was too small to count)."""

    model: Model
    gain: dict[int, float | None]


def _hold_out(
    x: sparse.csr_matrix, share: float, rng: np.random.Generator
) -> tuple[sparse.csr_matrix, NDArray[np.int64], NDArray[np.int64]]:
    """Hide ``share`` of each participant's votes (at random): the votes kept, and the rows
    and columns of those hidden."""
    coo = x.tocoo()
    hide = rng.random(coo.nnz) < share
    kept = sparse.csr_matrix((coo.data[~hide], (coo.row[~hide], coo.col[~hide])), shape=x.shape)
    return kept, coo.row[hide].astype(np.int64), coo.col[hide].astype(np.int64)


def _predicted(
    kept: sparse.csr_matrix, rows: NDArray[np.int64], cols: NDArray[np.int64], model: Model
) -> NDArray[np.float64]:
    """Each participant's log-probability of their hidden votes under ``model``, given the
    votes kept."""
    p = posterior(kept, model)
    probability = (p[rows] * np.exp(model.log_theta[:, cols]).T).sum(axis=1)
    return np.bincount(rows, weights=np.log(probability), minlength=kept.shape[0]).astype(float)


def choose(
    x: sparse.csr_matrix,
    statements: int,
    *,
    max_groups: int = MAX_GROUPS,
    seed: int = 0,
    restarts: int = 3,
) -> Choice:
    """The number of groups, from one, by how well each k predicts votes it did not see: a
    fifth of each participant's votes are hidden, k groups are fitted to the rest, and k
    replaces the best so far only if it predicts the hidden votes better by at least
    ``Z_MORE`` standard errors (paired over participants) and its smallest group holds
    ``MIN_GROUP_SHARE`` of them. Stops at the first k that predicts no better than the best
    so far, or has too small a group. The chosen k is then fitted to every vote."""
    rng = np.random.default_rng(seed)
    kept, rows, cols = _hold_out(x, HELD_OUT, rng)
    xt = kept.T.tocsr()
    points = components(kept, statements, min(COMPONENTS, max(statements - 1, 1)))[0]
    n = x.shape[0]
    best = fit(kept, statements, 1, xt=xt)
    best_scores = _predicted(kept, rows, cols, best)
    baseline = best_scores
    gain: dict[int, float | None] = {1: 0.0}
    for k in range(2, min(max_groups, n) + 1):
        model = fit(kept, statements, k, seed=seed + k, restarts=restarts, xt=xt, points=points)
        sizes = np.bincount(posterior(kept, model).argmax(axis=1), minlength=k)
        scores = _predicted(kept, rows, cols, model)
        gain[k] = float((scores - baseline).mean())
        if sizes.min() < max(MIN_GROUP_SHARE * n, 2):
            gain[k] = None
            break
        d = scores - best_scores
        spread = float(d.std()) / math.sqrt(n)
        if d.mean() > 0 and (spread == 0 or d.mean() / spread >= Z_MORE):
            best, best_scores = model, scores
        elif d.mean() <= 0:  # no better at all than the best so far: stop
            break
    if best.k == 1:
        return Choice(fit(x, statements, 1), gain)
    full = _em(x, x.T.tocsr(), _overall(x, statements), statements, best.log_theta, best.weights)
    return Choice(full, gain)


def adjusted_rand(a: NDArray[np.int64], b: NDArray[np.int64]) -> float:
    """The adjusted Rand index of two labellings: 1 the same partition, about 0 by chance."""
    if len(a) < 2:
        return 1.0
    _, ai = np.unique(a, return_inverse=True)
    _, bi = np.unique(b, return_inverse=True)
    table = np.zeros((ai.max() + 1, bi.max() + 1))
    np.add.at(table, (ai, bi), 1)

    def pairs(v: NDArray[np.float64]) -> float:
        return float((v * (v - 1) / 2).sum())

    index = pairs(table)
    rows, cols = pairs(table.sum(axis=1)), pairs(table.sum(axis=0))
    expected = rows * cols / (len(a) * (len(a) - 1) / 2)
    most = (rows + cols) / 2
    if most == expected:
        return 1.0
    return (index - expected) / (most - expected)


def _sample(x: sparse.csr_matrix, votes: int, rng: np.random.Generator) -> NDArray[np.int64]:
    """A random sample of the participants (rows of ``x``, in order) with about ``votes``
    votes between them, or all of them: the work of fitting grows with the votes."""
    order = rng.permutation(x.shape[0])
    upto = np.cumsum(np.diff(x.indptr)[order])
    return np.sort(order[: max(int(np.searchsorted(upto, votes)) + 1, 2)])


def stability(
    x: sparse.csr_matrix,
    statements: int,
    labels: NDArray[np.int64],
    k: int,
    *,
    seed: int = 0,
    splits: int = SPLITS,
) -> float:
    """How reproducible the groups ``labels`` (of the participants in ``x``) are: fit k
    groups afresh, from new random starts, to a random 80 % of the participants, put them in
    groups with the new model, and compare with ``labels`` (adjusted Rand index), averaged
    over ``splits`` samples. 1 with fewer than two groups."""
    if k < 2:
        return 1.0
    rng = np.random.default_rng(seed)
    pool = _sample(x, STABILITY_ON, rng)
    x, labels = x[pool], labels[pool]
    points = components(x, statements, min(COMPONENTS, max(statements - 1, 1)))[0]
    scores = []
    for s in range(splits):
        part = np.sort(rng.permutation(len(pool))[: int(SUBSAMPLE * len(pool))])
        sample = x[part]
        again = fit(sample, statements, k, seed=seed + 101 + s, restarts=3, points=points[part])
        scores.append(adjusted_rand(labels[part], posterior(sample, again).argmax(axis=1)))
    return float(np.mean(scores))


# --- Groups ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Groups:
    labels: NDArray[np.int64]  # each participant's group (largest is 0), −1 if not placed
    count: int
    confidence: NDArray[np.float64]  # each participant's largest membership probability
    stability: float  # 1 with fewer than two groups
    gain: dict[int, float | None]  # see ``Choice``
    model: Model
    placed: NDArray[np.bool_]

    @property
    def mean_confidence(self) -> float:
        placed = self.confidence[self.placed]
        return float(placed.mean()) if len(placed) else 0.0

    def clarity(self) -> str:
        """In plain words: "three clear groups", "two groups, weakly separated", "no clear
        groups of opinion"."""
        return clarity(self.count, self.stability, self.mean_confidence)


NUMBERS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight"]


def clarity(count: int, stability: float, confidence: float) -> str:
    if count < 2:
        return "no clear groups of opinion"
    number = NUMBERS[count] if count < len(NUMBERS) else str(count)
    if stability >= CLEAR and confidence >= CLEAR:
        return f"{number} clear groups"
    return f"{number} groups, weakly separated"


def find_groups(
    votes: Votes,
    *,
    max_groups: int = MAX_GROUPS,
    min_votes: int = MIN_VOTES,
    seed: int = 0,
) -> Groups:
    """Place the participants with at least ``min_votes`` votes in 1 to ``max_groups`` groups
    (see the module's docstring)."""
    x = votes.one_hot()
    each = votes.votes_per_participant()
    placed = each >= min_votes
    rows = np.flatnonzero(placed)
    labels = np.full(votes.participants, -1, dtype=np.int64)
    if len(rows) < 2:
        labels[rows] = 0
        model = fit(x, votes.statements, 1)
        confidence = np.where(placed, 1.0, 0.0)
        return Groups(labels, int(len(rows) > 0), confidence, 1.0, {1: 0.0}, model, placed)
    fitted = x[rows]
    rng = np.random.default_rng(seed)
    if fitted.nnz > SELECT_ON:
        sample = fitted[_sample(fitted, SELECT_ON, rng)]
        choice = choose(sample, votes.statements, max_groups=max_groups, seed=seed)
        model = choice.model
        if model.k > 1:  # refine on everyone placed, from the sample's groups
            model = _em(
                fitted,
                fitted.T.tocsr(),
                _overall(fitted, votes.statements),
                votes.statements,
                model.log_theta,
                model.weights,
            )
        else:
            model = fit(fitted, votes.statements, 1)
    else:
        choice = choose(fitted, votes.statements, max_groups=max_groups, seed=seed)
        model = choice.model
    p = posterior(x, model)
    # Number the groups by size among those placed, largest first (group A is the largest);
    # a group nobody is most likely in is dropped.
    best = p.argmax(axis=1)
    sizes = np.bincount(best[rows], minlength=model.k)
    order = [int(g) for g in np.argsort(-sizes, kind="stable") if sizes[g] > 0]
    model = Model(model.weights[order], model.log_theta[order], model.loglik, model.participants)
    p = posterior(x, model)
    labels[rows] = p[rows].argmax(axis=1)
    steady = stability(fitted, votes.statements, labels[rows], model.k, seed=seed)
    return Groups(labels, model.k, p.max(axis=1), steady, choice.gain, model, placed)


# --- What divides and unites ------------------------------------------------------------


def tallies(votes: Votes, labels: NDArray[np.int64], groups: int) -> NDArray[np.int64]:
    """Counts of agree, disagree and pass for each group (rows; the last row is everyone,
    placed or not) and statement: an array groups+1 × statements × 3."""
    out = np.zeros((groups + 1, votes.statements, KINDS), dtype=np.int64)
    kind = votes.kind()
    g = labels[votes.participant]
    mine = g >= 0
    np.add.at(out, (g[mine], votes.statement[mine], kind[mine]), 1)
    np.add.at(out, (np.full(len(kind), groups), votes.statement, kind), 1)
    return out


def leave_one_out_tallies(
    votes: Votes, groups: Groups, *, chunk: int = 500_000
) -> NDArray[np.int64]:
    """Like ``tallies`` over the placed participants only, but each vote counted in the group
    its voter would be most likely in without that vote, so that a statement is not tested on
    the split it helped make. The last row is everyone placed."""
    k = groups.count
    out = np.zeros((k + 1, votes.statements, KINDS), dtype=np.int64)
    model = groups.model
    x = votes.one_hot()
    joint = _log_posterior(x, model.weights, model.log_theta)
    mine = np.flatnonzero(groups.placed[votes.participant])
    kind = votes.kind()
    for start in range(0, len(mine), chunk):
        v = mine[start : start + chunk]
        column = votes.statement[v] * KINDS + kind[v]
        without = joint[votes.participant[v]] - model.log_theta[:, column].T
        g = without.argmax(axis=1)
        np.add.at(out, (g, votes.statement[v], kind[v]), 1)
        np.add.at(out, (np.full(len(v), k), votes.statement[v], kind[v]), 1)
    return out


def benjamini_hochberg(p: NDArray[np.float64]) -> NDArray[np.float64]:
    """Benjamini–Hochberg adjusted p-values (q-values): reject where q ≤ the false discovery
    rate."""
    m = len(p)
    if m == 0:
        return p.astype(np.float64)
    order = np.argsort(p, kind="stable")
    ranked = p[order] * m / np.arange(1, m + 1)
    q = np.minimum.accumulate(ranked[::-1])[::-1].clip(max=1.0)
    out = np.empty(m)
    out[order] = q
    return out


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


@dataclass(frozen=True)
class Representative:
    group: int
    statement: int
    direction: Direction
    share: float  # of the group's voters on it who agree (or disagree)
    others_share: float  # the same among everyone else placed
    q: float  # Benjamini–Hochberg adjusted p-value of Fisher's exact test
    voters: int  # the group's voters on it (the share's denominator)
    others: int  # everyone else placed who voted on it


SIDES: tuple[tuple[int, Direction], ...] = ((0, "agree"), (1, "disagree"))


def representative(
    counts: NDArray[np.int64], *, per_group: int = 5, min_voters: int = 5, fdr: float = FDR
) -> list[Representative]:
    """For each group, up to ``per_group`` statements it agrees (or disagrees) with more than
    everyone else placed: most of the group on that side, and significant by Fisher's exact
    test (one-sided) after Benjamini–Hochberg over every group, statement and side tested;
    ranked by how many times more likely the group is to take that side."""
    groups = counts.shape[0] - 1
    if groups < 2:
        return []
    total = counts[groups]
    n_in = counts[:groups].sum(axis=2)  # groups × statements
    n_out = total.sum(axis=1)[None, :] - n_in
    tested = (n_in >= min_voters) & (n_out >= min_voters)
    found = []
    p_values = []
    for side, direction in SIDES:
        x_in = counts[:groups, :, side]
        x_out = total[None, :, side] - x_in
        p = stats.hypergeom.sf(x_in - 1, n_in + n_out, x_in + x_out, n_in)
        for g, j in zip(*np.nonzero(tested), strict=True):
            found.append((int(g), int(j), side, direction))
            p_values.append(float(p[g, j]))
    q = benjamini_hochberg(np.array(p_values))
    out: list[tuple[float, Representative]] = []
    for (g, j, side, direction), qv in zip(found, q, strict=True):
        inside, voters = int(counts[g, j, side]), int(n_in[g, j])
        outside, others = int(total[j, side] - inside), int(n_out[g, j])
        share, others_share = inside / voters, outside / others
        if qv <= fdr and share > 0.5 and share > others_share:
            ratio = ((inside + 1) / (voters + 2)) / ((outside + 1) / (others + 2))
            out.append(
                (ratio, Representative(g, j, direction, share, others_share, qv, voters, others))
            )
    out.sort(key=lambda f: (f[1].group, -f[0], f[1].statement))
    chosen: list[Representative] = []
    for g in range(groups):
        chosen += [r for _, r in out if r.group == g][:per_group]
    return chosen


@dataclass(frozen=True)
class Consensus:
    statement: int
    direction: Direction
    lowest_share: float  # the least any group agrees (or disagrees)
    q: float  # Benjamini–Hochberg adjusted p-value of the intersection–union test
    fewest: int  # the fewest voters on it in any group (the smallest denominator)


def consensus(
    counts: NDArray[np.int64],
    *,
    threshold: float = 0.6,
    min_voters: int = 5,
    fdr: float = FDR,
) -> list[Consensus]:
    """Statements every group agrees (or disagrees) with: in each group at least
    ``threshold`` of its voters on the statement (and ``min_voters`` voting), and a majority
    in every group significant (each group's one-sided binomial test against a half, the
    largest p-value, Benjamini–Hochberg over every statement and side tested)."""
    groups = counts.shape[0] - 1
    if groups == 0:
        return []
    per = counts[:groups]
    voted = per.sum(axis=2)  # groups × statements
    tested = np.flatnonzero((voted >= min_voters).all(axis=0))
    rows: list[tuple[int, Direction, float, int]] = []
    p_values = []
    for side, direction in SIDES:
        p = stats.binom.sf(per[:, :, side] - 1, voted, 0.5).max(axis=0)
        for j in tested:
            shares = per[:, j, side] / voted[:, j]
            rows.append((int(j), direction, float(shares.min()), int(voted[:, j].min())))
            p_values.append(float(p[j]))
    q = benjamini_hochberg(np.array(p_values))
    out = [
        Consensus(j, direction, lowest, float(qv), fewest)
        for (j, direction, lowest, fewest), qv in zip(rows, q, strict=True)
        if qv <= fdr and lowest >= threshold
    ]
    out.sort(key=lambda c: (-c.lowest_share, c.statement))
    return out


# --- The map for the chart -------------------------------------------------------------------


@dataclass(frozen=True)
class Projection:
    coords: NDArray[np.float64]  # participants × 2
    explained: tuple[float, float]  # share of variance on each component
    loadings: NDArray[np.float64]  # statements × 2


def components(
    x: sparse.csr_matrix, statements: int, d: int
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], float]:
    """The first ``d`` principal components of one-hot votes ``x``: each statement's mean vote
    (agree 1, pass 0, disagree −1) fills the empty cells, so the centred matrix stays sparse;
    each statement is weighted by 1/√(its voters), so that it weighs the same in the
    covariance however many voted on it; each participant's place is scaled up by
    √(statements / their votes) so those who voted little are not all in the middle.
    Returns the places (participants × d), the eigenvalues, the loadings (statements × d)
    and the total variance."""
    n, s = x.shape[0], statements
    counts = np.asarray(x.sum(axis=0), dtype=np.float64).ravel().reshape(s, KINDS)
    voters = counts.sum(axis=1)
    means = np.divide(counts[:, 0] - counts[:, 1], voters, out=np.zeros(s), where=voters > 0)
    # Each one-hot column (statement j, kind) becomes its centred value on statement j.
    values = (np.array([1.0, -1.0, 0.0])[None, :] - means[:, None]).ravel()
    to_values = sparse.csr_matrix(
        (values, (np.arange(s * KINDS), np.repeat(np.arange(s), KINDS))), shape=(s * KINDS, s)
    )
    # Each statement weighted by 1/√(its voters), so a statement everyone voted on does not
    # take over the components by being popular.
    weight = 1 / np.sqrt(np.maximum(voters, 1))
    centred = (x.astype(np.float64) @ to_values @ sparse.diags(weight)).tocsr()
    denominator = max(n - 1, 1)
    loadings = np.zeros((s, d))
    eigenvalues = np.zeros(d)
    if s > 2 * d + 2 and centred.nnz:
        # The top eigenvectors of the statements' covariance XᵀX / (n − 1), without forming
        # it: Lanczos (ARPACK) from a fixed start, so the same votes give the same places.
        def product(v: NDArray[np.float64]) -> NDArray[np.float64]:
            out: NDArray[np.float64] = np.asarray(centred.T @ (centred @ v), dtype=np.float64)
            scaled: NDArray[np.float64] = out.ravel() / denominator
            return scaled

        operator = splinalg.LinearOperator((s, s), matvec=product, dtype=np.float64)
        found, vectors = splinalg.eigsh(operator, k=d, which="LA", v0=np.ones(s) / s, tol=1e-4)
        order = np.argsort(found)[::-1]
        eigenvalues, loadings = found[order], vectors[:, order]
    elif centred.nnz:
        found, vectors = np.linalg.eigh((centred.T @ centred).toarray() / denominator)
        order = np.argsort(found)[::-1][:d]
        eigenvalues[: len(order)] = found[order]
        loadings[:, : len(order)] = vectors[:, order]
    # A stable sign: each component points towards its largest loading.
    for c in range(d if s else 0):
        if loadings[np.argmax(np.abs(loadings[:, c])), c] < 0:
            loadings[:, c] *= -1
    coords = np.asarray(centred @ loadings)
    voted = np.asarray(x.sum(axis=1), dtype=np.float64).ravel()
    scale = np.sqrt(np.divide(s, voted, out=np.zeros(n), where=voted > 0))
    coords *= scale[:, None]
    total = float(centred.multiply(centred).sum()) / denominator
    return coords, eigenvalues, loadings, total


def project(votes: Votes) -> Projection:
    """Each participant's place on the first two principal components (``components``), for
    the chart only: the groups are not found on it."""
    coords, eigenvalues, loadings, total = components(votes.one_hot(), votes.statements, 2)
    top = eigenvalues.clip(min=0)
    explained = (float(top[0] / total), float(top[1] / total)) if total > 0 else (0.0, 0.0)
    return Projection(coords, explained, loadings)


# --- Everything together ---------------------------------------------------------------------


@dataclass(frozen=True)
class OpinionMap:
    projection: Projection
    groups: Groups
    counts: NDArray[np.int64]  # ``tallies``: by each participant's group
    tested: NDArray[np.int64]  # ``leave_one_out_tallies``: what the tests were made on
    representative: list[Representative]
    consensus: list[Consensus]

    def group_sizes(self) -> list[int]:
        return [int((self.groups.labels == g).sum()) for g in range(self.groups.count)]


def opinion_map(
    votes: Votes, *, max_groups: int = MAX_GROUPS, seed: int = 0, chart: bool = True
) -> OpinionMap:
    """Find the groups, how clear they are, and what divides and unites them; and (``chart``)
    the two-dimensional map to draw them on."""
    groups = find_groups(
        votes, max_groups=max_groups, min_votes=min(MIN_VOTES, votes.statements), seed=seed
    )
    counts = tallies(votes, groups.labels, groups.count)
    tested = leave_one_out_tallies(votes, groups)
    projection = (
        project(votes)
        if chart
        else Projection(np.zeros((votes.participants, 2)), (0.0, 0.0), np.zeros((0, 2)))
    )
    return OpinionMap(projection, groups, counts, tested, representative(tested), consensus(tested))


def group_name(index: int) -> str:
    """0 → "Group A"."""
    return f"Group {chr(ord('A') + index)}"


def describe(rep: Representative, statement: str) -> str:
    """A plain sentence: 'Group A agrees strongly with “…” (86% of the 50 in it who voted on
    it, against 20% of the 120 others placed who did).'"""
    strength = "strongly " if rep.share >= 0.8 else ""
    verb = "agrees" if rep.direction == "agree" else "disagrees"
    return (
        f"{group_name(rep.group)} {verb} {strength}with “{statement}” ({rep.share:.0%} of the "
        f"{rep.voters:,} in it who voted on it, against {rep.others_share:.0%} of the "
        f"{rep.others:,} others placed who did)."
    )
