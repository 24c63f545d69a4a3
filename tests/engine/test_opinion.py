"""Opinion groups: planted groups are found, consensus is reported, the projection copes with
missing votes."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from footprint.engine import opinion as o


def planted(n=300, s=40, groups=3, density=0.5, seed=7, consensus=(0, 1, 2)):
    """Participants in ``groups`` planted groups, each agreeing with a statement with its own
    probability (0.1 or 0.9); every group agrees with the ``consensus`` statements."""
    rng = np.random.default_rng(seed)
    truth = np.arange(n) % groups
    profile = rng.choice([0.1, 0.9], size=(groups, s))
    profile[:, list(consensus)] = 0.95
    mask = rng.random((n, s)) < density
    p, j = np.nonzero(mask)
    agree = rng.random(len(p)) < profile[truth[p], j]
    values = np.where(agree, o.AGREE, o.DISAGREE).astype(np.int8)
    return o.Votes(n, s, p.astype(np.int64), j.astype(np.int64), values), truth, profile


def purity(truth, labels):
    """The share of participants in the majority planted group of the group they were put in."""
    agreeing = 0
    for g in np.unique(labels):
        agreeing += np.bincount(truth[labels == g]).max()
    return agreeing / len(truth)


def test_planted_groups_are_found():
    votes, truth, _ = planted()
    result = o.opinion_map(votes)
    assert result.groups.count == 3
    assert purity(truth, result.groups.labels) >= 0.97
    assert sorted(result.group_sizes()) == sorted(np.bincount(result.groups.labels).tolist())


@pytest.mark.parametrize("groups", [2, 4])
def test_the_number_of_groups_comes_from_the_data(groups):
    votes, truth, _ = planted(n=400, groups=groups, seed=groups)
    result = o.opinion_map(votes)
    assert result.groups.count == groups
    assert purity(truth, result.groups.labels) >= 0.95


def test_statements_every_group_agrees_with_are_the_consensus():
    votes, _, profile = planted()
    found = {c.statement for c in o.opinion_map(votes).consensus if c.direction == "agree"}
    assert {0, 1, 2} <= found
    # A statement some planted group mostly disagrees with is never consensus.
    divided = {j for j in range(profile.shape[1]) if (profile[:, j] < 0.5).any()}
    assert not found & divided


def test_a_group_is_represented_by_what_sets_it_apart():
    votes, truth, profile = planted()
    result = o.opinion_map(votes)
    for rep in result.representative:
        members = truth[result.groups.labels == rep.group]
        planted_group = np.bincount(members).argmax()
        p = profile[planted_group, rep.statement]
        assert (p > 0.5) if rep.direction == "agree" else (p < 0.5)
        assert rep.share > 0.5 and rep.share > rep.others_share and rep.z >= 1.96


def test_two_camps_by_hand():
    # Ann and Bob agree with both statements; Cat and Dan disagree with both. The statements'
    # means are 0, the first component is (1, 1)/√2, so Ann and Bob sit at +√2 and Cat and Dan
    # at −√2 (everyone voted on everything, so nobody is scaled).
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
    assert p.coords[:, 0] == pytest.approx([2**0.5, 2**0.5, -(2**0.5), -(2**0.5)])
    assert p.coords[:, 1] == pytest.approx([0, 0, 0, 0])
    assert p.explained[0] == pytest.approx(1.0)


def test_a_missing_vote_counts_as_the_statements_average_and_few_votes_are_scaled_up():
    # Ann agrees with both statements and Cat disagrees with both; Eve agrees with the first
    # and Fay disagrees with it, and neither voted on the second. Both statements' means are
    # 0, so the missing votes are 0 and the centred rows are Ann (1, 1), Cat (−1, −1), Eve
    # (1, 0), Fay (−1, 0). XᵀX = [[4, 2], [2, 2]]: its top eigenvalue is 3 + √5 with the
    # eigenvector (1, φ − 1)/|…| = (0.8507, 0.5257). Ann sits at 0.8507 + 0.5257 = 1.3764;
    # Eve at 0.8507, scaled by √(2 statements / 1 vote) to 1.2031.
    votes = o.Votes.from_triples(
        4, 2, [(0, 0, 1), (0, 1, 1), (1, 0, -1), (1, 1, -1), (2, 0, 1), (3, 0, -1)]
    )
    p = o.project(votes)
    assert p.coords[:, 0] == pytest.approx([1.3764, -1.3764, 1.2031, -1.2031], abs=1e-4)
    assert p.explained[0] == pytest.approx((3 + 5**0.5) / 6)


def test_same_votes_same_groups():
    votes, _, _ = planted(seed=3)
    a, b = o.opinion_map(votes, seed=5), o.opinion_map(votes, seed=5)
    assert np.array_equal(a.groups.labels, b.groups.labels)


def test_participants_with_few_votes_are_placed_but_not_grouped():
    votes, _, _ = planted(n=60, s=10, density=0.3, seed=2)
    each = votes.votes_per_participant()
    labels = o.opinion_map(votes).groups.labels
    assert (labels[each < o.MIN_VOTES] == -1).all()
    assert (labels[each >= o.MIN_VOTES] >= 0).all()


def test_silhouette_of_two_far_apart_clusters_is_near_one():
    points = np.array([[0.0, 0], [0.1, 0], [10, 0], [10.1, 0]])
    score = o.silhouette(points, np.array([0, 0, 1, 1]), np.ones(4))
    assert score == pytest.approx(0.99, abs=0.01)


def test_bad_votes_are_refused():
    with pytest.raises(ValueError, match="out of range"):
        o.Votes.from_triples(1, 1, [(0, 1, 1)])
    with pytest.raises(ValueError, match="1 \\(agree\\)"):
        o.Votes.from_triples(1, 1, [(0, 0, 2)])


def test_a_plain_sentence_for_a_group():
    rep = o.Representative(0, 3, "agree", 0.86, 0.2, 9.0)
    assert o.describe(rep, "GP practices should open on Saturdays", 0.38) == (
        "Group A, 38% of participants, agrees strongly with “GP practices should open on "
        "Saturdays” (86% of them, against 20% of everyone else)."
    )


cells = st.lists(
    st.tuples(st.integers(0, 11), st.integers(0, 5), st.sampled_from([-1, 0, 1])),
    unique_by=lambda t: (t[0], t[1]),
    max_size=60,
)


@settings(max_examples=60, deadline=None)
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


@settings(max_examples=30, deadline=None)
@given(cells, st.permutations(range(12)))
def test_the_projection_does_not_depend_on_the_order_of_participants(triples, order):
    votes = o.Votes.from_triples(12, 6, triples)
    moved = o.Votes.from_triples(12, 6, [(order[i], j, v) for i, j, v in triples])
    a, b = o.project(votes).coords, o.project(moved).coords
    # The same places (each component up to its sign, which is fixed by the loadings).
    assert np.abs(b[order]) == pytest.approx(np.abs(a), abs=1e-6)
