"""What members notice about vote counting: exact, fair, order-free, float-free."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from principles_app.domain.tally import (
    CATEGORIES,
    CHOICES,
    MAJORITIES,
    REGIONS,
    CastBallot,
    Elector,
    GroupTally,
    TallyResult,
    default_settings,
    majority_holds,
    participation,
    participation_to_jsonable,
    tally,
    to_jsonable,
)

D = Decimal


def electorate_of(*weights: str, region: str = "africa", category: str = "member") -> list[Elector]:
    """Build an electorate numbered from 1, all in one region and category."""
    return [Elector(i, region, category, D(w)) for i, w in enumerate(weights, start=1)]


def ballots_of(*choices: str | None) -> list[CastBallot]:
    """Build ballots for organisations 1..n; None means that organisation did not vote."""
    return [CastBallot(i, c) for i, c in enumerate(choices, start=1) if c is not None]


def floats_in(value: Any, path: str = "result") -> list[str]:
    """Walk any result structure and list where a float hides."""
    if isinstance(value, float):
        return [path]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = dataclasses.fields(value)
        return [p for f in fields for p in floats_in(getattr(value, f.name), f"{path}.{f.name}")]
    if isinstance(value, dict):
        found = [p for k in value for p in floats_in(k, f"{path}[key]")]
        return found + [p for k, v in value.items() for p in floats_in(v, f"{path}[{k!r}]")]
    if isinstance(value, (list, tuple, set, frozenset)):
        return [p for i, v in enumerate(value) for p in floats_in(v, f"{path}[{i}]")]
    return []


# --- majorities, table-driven -------------------------------------------------

MAJORITY_TABLE = [
    # (majority, yes, no, eligible, passes, why)
    ("simple", "1", "0", "1", True, "one yes and nothing against"),
    ("simple", "0.0001", "0", "100", True, "any yes beats no no"),
    ("simple", "5.0001", "5", "20", True, "one unit more than no"),
    ("simple", "5", "5", "20", False, "tie"),
    ("simple", "4.9999", "5", "20", False, "one unit less than no"),
    ("two_thirds", "2", "1", "3", True, "exactly two thirds"),
    ("two_thirds", "1.9999", "1", "3", False, "one unit below two thirds"),
    ("two_thirds", "0.6666", "0.3333", "1", True, "thirds written with four places"),
    ("two_thirds", "0.6666", "0.3334", "1", False, "just under two thirds"),
    ("two_thirds", "1", "0", "100", True, "unanimous among those voting yes or no"),
    ("three_quarters", "3", "1", "4", True, "exactly three quarters"),
    ("three_quarters", "2.9999", "1", "4", False, "one unit below three quarters"),
    ("three_quarters", "2", "1", "3", False, "two thirds is not three quarters"),
    ("absolute", "5.0001", "0", "10", True, "more than half of all eligible"),
    ("absolute", "5", "0", "10", False, "exactly half of all eligible is not more"),
    ("absolute", "5", "1", "10", False, "abstainers and absentees still count in the base"),
    ("absolute", "6", "4", "10", True, "clear absolute majority"),
]


@pytest.mark.parametrize(
    ("majority", "yes", "no", "eligible", "passes"),
    [row[:5] for row in MAJORITY_TABLE],
    ids=[f"{row[0]}: {row[5]}" for row in MAJORITY_TABLE],
)
def test_majority_table(majority: str, yes: str, no: str, eligible: str, passes: bool) -> None:
    assert majority_holds(majority, D(yes), D(no), D(eligible)) is passes


@pytest.mark.parametrize("majority", MAJORITIES)
@pytest.mark.parametrize("amount", ["0", "0.0001", "1", "7.5"])
def test_a_tie_never_passes_even_0_to_0(majority: str, amount: str) -> None:
    assert majority_holds(majority, D(amount), D(amount), D("0")) is False
    assert majority_holds(majority, D(amount), D(amount), D("1000")) is False


@pytest.mark.parametrize("majority", MAJORITIES)
def test_a_round_where_nobody_voted_passes_nothing(majority: str) -> None:
    result = tally(electorate_of("1", "1"), [], majority, D("0"))
    assert result.quorum_reached is True  # a zero quorum is reached by nobody...
    assert result.passed is False  # ...but 0 to 0 is a tie, and a tie never passes.
    assert result.passed_by_count is False


def test_an_empty_electorate_passes_nothing() -> None:
    result = tally([], [])
    assert result.passed is False
    assert result.overall.no_participation is False  # nobody was eligible, so nobody stayed away
    assert result.overall.eligible_count == 0
    assert result.by_region == {} and result.by_category == {}


def test_the_exact_two_thirds_boundary_passes_and_one_unit_below_fails() -> None:
    at_boundary = tally(electorate_of("2", "1"), ballots_of("yes", "no"), "two_thirds")
    below = tally(electorate_of("1.9999", "1"), ballots_of("yes", "no"), "two_thirds")
    assert at_boundary.passed is True
    assert below.passed is False


def test_the_exact_three_quarters_boundary_passes_and_one_unit_below_fails() -> None:
    assert tally(electorate_of("3", "1"), ballots_of("yes", "no"), "three_quarters").passed
    assert not tally(electorate_of("2.9999", "1"), ballots_of("yes", "no"), "three_quarters").passed


def test_thirds_never_round_the_wrong_way() -> None:
    # Three equal members, two for and one against: exactly two thirds.
    assert tally(electorate_of("1", "1", "1"), ballots_of("yes", "yes", "no"), "two_thirds").passed
    # Same with weights that are "a third" written to four places.
    thirds = electorate_of("0.3333", "0.3333", "0.3333")
    assert tally(thirds, ballots_of("yes", "yes", "no"), "two_thirds").passed
    # If the opponent carries the extra 0.0001, yes is short of two thirds.
    uneven = electorate_of("0.3333", "0.3333", "0.3334")
    assert not tally(uneven, ballots_of("yes", "yes", "no"), "two_thirds").passed
    # Thirds summed many times do not drift (0.1 + 0.2 style errors).
    many = electorate_of(*["0.1"] * 20, *["0.2"] * 5)
    result = tally(many, ballots_of(*["yes"] * 20, *["no"] * 5), "two_thirds")
    assert result.overall.yes.weight == D("2.0000") and result.overall.no.weight == D("1.0000")
    assert result.passed


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=10**20).map(lambda n: Decimal(n).scaleb(-4)))
def test_exact_boundaries_pass_for_any_weight_and_one_unit_less_fails(unit: Decimal) -> None:
    # e.g. 0.0003 yes against 0.0001 no is exactly three quarters, though 0.0003/0.0004
    # is 0.7499999999999999 in binary floating point.
    tiny = Decimal("0.0001")
    for majority, share in (("two_thirds", 2), ("three_quarters", 3)):
        yes, no = share * unit, unit
        assert majority_holds(majority, yes, no, yes + no)
        assert not majority_holds(majority, yes - tiny, no, yes + no)
    assert majority_holds("absolute", unit + tiny, Decimal(0), 2 * unit)
    assert not majority_holds("absolute", unit, Decimal(0), 2 * unit)


def test_abstentions_count_toward_quorum_but_not_toward_the_majority() -> None:
    electorate = electorate_of("1", "1", "1", "1")
    with_abstentions = tally(electorate, ballots_of("yes", "abstain", "abstain", None))
    without = tally(electorate, ballots_of("yes", None, None, None))
    assert with_abstentions.quorum_reached and with_abstentions.passed
    assert with_abstentions.overall.participation_weight == D("3")
    assert not without.quorum_reached and not without.passed
    # Under two thirds, abstainers do not dilute the yes share.
    big = electorate_of("2", "1", "5")
    assert tally(big, ballots_of("yes", "no", "abstain"), "two_thirds").passed


def test_absolute_majority_counts_all_eligible_weight() -> None:
    electorate = electorate_of("5", "1", "4")  # 10 eligible
    # 5 yes against 1 no is a simple majority, but not more than half of all 10.
    assert tally(electorate, ballots_of("yes", "no", None), "simple", D("0")).passed
    assert not tally(electorate, ballots_of("yes", "no", None), "absolute", D("0")).passed
    tipped = electorate_of("5.0001", "1", "3.9999")
    assert tally(tipped, ballots_of("yes", "no", None), "absolute", D("0")).passed


def test_the_quorum_boundary_is_exact() -> None:
    electorate = electorate_of("1.5", "1.5")  # 3 eligible, half is 1.5
    assert tally(electorate, ballots_of("yes", None)).quorum_reached
    short = electorate_of("1.4999", "1.5001")
    assert not tally(short, ballots_of("yes", None)).quorum_reached
    # A quorum of 1 needs everyone; a quorum of 0 needs no one.
    assert not tally(electorate, ballots_of("yes", None), quorum=D("1")).quorum_reached
    assert tally(electorate, ballots_of("yes", "abstain"), quorum=D("1")).quorum_reached


def test_a_motion_passes_only_with_both_quorum_and_majority() -> None:
    electorate = electorate_of("1", "1", "1", "1")
    majority_without_quorum = tally(electorate, ballots_of("yes", None, None, None))
    quorum_without_majority = tally(electorate, ballots_of("yes", "no", None, None))
    assert not majority_without_quorum.passed and not quorum_without_majority.passed
    assert tally(electorate, ballots_of("yes", "no", "yes", None)).passed


def test_weighted_and_one_organisation_one_vote_figures_side_by_side() -> None:
    # A regional network of weight 5 says yes; three weight-1 members say no.
    electorate = electorate_of("5", "1", "1", "1")
    result = tally(electorate, ballots_of("yes", "no", "no", "no"))
    assert (result.overall.yes.count, result.overall.yes.weight) == (1, D("5"))
    assert (result.overall.no.count, result.overall.no.weight) == (3, D("3"))
    assert result.passed is True  # decided on weights
    assert result.passed_by_count is False  # informational: counts would reject it
    # And the other way round.
    reverse = tally(electorate, ballots_of("no", "yes", "yes", "yes"))
    assert reverse.passed is False and reverse.passed_by_count is True
    # The count view applies its own quorum: one heavy voter is not half the members.
    lone = tally(electorate, ballots_of("yes", None, None, None))
    assert lone.quorum_reached and lone.passed
    assert not lone.quorum_reached_by_count and not lone.passed_by_count


def test_a_region_with_no_participation_is_flagged() -> None:
    electorate = [
        Elector(1, "africa", "member", D("2")),
        Elector(2, "africa", "member", D("1")),
        Elector(3, "mena", "member", D("1")),
        Elector(4, "international", "secretariat", D("0")),
    ]
    result = tally(electorate, [CastBallot(1, "yes"), CastBallot(4, "abstain")])
    # Only regions with eligible organisations appear.
    assert set(result.by_region) == {"africa", "mena", "international"}
    assert result.by_region["mena"].no_participation is True
    assert result.by_region["africa"].no_participation is False
    # A zero-weight organisation that abstained still took part.
    assert result.by_region["international"].no_participation is False
    assert result.by_region["international"].participation_count == 1
    data = to_jsonable(result)
    assert data["by_region"]["mena"]["no_participation"] is True
    assert "no_participation" not in data["by_region"]["africa"]
    assert set(data["by_category"]) == {"member", "secretariat"}


def test_breakdowns_by_region_and_category() -> None:
    electorate = [
        Elector(1, "africa", "member", D("2")),
        Elector(2, "americas", "member", D("1")),
        Elector(3, "americas", "ally", D("0.5")),
        Elector(4, "europe_central_asia", "donor", D("0.25")),
    ]
    ballots = [CastBallot(1, "yes"), CastBallot(2, "no"), CastBallot(3, "abstain")]
    result = tally(electorate, ballots)
    americas = result.by_region["americas"]
    assert (americas.no.count, americas.no.weight) == (1, D("1"))
    assert (americas.abstain.count, americas.abstain.weight) == (1, D("0.5"))
    assert (americas.eligible_count, americas.eligible_weight) == (2, D("1.5"))
    assert (americas.participation_count, americas.participation_weight) == (2, D("1.5"))
    assert result.by_category["member"].yes.weight == D("2")
    assert result.by_category["donor"].no_participation is True
    assert list(result.by_region) == ["africa", "americas", "europe_central_asia"]  # spec order


def test_json_shape_has_every_weight_as_a_four_place_string() -> None:
    electorate = [Elector(1, "africa", "member", D("2")), Elector(2, "mena", "ally", D("0.3333"))]
    result = tally(electorate, [CastBallot(1, "yes")], "two_thirds", D("0.5"))
    data = to_jsonable(result)
    assert data["tally"] == {
        "yes": {"count": 1, "weight": "2.0000"},
        "no": {"count": 0, "weight": "0.0000"},
        "abstain": {"count": 0, "weight": "0.0000"},
    }
    assert data["eligible_count"] == 2 and data["eligible_weight"] == "2.3333"
    assert data["participation_count"] == 1 and data["participation_weight"] == "2.0000"
    assert data["majority"] == "two_thirds" and data["quorum"] == "0.5000"
    assert data["quorum_reached"] is True and data["passed"] is True
    assert data["passed_by_count"] is True
    assert data["by_region"]["mena"] == {
        "yes": {"count": 0, "weight": "0.0000"},
        "no": {"count": 0, "weight": "0.0000"},
        "abstain": {"count": 0, "weight": "0.0000"},
        "eligible_count": 1,
        "eligible_weight": "0.3333",
        "participation_count": 0,
        "participation_weight": "0.0000",
        "no_participation": True,
    }
    assert json.loads(json.dumps(data)) == data


def test_participation_shows_turnout_without_choices() -> None:
    electorate = [
        Elector(1, "africa", "member", D("2")),
        Elector(2, "africa", "member", D("1")),
        Elector(3, "asia_pacific", "member", D("1")),
    ]
    p = participation(electorate, [CastBallot(1, "no"), CastBallot(3, "abstain")])
    assert (p.count, p.weight, p.eligible_count, p.eligible_weight) == (2, D("3"), 3, D("4"))
    assert p.by_region["africa"].count == 1 and p.by_region["africa"].weight == D("2")
    data = participation_to_jsonable(p)
    assert data == {
        "count": 2,
        "weight": "3.0000",
        "eligible_count": 3,
        "eligible_weight": "4.0000",
        "by_region": {
            "africa": {"count": 1, "weight": "2.0000", "eligible_count": 2, "eligible_weight": "3.0000"},
            "asia_pacific": {"count": 1, "weight": "1.0000", "eligible_count": 1, "eligible_weight": "1.0000"},
        },
    }


def test_default_settings_per_round_kind() -> None:
    assert default_settings("amendments") == ("simple", D("0.5"))
    assert default_settings("voting") == ("simple", D("0.5"))
    assert default_settings("adoption") == ("two_thirds", D("0.5"))
    with pytest.raises(ValueError):
        default_settings("referendum")


# --- strictness ----------------------------------------------------------------


def test_a_ballot_from_outside_the_electorate_is_refused() -> None:
    with pytest.raises(ValueError, match="outside the electorate"):
        tally(electorate_of("1"), [CastBallot(1, "yes"), CastBallot(99, "no")])
    with pytest.raises(ValueError, match="outside the electorate"):
        participation(electorate_of("1"), [CastBallot(99, "no")])


def test_an_organisation_cannot_vote_twice() -> None:
    with pytest.raises(ValueError, match="more than one ballot"):
        tally(electorate_of("1"), [CastBallot(1, "yes"), CastBallot(1, "yes")])


def test_an_organisation_cannot_appear_twice_in_the_electorate() -> None:
    with pytest.raises(ValueError, match="twice"):
        tally([Elector(1, "africa", "member", D("1"))] * 2, [])


@pytest.mark.parametrize("choice", ["maybe", "YES", ""])
def test_unknown_choices_are_refused(choice: str) -> None:
    with pytest.raises(ValueError):
        CastBallot(1, choice)

    @dataclasses.dataclass(frozen=True)
    class LooseBallot:  # something that skipped CastBallot's own check
        organisation_id: int
        choice: str

    with pytest.raises(ValueError):
        tally(electorate_of("1"), [LooseBallot(1, choice)])  # type: ignore[list-item]


def test_unknown_majority_is_refused() -> None:
    with pytest.raises(ValueError):
        tally(electorate_of("1"), [], majority="plurality")
    with pytest.raises(ValueError):
        majority_holds("unanimous", D("1"), D("0"), D("1"))


@pytest.mark.parametrize("quorum", ["-0.0001", "1.0001", "2", "NaN", "Infinity"])
def test_quorum_outside_zero_to_one_is_refused(quorum: str) -> None:
    with pytest.raises(ValueError):
        tally(electorate_of("1"), [], quorum=D(quorum))


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"weight": D("-1")}, ValueError),
        ({"weight": D("0.00001")}, ValueError),
        ({"weight": D("NaN")}, ValueError),
        ({"weight": 1.5}, TypeError),
        ({"weight": 1}, TypeError),
        ({"region": "europe"}, ValueError),
        ({"category": "observer"}, ValueError),
        ({"organisation_id": "1"}, TypeError),
    ],
)
def test_bad_electors_are_refused(kwargs: dict[str, Any], error: type[Exception]) -> None:
    base: dict[str, Any] = {"organisation_id": 1, "region": "africa", "category": "member", "weight": D("1")}
    with pytest.raises(error):
        Elector(**(base | kwargs))


def test_trailing_zeros_beyond_four_places_are_harmless() -> None:
    assert Elector(1, "africa", "member", D("1.000000")).weight == D("1")


def test_floats_are_refused_at_every_door() -> None:
    with pytest.raises(TypeError):
        tally(electorate_of("1"), [], quorum=0.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        majority_holds("simple", 0.6, D("0.4"), D("1"))  # type: ignore[arg-type]


# --- properties ------------------------------------------------------------------

weights = st.integers(min_value=0, max_value=10**7).map(lambda n: Decimal(n).scaleb(-4))
electors = st.tuples(st.sampled_from(REGIONS), st.sampled_from(CATEGORIES), weights)
votes = st.sampled_from((*CHOICES, None))
quorums = st.integers(min_value=0, max_value=10**4).map(lambda n: Decimal(n).scaleb(-4))
Case = tuple[list[Elector], list[CastBallot], str, Decimal]


@st.composite
def cases(draw: st.DrawFn) -> Case:
    """Draw a random electorate, ballots, majority and quorum."""
    people = draw(st.lists(electors, max_size=25))
    electorate = [Elector(i, r, c, w) for i, (r, c, w) in enumerate(people, start=1)]
    choices = draw(st.lists(votes, min_size=len(people), max_size=len(people)))
    ballots = [CastBallot(i, c) for i, c in enumerate(choices, start=1) if c is not None]
    return electorate, ballots, draw(st.sampled_from(MAJORITIES)), draw(quorums)


def reference_passes(
    yes: Fraction, no: Fraction, cast: Fraction, eligible: Fraction, majority: str, quorum: Fraction
) -> bool:
    """Decide a motion with rational arithmetic, straight from the spec's wording."""
    if cast < quorum * eligible or yes <= no:
        return False
    return {
        "simple": True,
        "two_thirds": yes >= Fraction(2, 3) * (yes + no),
        "three_quarters": yes >= Fraction(3, 4) * (yes + no),
        "absolute": yes > eligible / 2,
    }[majority]


