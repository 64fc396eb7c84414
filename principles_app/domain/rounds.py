"""Voting rounds as a state machine held in data: one table, no scattered ifs.

Pure Python. The service layer asks here whether an action is allowed and
whether a round accepts input at a given instant; the web layer turns
``IllegalTransition`` into HTTP 409.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum


class RoundKind(StrEnum):
    """Say what a round collects: amendments, votes on them, adoption, or key points before a draft."""

    AMENDMENTS = "amendments"
    VOTING = "voting"
    ADOPTION = "adoption"
    CONSULTATION = "consultation"


class RoundState(StrEnum):
    """Say where a round is in its life."""

    SCHEDULED = "scheduled"
    OPEN = "open"
    CLOSED = "closed"


ACTIONS = ("open", "close", "extend")

# The ONE table of legal moves. Anything not listed is illegal; closed is final.
TRANSITIONS: dict[tuple[RoundState, str], RoundState] = {
    (RoundState.SCHEDULED, "open"): RoundState.OPEN,
    (RoundState.OPEN, "close"): RoundState.CLOSED,
    (RoundState.OPEN, "extend"): RoundState.OPEN,
}


class IllegalTransition(Exception):
    """Signal that an action is not allowed in a round's current state."""

    def __init__(self, state: RoundState, action: str) -> None:
        self.state = state
        self.action = action
        super().__init__(f"cannot {action} a round that is {state.value}")


def _state(state: RoundState | str) -> RoundState:
    """Return the RoundState for a state or its stored string."""
    try:
        return RoundState(state)
    except ValueError:
        raise ValueError(f"unknown round state {state!r}") from None


def _aware(*moments: datetime) -> None:
    """Refuse naive datetimes: comparing them across time zones is a silent bug."""
    for moment in moments:
        if not isinstance(moment, datetime):
            raise TypeError(f"expected a datetime, got {type(moment).__name__}")
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(f"datetime must be time-zone aware, got naive {moment!r}")


def next_state(state: RoundState | str, action: str) -> RoundState:
    """Return the state a round moves to under an action, or raise IllegalTransition."""
    current = _state(state)
    if action not in ACTIONS:
        # A typo in code is a bug (500), not a user conflict (409).
        raise ValueError(f"unknown round action {action!r}; expected one of {ACTIONS}")
    try:
        return TRANSITIONS[(current, action)]
    except KeyError:
        raise IllegalTransition(current, action) from None


def allowed_actions(state: RoundState | str) -> tuple[str, ...]:
    """List the actions the table allows from a state, for showing buttons."""
    current = _state(state)
    return tuple(action for action in ACTIONS if (current, action) in TRANSITIONS)


def accepts_input(state: RoundState | str, closes_at: datetime, now: datetime) -> bool:
    """Tell whether a round takes submissions or ballots at this instant."""
    _aware(closes_at, now)
    # Past closes_at nothing is accepted, even before anyone has closed the round.
    return _state(state) is RoundState.OPEN and now < closes_at


def is_due(state: RoundState | str, closes_at: datetime, now: datetime) -> bool:
    """Tell whether an open round has reached its closing time and should be closed."""
    _aware(closes_at, now)
    return _state(state) is RoundState.OPEN and now >= closes_at


def can_extend(state: RoundState | str, closes_at: datetime, new_closes_at: datetime, now: datetime) -> bool:
    """Tell whether an open round may have its closing time moved later."""
    _aware(closes_at, new_closes_at, now)
    # Reopening a round that has already run out would change who could take part.
    return _state(state) is RoundState.OPEN and now < closes_at and new_closes_at > closes_at and new_closes_at > now
