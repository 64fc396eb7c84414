"""What members notice about rounds: they open, close, extend, and stop taking input on time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from principles_app.domain.rounds import (
    ACTIONS,
    TRANSITIONS,
    IllegalTransition,
    RoundKind,
    RoundState,
    accepts_input,
    allowed_actions,
    can_extend,
    is_due,
    next_state,
)

UTC = UTC
CLOSES = datetime(2025, 3, 31, 17, 0, tzinfo=UTC)
BEFORE = CLOSES - timedelta(seconds=1)
AFTER = CLOSES + timedelta(seconds=1)
LATER = CLOSES + timedelta(days=7)

LEGAL = [
    (RoundState.SCHEDULED, "open", RoundState.OPEN),
    (RoundState.OPEN, "close", RoundState.CLOSED),
    (RoundState.OPEN, "extend", RoundState.OPEN),
]
ILLEGAL = [(state, action) for state in RoundState for action in ACTIONS if (state, action) not in TRANSITIONS]


def test_the_kinds_and_states_are_the_spec_ones() -> None:
    assert [k.value for k in RoundKind] == ["amendments", "voting", "adoption", "consultation"]
    assert [s.value for s in RoundState] == ["scheduled", "open", "closed"]


def test_the_table_is_exactly_the_three_legal_moves() -> None:
    assert {(s, a): t for s, a, t in LEGAL} == TRANSITIONS


@pytest.mark.parametrize(("state", "action", "target"), LEGAL)
def test_legal_moves(state: RoundState, action: str, target: RoundState) -> None:
    assert next_state(state, action) is target
    assert next_state(state.value, action) is target  # as stored in the database


@pytest.mark.parametrize(("state", "action"), ILLEGAL, ids=[f"{s.value}-{a}" for s, a in ILLEGAL])
def test_every_move_not_in_the_table_is_illegal(state: RoundState, action: str) -> None:
    with pytest.raises(IllegalTransition) as caught:
        next_state(state, action)
    assert caught.value.state is state and caught.value.action == action
    assert state.value in str(caught.value) and action in str(caught.value)


def test_six_moves_are_illegal_and_a_closed_round_stays_closed() -> None:
    assert len(ILLEGAL) == 6
    assert allowed_actions(RoundState.CLOSED) == ()
    assert allowed_actions("scheduled") == ("open",)
    assert allowed_actions(RoundState.OPEN) == ("close", "extend")


def test_unknown_states_and_actions_are_programming_errors() -> None:
    with pytest.raises(ValueError):
        next_state("paused", "open")
    with pytest.raises(ValueError):
        next_state(RoundState.OPEN, "reopen")


def test_an_open_round_accepts_input_until_its_closing_time() -> None:
    assert accepts_input(RoundState.OPEN, CLOSES, BEFORE)
    assert not accepts_input(RoundState.OPEN, CLOSES, CLOSES)  # the closing instant is too late


def test_a_round_past_its_closing_time_accepts_nothing_even_before_anyone_closes_it() -> None:
    assert not accepts_input(RoundState.OPEN, CLOSES, AFTER)
    assert is_due(RoundState.OPEN, CLOSES, AFTER)
    assert is_due("open", CLOSES, CLOSES)


@pytest.mark.parametrize("state", [RoundState.SCHEDULED, RoundState.CLOSED])
def test_rounds_that_are_not_open_accept_nothing_and_are_never_due(state: RoundState) -> None:
    assert not accepts_input(state, CLOSES, BEFORE)
    assert not is_due(state, CLOSES, AFTER)


def test_an_open_round_before_its_time_is_not_due() -> None:
    assert not is_due(RoundState.OPEN, CLOSES, BEFORE)


def test_time_zones_are_compared_as_instants() -> None:
    paris = timezone(timedelta(hours=2))
    one_minute_before_in_paris = datetime(2025, 3, 31, 18, 59, tzinfo=paris)
    assert accepts_input(RoundState.OPEN, CLOSES, one_minute_before_in_paris)
    one_minute_after_in_paris = one_minute_before_in_paris + timedelta(minutes=2)
    assert not accepts_input(RoundState.OPEN, CLOSES, one_minute_after_in_paris)


@pytest.mark.parametrize("naive", ["closes_at", "now"])
def test_naive_datetimes_are_refused(naive: str) -> None:
    moments = {"closes_at": CLOSES, "now": BEFORE}
    moments[naive] = moments[naive].replace(tzinfo=None)
    for check in (accepts_input, is_due):
        with pytest.raises(ValueError):
            check(RoundState.OPEN, **moments)
    with pytest.raises(ValueError):
        can_extend(RoundState.OPEN, moments["closes_at"], LATER, moments["now"])
    with pytest.raises(ValueError):
        can_extend(RoundState.OPEN, CLOSES, LATER.replace(tzinfo=None), BEFORE)


def test_an_open_round_can_be_extended_to_a_later_time() -> None:
    assert can_extend(RoundState.OPEN, CLOSES, LATER, BEFORE)
    assert can_extend("open", CLOSES, CLOSES + timedelta(seconds=1), BEFORE)


def test_extending_to_the_same_or_an_earlier_time_is_refused() -> None:
    assert not can_extend(RoundState.OPEN, CLOSES, CLOSES, BEFORE)
    earlier = CLOSES - timedelta(hours=1)
    assert not can_extend(RoundState.OPEN, CLOSES, earlier, BEFORE - timedelta(days=1))


def test_a_round_past_its_closing_time_cannot_be_extended() -> None:
    assert not can_extend(RoundState.OPEN, CLOSES, LATER, AFTER)
    assert not can_extend(RoundState.OPEN, CLOSES, LATER, CLOSES)


@pytest.mark.parametrize("state", [RoundState.SCHEDULED, RoundState.CLOSED])
def test_only_open_rounds_can_be_extended(state: RoundState) -> None:
    assert not can_extend(state, CLOSES, LATER, BEFORE)


instants = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2026, 12, 31), timezones=st.just(UTC))


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(list(RoundState)), instants, instants, instants)
def test_extension_and_input_rules_agree(state: RoundState, closes_at: datetime, new: datetime, now: datetime) -> None:
    accepting = accepts_input(state, closes_at, now)
    # Exactly one of "taking input", "due to close" or "not open" holds.
    assert accepting + is_due(state, closes_at, now) + (state is not RoundState.OPEN) == 1
    if can_extend(state, closes_at, new, now):
        assert accepting and new > closes_at > now
        # After the extension the round still takes input, and the table allows the move.
        assert accepts_input(next_state(state, "extend"), new, now)
    elif accepting and new > closes_at:
        pytest.fail("an open, accepting round should be extendable to a later time")