@settings(max_examples=150, deadline=None)
@given(cases())
def test_results_match_rational_arithmetic(case: Case) -> None:
    electorate, ballots, majority, quorum = case
    result = tally(electorate, ballots, majority, quorum)
    choice_of = {b.organisation_id: b.choice for b in ballots}

    def weighed(choice: str) -> Fraction:
        chose = (e for e in electorate if choice_of.get(e.organisation_id) == choice)
        return sum((Fraction(e.weight) for e in chose), Fraction(0))

    def counted(choice: str) -> Fraction:
        return Fraction(sum(1 for e in electorate if choice_of.get(e.organisation_id) == choice))

    eligible = sum((Fraction(e.weight) for e in electorate), Fraction(0))
    cast = weighed("yes") + weighed("no") + weighed("abstain")
    assert result.passed == reference_passes(weighed("yes"), weighed("no"), cast, eligible, majority, Fraction(quorum))
    n_cast = counted("yes") + counted("no") + counted("abstain")
    assert result.passed_by_count == reference_passes(
        counted("yes"), counted("no"), n_cast, Fraction(len(electorate)), majority, Fraction(quorum)
    )


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_results_do_not_depend_on_ballot_or_elector_order(data: st.DataObject) -> None:
    electorate, ballots, majority, quorum = data.draw(cases())
    shuffled_ballots = data.draw(st.permutations(ballots))
    shuffled_electorate = data.draw(st.permutations(electorate))
    first = tally(electorate, ballots, majority, quorum)
    again = tally(shuffled_electorate, shuffled_ballots, majority, quorum)
    assert again == first
    assert to_jsonable(again) == to_jsonable(first)
    assert participation(shuffled_electorate, shuffled_ballots) == participation(electorate, ballots)


