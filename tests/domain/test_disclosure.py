"""A secret round's breakdown never shows the choices of fewer organisations than the threshold."""

from __future__ import annotations

from decimal import Decimal

import pytest

from principles_app.domain.disclosure import OTHER, has_merged_groups, protect_breakdowns, protect_small_groups
from principles_app.domain.tally import CHOICES, CastBallot, Elector, tally, to_jsonable


def _result(voters: dict[str, list[str]], absent: dict[str, int] | None = None) -> dict:
    """Tally ballots given per region (one member organisation of weight 1.5 per ballot)."""
    electorate, ballots, next_id = [], [], 1
    for region, choices in voters.items():
        for choice in choices:
            electorate.append(Elector(next_id, region, "member", Decimal("1.5")))
            ballots.append(CastBallot(next_id, choice))
            next_id += 1
    for region, count in (absent or {}).items():
        for _ in range(count):
            electorate.append(Elector(next_id, region, "member", Decimal(1)))
            next_id += 1
    return to_jsonable(tally(electorate, ballots))


def _choices_visible(group: dict) -> bool:
    return all(choice in group for choice in CHOICES)


def test_a_lone_voter_in_a_region_is_merged_with_enough_others_to_hide_the_choice():
    result = _result({"africa": ["yes", "yes", "no"], "americas": ["no", "abstain", "yes"], "mena": ["no"]})
    shown = protect_small_groups(result["by_region"], 3)
    assert "mena" not in shown
    # mena alone would be one voter, and overall minus africa and americas would give it away:
    # the smallest shown region joins it.
    other = shown[OTHER]
    assert other["participation_count"] >= 3 and _choices_visible(other)
    assert other["merged"] == 2
    assert len([key for key in shown if key != OTHER]) == 1
    # Every ballot is counted exactly once.
    assert sum(g["participation_count"] for g in shown.values()) == 7
    assert sum(g["yes"]["count"] for g in shown.values()) == result["tally"]["yes"]["count"]
    assert sum(Decimal(g["no"]["weight"]) for g in shown.values()) == Decimal(result["tally"]["no"]["weight"])


def test_small_groups_that_together_reach_the_threshold_are_shown_together():
    result = _result({"africa": ["yes", "no", "no"], "americas": ["yes", "abstain"], "mena": ["no"]})
    shown = protect_small_groups(result["by_region"], 3)
    assert set(shown) == {"africa", OTHER}
    assert shown["africa"] == result["by_region"]["africa"]
    other = shown[OTHER]
    assert other["merged"] == 2 and other["participation_count"] == 3
    assert other["eligible_count"] == 3 and other["eligible_weight"] == "4.5000"
    assert {c: other[c]["count"] for c in CHOICES} == {"yes": 1, "no": 1, "abstain": 1}
    assert other["yes"]["weight"] == "1.5000"


def test_too_few_voters_overall_show_participation_only():
    result = _result({"africa": ["yes"], "mena": ["no"]}, absent={"europe_central_asia": 2})
    shown = protect_small_groups(result["by_region"], 3)
    other = shown[OTHER]
    assert other["participation_only"] is True
    assert not any(choice in other for choice in CHOICES)
    assert other["participation_count"] == 2 and other["merged"] == 2
    # A region where nobody voted reveals no choice and keeps its flag.
    assert shown["europe_central_asia"]["no_participation"] is True


def test_groups_large_enough_are_left_as_they_are():
    result = _result({"africa": ["yes", "no", "no"], "americas": ["yes", "abstain", "no"]}, absent={"mena": 1})
    assert protect_small_groups(result["by_region"], 3) == result["by_region"]
    assert not has_merged_groups(protect_breakdowns(result, 3))


def test_the_threshold_is_the_smallest_group_shown():
    result = _result({"africa": ["yes", "no"], "americas": ["yes", "abstain", "no", "no"]})
    assert protect_small_groups(result["by_region"], 2) == result["by_region"]
    assert OTHER in protect_small_groups(result["by_region"], 3)


def test_both_breakdowns_are_protected_and_nothing_else_changes():
    result = _result({"africa": ["yes", "yes", "no"], "mena": ["no"]})
    protected = protect_breakdowns(result, 3)
    assert has_merged_groups(protected)
    assert "mena" not in protected["by_region"]
    assert protected["by_category"] == result["by_category"]  # four members: one category of four
    assert {k: v for k, v in protected.items() if k != "by_region"} == {
        k: v for k, v in result.items() if k != "by_region"
    }


def test_a_threshold_that_is_not_a_count_is_refused():
    with pytest.raises(ValueError):
        protect_small_groups({}, -1)
    with pytest.raises(ValueError):
        protect_small_groups({}, True)
