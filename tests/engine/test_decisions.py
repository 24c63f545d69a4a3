"""The rules of collective decisions, checked by hand and by property."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from footprint.engine import decisions as d

TRUST = d.Attendee("ann", "RW9", "acute_trust")
ICB = d.Attendee("bob", "QW9", "commissioner")
COUNCIL = d.Attendee("cat", "LA901", "local_authority")
VCS = d.Attendee("dev", "VS901", "voluntary")


def test_quorum_by_count():
    rule = d.QuorumRule(count=3)
    assert d.quorum([TRUST, ICB, COUNCIL], 6, rule).met
    result = d.quorum([TRUST, ICB], 6, rule)
    assert not result.met and result.reason == "Not quorate: 2 voting members present, 3 needed"


def test_quorum_by_share_rounds_up():
    rule = d.QuorumRule(share=0.5)
    assert rule.required(7) == 4  # half of 7 is 3.5: four people
    assert rule.required(6) == 3
    assert not d.quorum([TRUST, ICB, COUNCIL], 7, rule).met


def test_quorum_needs_one_from_each_group():
    rule = d.QuorumRule(count=2, groups=frozenset({"nhs_provider", "commissioner", "council"}))
    result = d.quorum([TRUST, ICB, VCS], 8, rule)
    assert not result.met and result.missing_groups == ("council",)
    assert "no one present from a council" in result.reason
    assert d.quorum([TRUST, ICB, COUNCIL], 8, rule).met


def test_a_conflicted_person_does_not_count():
    conflicted = d.Attendee("cat", "LA901", "local_authority", conflicted=True)
    rule = d.QuorumRule(count=3, groups=frozenset({"council"}))
    result = d.quorum([TRUST, ICB, conflicted], 6, rule)
    assert result.present == 2 and not result.met and result.missing_groups == ("council",)


def test_a_person_listed_twice_counts_once():
    assert d.quorum([TRUST, TRUST, ICB], 6, d.QuorumRule(count=3)).present == 2


def test_a_conflict_belongs_to_the_person_not_the_listing():
    """Cat sits for the council and for a voluntary organisation, and has declared a conflict
    in one listing: she counts in neither. Present: Ann and Bob, 2 of the 3 needed, and no one
    from the council or the voluntary sector."""
    as_council = d.Attendee("cat", "LA901", "local_authority")
    as_vcs = d.Attendee("cat", "VS901", "voluntary", conflicted=True)
    rule = d.QuorumRule(count=3, groups=frozenset({"council"}))
    for listing in ([TRUST, ICB, as_council, as_vcs], [TRUST, ICB, as_vcs, as_council]):
        result = d.quorum(listing, 6, rule)
        assert result.present == 2 and not result.met
        assert result.missing_groups == ("council",)
        assert result.reason == (
            "Not quorate: 2 voting members present, 3 needed; no one present from a council"
        )


def test_a_person_listed_for_two_organisations_counts_once_but_for_both_groups():
    as_council = d.Attendee("cat", "LA901", "local_authority")
    as_vcs = d.Attendee("cat", "VS901", "voluntary")
    rule = d.QuorumRule(count=2, groups=frozenset({"council", "voluntary_sector"}))
    result = d.quorum([TRUST, as_council, as_vcs], 6, rule)
    assert result.present == 2 and result.met


PARENTS = {"neighbourhood": "place", "place": "system", "system": None}
INVEST = [d.Delegation("place", 1_000_000_00), d.Delegation("system", 10_000_000_00)]


def test_routing_by_value():
    small = d.route(250_000_00, INVEST, PARENTS)
    assert small.forum == "place"
    assert small.steps == ("place may decide it: £250,000 is within its limit of £1,000,000.",)
    big = d.route(4_000_000_00, INVEST, PARENTS)
    assert big.forum == "system"
    assert (
        big.steps[0]
        == "£4,000,000 is above place's limit of £1,000,000, so it goes to the forum above."
    )


def test_routing_from_a_forum_without_delegation_goes_up():
    r = d.route(100_00, INVEST, PARENTS, start="neighbourhood")
    assert r.forum == "place"
    assert (
        r.steps[0]
        == "neighbourhood has no delegation for this type, so it goes to the forum above."
    )


def test_too_big_for_any_forum():
    r = d.route(50_000_000_00, INVEST, PARENTS)
    assert r.forum is None and "each member board's own decision" in r.steps[-1]


def test_no_delegation_at_all():
    assert d.route(1, [], PARENTS).forum is None


BOARDS = ["RW9", "QW9", "LA901"]


@pytest.mark.parametrize(
    ("rule", "responses", "met"),
    [
        ("consensus", {"RW9": "consent", "QW9": "consent", "LA901": "consent"}, True),
        ("consensus", {"RW9": "consent", "QW9": "consent", "LA901": "abstain"}, False),
        ("consent", {"RW9": "consent", "QW9": "abstain", "LA901": "consent"}, True),
        ("consent", {"RW9": "consent", "QW9": "consent"}, False),  # one still to respond
        ("consent", {"RW9": "consent", "QW9": "consent", "LA901": "object"}, False),
        ("majority", {"RW9": "consent", "QW9": "consent", "LA901": "object"}, True),
        ("majority", {"RW9": "consent", "QW9": "abstain", "LA901": "object"}, False),
        # A response from an organisation without a statutory board does not count.
        (
            "consensus",
            {"RW9": "consent", "QW9": "consent", "LA901": "consent", "VS901": "object"},
            True,
        ),
    ],
)
def test_decision_rules(rule, responses, met):
    assert d.decision_rule(rule, BOARDS, responses).met is met


def test_rule_reasons_say_what_is_missing():
    r = d.decision_rule("consent", BOARDS, {"RW9": "consent"})
    assert r.reason == "Consent without objection: 2 still to respond."
    assert d.decision_rule("majority", BOARDS, {}).reason == "Majority: 0 of 3 consent; 2 needed."


attendees = st.lists(
    st.builds(
        d.Attendee,
        st.sampled_from(["a", "b", "c", "d", "e", "f"]),
        st.sampled_from(["X", "Y", "Z"]),
        st.sampled_from(sorted(d.KIND_GROUPS)),
        st.booleans(),
    ),
    max_size=10,
)
rules = st.builds(
    d.QuorumRule,
    st.one_of(st.none(), st.integers(0, 6)),
    st.one_of(st.none(), st.floats(0, 1)),
    st.frozensets(st.sampled_from(sorted(d.GROUP_LABELS)), max_size=3),
)


@given(attendees, rules, st.integers(0, 12))
def test_conflicted_people_never_count(people, rule, members):
    """Leaving out every listing of anyone conflicted in any listing changes nothing."""
    conflicted = {p.person for p in people if p.conflicted}
    with_them = d.quorum(people, members, rule)
    without_them = d.quorum([p for p in people if p.person not in conflicted], members, rule)
    assert with_them == without_them
    assert with_them.present == len({p.person for p in people} - conflicted)


@given(
    attendees,
    rules,
    st.integers(0, 12),
    st.dictionaries(st.sampled_from(BOARDS), st.sampled_from(["consent", "object", "abstain"])),
    st.sampled_from(["consensus", "consent", "majority"]),
    st.booleans(),
)
def test_a_decision_never_stands_without_quorum(people, rule, members, responses, kind, routed):
    q = d.quorum(people, members, rule)
    verdict = d.may_decide(q, d.decision_rule(kind, BOARDS, responses), routed)
    if not q.met or not routed:
        assert not verdict.may_decide
    assert q.present <= len({p.person for p in people})


def test_a_forum_may_not_commit_the_money_of_an_organisation_that_does_not_sit_on_it():
    members = {"place": {"QW9", "LA901", "M90001"}, "system": {"RW9", "QW9", "LA901"}}
    r = d.route(250_000_00, INVEST, PARENTS, members=members, paying={"RW9"})
    assert r.forum == "system"
    assert r.steps == (
        "place cannot commit the money of RW9, who does not sit on it, so it goes to the "
        "forum above.",
        "system may decide it: £250,000 is within its limit of £10,000,000.",
    )
    # Paid by members only: the place forum may decide it, as before.
    assert d.route(250_000_00, INVEST, PARENTS, members=members, paying={"QW9"}).forum == "place"
    # Nobody sits for both: each board decides for itself.
    alone = d.route(250_000_00, INVEST, PARENTS, members=members, paying={"RW9", "M90001"})
    assert alone.forum is None
    assert alone.steps[1] == (
        "system cannot commit the money of M90001, who does not sit on it, so it goes to the "
        "forum above."
    )


@given(
    value=st.integers(min_value=1, max_value=20_000_000_00),
    paying=st.sets(st.sampled_from(["RW9", "QW9", "LA901", "M90001"]), max_size=3),
)
def test_the_forum_chosen_always_holds_every_organisation_that_pays(value, paying):
    members = {"place": {"QW9", "LA901", "M90001"}, "system": {"RW9", "QW9", "LA901"}}
    r = d.route(value, INVEST, PARENTS, members=members, paying=paying)
    limits = {g.forum: g.limit_pence for g in INVEST}
    if r.forum is not None:
        assert paying <= members[r.forum] and value <= limits[r.forum]
    else:  # no forum both holds them all and may spend this much
        assert all(not paying <= members[f] or value > limits[f] for f in limits)