def _add(groups: list[GroupTally]) -> tuple[Any, ...]:
    """Sum several group tallies field by field."""
    return (
        tuple(sum((getattr(g, c).count for g in groups), 0) for c in CHOICES)
        + tuple(sum((getattr(g, c).weight for g in groups), Decimal(0)) for c in CHOICES)
        + (
            sum(g.eligible_count for g in groups),
            sum((g.eligible_weight for g in groups), Decimal(0)),
            sum(g.participation_count for g in groups),
            sum((g.participation_weight for g in groups), Decimal(0)),
        )
    )


@settings(max_examples=100, deadline=None)
@given(cases())
def test_regions_and_categories_add_up_to_the_whole(case: Case) -> None:
    electorate, ballots, majority, quorum = case
    result = tally(electorate, ballots, majority, quorum)
    whole = _add([result.overall])
    assert _add(list(result.by_region.values())) == whole
    assert _add(list(result.by_category.values())) == whole
    assert set(result.by_region) == {e.region for e in electorate}
    for group in [*result.by_region.values(), *result.by_category.values()]:
        assert group.no_participation == (group.participation_count == 0)
    p = participation(electorate, ballots)
    overall = result.overall
    assert (p.count, p.weight) == (overall.participation_count, overall.participation_weight)


@settings(max_examples=100, deadline=None)
@given(cases())
def test_no_float_anywhere(case: Case) -> None:
    electorate, ballots, majority, quorum = case
    result = tally(electorate, ballots, majority, quorum)
    p = participation(electorate, ballots)
    for structure in (result, to_jsonable(result), p, participation_to_jsonable(p)):
        assert floats_in(structure) == []
    assert isinstance(result, TallyResult)
    for value in (result.overall.eligible_weight, result.overall.yes.weight, result.quorum):
        assert type(value) is Decimal


def test_the_float_detector_itself_finds_floats() -> None:
    assert floats_in({"a": [Decimal(1), {"b": 0.5}]}) == ["result['a'][1]['b']"]
