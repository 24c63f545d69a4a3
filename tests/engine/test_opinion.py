"""Opinion groups: the number of groups is chosen honestly (one on random votes), planted
groups are found about as well as knowing the planted answer allows, participants with few
votes are not placed, representative and consensus statements are only those that survive a
multiple-testing correction, and the fast kernel agrees with the plain reference."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from footprint.engine import opinion as o
from footprint.engine.opinion_planted import planted
from footprint.engine.reference import opinion as ref

# Small but clear: 1,200 participants, 60 statements, 60 % voted (power-law), half the
# statements divide the groups, a fifth of votes are passes.
CLEAR = {"n": 1_200, "s": 60, "density": 0.6, "dividing": 0.5}


def test_random_votes_have_no_clear_groups():
    data = planted(**CLEAR, groups=1, seed=11)
    found = o.opinion_map(data.votes)
    assert found.groups.count == 1
    assert found.groups.clarity() == "no clear groups of opinion"
    assert found.representative == []
    # Every one-more-group model predicted the hidden votes worse than one group.
    assert all(g is None or g <= 0 for k, g in found.groups.gain.items() if k > 1)


@pytest.mark.parametrize("groups", [2, 3])
def test_planted_groups_are_found_as_well_as_the_votes_allow(groups):
    data = planted(**CLEAR, groups=groups, seed=groups)
    found = o.opinion_map(data.votes)
    placed = found.groups.placed
    ari = o.adjusted_rand(data.truth[placed], found.groups.labels[placed])
    best = o.adjusted_rand(data.truth[placed], data.best_labels()[placed])
    assert found.groups.count == groups
    assert ari >= 0.9 and ari >= best - 0.03
    assert found.groups.clarity() == f"{o.NUMBERS[groups]} clear groups"
    assert found.groups.stability >= 0.8 and found.groups.mean_confidence >= 0.9
    # The largest group is group A, and the sizes follow the planted 70/30 or 70/20/10.
    sizes = found.group_sizes()
    assert sizes == sorted(sizes, reverse=True)
    assert sizes[0] / sum(sizes) == pytest.approx(0.7, abs=0.05)


def test_every_representative_statement_was_planted():
    data = planted(**CLEAR, groups=3, seed=3)
    found = o.opinion_map(data.votes)
    assert len(found.representative) >= 10
    for rep in found.representative:
        members = data.truth[found.groups.labels == rep.group]
        assert data.planted_side(int(np.bincount(members).argmax()), rep.statement) == (
            rep.direction
        )
        assert rep.q <= o.FDR and rep.share > 0.5 and rep.share > rep.others_share
        assert rep.voters >= 5 and rep.others >= 5


def test_statements_every_group_agrees_with_are_the_consensus():
    data = planted(**CLEAR, groups=2, seed=5)
    found = o.opinion_map(data.votes)
    for c in found.consensus:
        assert not data.dividing[c.statement]
        shares = data.agree[:, c.statement] * (1 - data.passes)
        side = shares if c.direction == "agree" else (1 - data.passes) - shares
        assert (side > 0.5).all()  # truly a majority in every planted group
        assert c.lowest_share >= 0.6 and c.q <= o.FDR


def test_a_popular_statement_does_not_make_groups():
    # Random votes, but everyone votes on statement 0 and most people on little else: the
    # old map put a component on statement 0 and split people by it.
    rng = np.random.default_rng(4)
    n, s = 800, 40
    triples = [(i, 0, int(rng.choice([1, -1]))) for i in range(n)]
    for i in range(n):
        for j in rng.choice(np.arange(1, s), size=int(rng.integers(6, 12)), replace=False):
            triples.append((i, int(j), int(rng.choice([1, -1, 0]))))
    found = o.opinion_map(o.Votes.from_triples(n, s, triples))
    assert found.groups.count == 1


def test_participants_with_few_votes_are_not_placed_and_make_no_group():
    data = planted(**CLEAR, groups=2, seed=8)
    v = data.votes
    # 150 extra people who all voted the same way on the same three statements: a clump.
    extra = np.arange(v.participants, v.participants + 150)
    clump = o.Votes(
        v.participants + 150,
        v.statements,
        np.concatenate([v.participant, np.repeat(extra, 3)]),
        np.concatenate([v.statement, np.tile([0, 1, 2], 150)]),
        np.concatenate([v.value, np.full(450, o.AGREE, dtype=np.int8)]),
    )
    found = o.opinion_map(clump)
    each = clump.votes_per_participant()
    assert (found.groups.labels[each < o.MIN_VOTES] == -1).all()
    assert (found.groups.labels[each >= o.MIN_VOTES] >= 0).all()
    assert found.groups.count == 2
    assert not found.groups.placed[extra].any()


def test_same_votes_same_groups():
    data = planted(**CLEAR, groups=3, seed=9)
    a, b = o.opinion_map(data.votes, seed=5), o.opinion_map(data.votes, seed=5)
    assert np.array_equal(a.groups.labels, b.groups.labels)
    assert a.groups.stability == b.groups.stability
    assert a.representative == b.representative


def test_the_clarity_in_plain_words():
    assert o.clarity(1, 1.0, 1.0) == "no clear groups of opinion"
    assert o.clarity(3, 0.9, 0.95) == "three clear groups"
    assert o.clarity(2, 0.6, 0.95) == "two groups, weakly separated"
    assert o.clarity(2, 0.95, 0.7) == "two groups, weakly separated"


def test_benjamini_hochberg_by_hand():
    # Sorted: 0.01, 0.03, 0.04, 0.2; times 4/rank: 0.04, 0.06, 0.0533, 0.2; the smallest
    # from the right: 0.04, 0.0533, 0.0533, 0.2.
    q = o.benjamini_hochberg(np.array([0.01, 0.04, 0.03, 0.2]))
    assert q == pytest.approx([0.04, 0.16 / 3, 0.16 / 3, 0.2])


def test_adjusted_rand_by_hand():
    assert o.adjusted_rand(np.array([0, 0, 1, 1]), np.array([5, 5, 7, 7])) == 1.0
    # Every pair split differently: index 0, expected 2 × 2 / 6, at most 2: −0.5.
    assert o.adjusted_rand(np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1])) == pytest.approx(-0.5)


def test_representative_needs_significance_after_correction():
    # Two groups of 20 voters on two statements. Statement 0: 18 of group A agree against 2
    # of group B (Fisher's one-sided p ≈ 1e-7). Statement 1: 11 against 9 (p ≈ 0.38).
    counts = np.zeros((3, 2, 3), dtype=np.int64)
    counts[0] = [[18, 2, 0], [11, 9, 0]]
    counts[1] = [[2, 18, 0], [9, 11, 0]]
    counts[2] = counts[0] + counts[1]
    reps = o.representative(counts)
    assert {(r.group, r.statement, r.direction) for r in reps} == {
        (0, 0, "agree"),
        (1, 0, "disagree"),
    }
    a = next(r for r in reps if r.group == 0)
    assert (a.share, a.others_share, a.voters, a.others) == (0.9, 0.1, 20, 20)
    assert a.q < 1e-5


def test_consensus_by_hand():
    # Statement 0: 9 of 10 in each group agree (each p = 11/1024; the larger of the two
    # is the test's p-value). Statement 1: 6 of 10 agree in each: not significant.
    counts = np.zeros((3, 2, 3), dtype=np.int64)
    counts[0] = [[9, 1, 0], [6, 4, 0]]
    counts[1] = [[9, 0, 1], [6, 3, 1]]
    counts[2] = counts[0] + counts[1]
    found = o.consensus(counts)
    assert [(c.statement, c.direction, c.lowest_share, c.fewest) for c in found] == [
        (0, "agree", 0.9, 10)
    ]


def test_leave_one_out_counts_every_placed_vote_once():
    data = planted(**CLEAR, groups=2, seed=12)
    found = o.opinion_map(data.votes)
    placed_votes = found.groups.placed[data.votes.participant]
    assert found.tested[-1].sum() == placed_votes.sum()
    assert found.tested[:-1].sum() == placed_votes.sum()


def test_a_plain_sentence_for_a_group():
    rep = o.Representative(0, 3, "agree", 0.86, 0.2, 0.001, 50, 120)
    assert o.describe(rep, "GP practices should open on Saturdays") == (
        "Group A agrees strongly with “GP practices should open on Saturdays” (86% of the 50 "
        "in it who voted on it, against 20% of the 120 others placed who did)."
    )


def test_two_camps_by_hand():
    # Ann and Bob agree with both statements; Cat and Dan disagree with both. The statements'
    # means are 0 and each has 4 voters, so each is weighted 1/√4: the centred rows are
    # (±½, ±½), the first component is (1, 1)/√2, and Ann and Bob sit at +1/√2, Cat and Dan
    # at −1/√2 (everyone voted on everything, so nobody is scaled).
    votes = o.Votes.from_triples(
        4,
        2,
        [
            (0, 0, 1),
            (0, 1, 1),
            (1, 0, 1),
            (1, 1, 1),
            (2, 0, -1),
            (2, 1, -1),
            (3, 0, -1),
            (3, 1, -1),
        ],
    )
    p = o.project(votes)
    assert p.coords[:, 0] == pytest.approx([2**-0.5, 2**-0.5, -(2**-0.5), -(2**-0.5)])
    assert p.coords[:, 1] == pytest.approx([0, 0, 0, 0])
    assert p.explained[0] == pytest.approx(1.0)


def test_a_missing_vote_is_the_statements_average_and_popular_statements_weigh_no_more():
    # Ann agrees with both statements and Cat disagrees with both; Eve agrees with the first
    # and Fay disagrees with it, and neither voted on the second. Both means are 0, so the
    # missing votes are 0. Statement 0 has 4 voters (weight ½), statement 1 has 2 (1/√2):
    # the rows are Ann (½, 1/√2), Cat (−½, −1/√2), Eve (½, 0), Fay (−½, 0) and XᵀX =
    # [[1, 1/√2], [1/√2, 1]]: each statement weighs the same. Its top eigenvector is
    # (1, 1)/√2 with eigenvalue 1 + 1/√2 of a total 2. Ann sits at (½ + 1/√2)/√2 = 0.8536;
    # Eve at ½/√2, scaled by √(2 statements / 1 vote) to ½.
    votes = o.Votes.from_triples(
        4, 2, [(0, 0, 1), (0, 1, 1), (1, 0, -1), (1, 1, -1), (2, 0, 1), (3, 0, -1)]
    )
    p = o.project(votes)
    assert p.coords[:, 0] == pytest.approx([0.8536, -0.8536, 0.5, -0.5], abs=1e-4)
    assert p.explained[0] == pytest.approx((1 + 2**-0.5) / 2)


def test_one_group_is_each_statements_overall_shares():
    # One group: its probabilities are the statement's shares, shrunk by PRIOR votes towards
    # those same shares, so exactly the shares: 3 agree, 1 disagree of 4 → ¾, ¼, 0.
    votes = o.Votes.from_triples(4, 1, [(0, 0, 1), (1, 0, 1), (2, 0, 1), (3, 0, -1)])
    model = o.fit(votes.one_hot(), 1, 1)
    assert np.exp(model.log_theta[0]) == pytest.approx([0.75, 0.25, 0.0], abs=1e-3)


def test_no_statements_or_no_votes_find_nothing():
    # Every statement hidden, or no one has voted yet.
    for votes in (o.Votes.from_triples(0, 0, []), o.Votes.from_triples(0, 3, [])):
        found = o.opinion_map(votes)
        assert (found.groups.count, found.representative, found.consensus) == (0, [], [])


def test_bad_votes_are_refused():
    with pytest.raises(ValueError, match="out of range"):
        o.Votes.from_triples(1, 1, [(0, 1, 1)])
    with pytest.raises(ValueError, match="1 \\(agree\\)"):
        o.Votes.from_triples(1, 1, [(0, 0, 2)])


cells = st.lists(
    st.tuples(st.integers(0, 11), st.integers(0, 5), st.sampled_from([-1, 0, 1])),
    unique_by=lambda t: (t[0], t[1]),
    max_size=60,
)


@settings(max_examples=40, deadline=None)
@given(cells, st.integers(1, 4), st.integers(0, 1000))
def test_the_fast_em_step_is_the_reference(triples, k, seed):
    votes = o.Votes.from_triples(12, 6, triples)
    x = votes.one_hot()
    rng = np.random.default_rng(seed)
    weights = rng.dirichlet(np.ones(k))
    theta = rng.dirichlet(np.ones(3), size=(k, 6))  # k × statements × 3
    joint = o._log_posterior(x, weights, np.log(theta).reshape(k, -1))
    slow = ref.log_joint(12, triples, list(weights), [[tuple(t) for t in g] for g in theta])
    assert joint == pytest.approx(np.array(slow), rel=1e-5, abs=1e-5)
    r = o._normalise(joint)[0]
    assert r == pytest.approx(np.array(ref.posterior(slow)), abs=1e-6)
    new_weights, log_theta = o._m_step(x.T.tocsr(), r, o._overall(x, 6), 6)
    slow_weights, slow_theta = ref.m_step(6, triples, r.tolist(), ref.overall(6, triples))
    assert new_weights == pytest.approx(slow_weights, abs=1e-6)
    assert np.exp(log_theta).reshape(k, 6, 3) == pytest.approx(np.array(slow_theta), abs=1e-5)


@settings(max_examples=40, deadline=None)
@given(cells)
def test_the_projection_copes_with_any_missing_votes(triples):
    votes = o.Votes.from_triples(12, 6, triples)
    p = o.project(votes)
    assert p.coords.shape == (12, 2) and np.isfinite(p.coords).all()
    voted = votes.votes_per_participant()
    assert (p.coords[voted == 0] == 0).all()  # no votes: the middle
    rows = {}
    for i, j, v in triples:
        rows.setdefault(i, set()).add((j, v))
    for a in rows:
        for b in rows:
            if rows[a] == rows[b]:
                assert p.coords[a] == pytest.approx(p.coords[b])  # same votes, same place
    assert 0 <= sum(p.explained) <= 1 + 1e-9


@settings(max_examples=25, deadline=None)
@given(cells)
def test_groups_cope_with_any_missing_votes(triples):
    votes = o.Votes.from_triples(12, 6, triples)
    # Two statements only: two votes place a person, and hiding a fifth of votes for the
    # choice of groups may leave some with none.
    few = o.Votes.from_triples(12, 2, [(i, j % 2, v) for i, j, v in triples if j < 2])
    assert 0 <= o.opinion_map(few).groups.count <= o.MAX_GROUPS  # and no error
    found = o.opinion_map(votes)
    g = found.groups
    assert 0 <= g.count <= o.MAX_GROUPS
    assert set(np.unique(g.labels)) <= set(range(-1, max(g.count, 1)))
    assert ((g.confidence >= 0) & (g.confidence <= 1 + 1e-9)).all()
    assert g.stability <= 1 + 1e-9  # an adjusted Rand index may dip below 0, never above 1
    assert found.counts[-1].sum() == len(triples)
