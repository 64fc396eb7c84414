"""Amendment states are one table: final states stay final, a revision clears a conflict."""

from __future__ import annotations

import pytest

from principles_app.domain.amendments import (
    ACTIONS,
    FINAL_STATES,
    TRANSITIONS,
    AmendmentStatus,
    IllegalAmendmentMove,
    allowed_actions,
    next_status,
)


def test_an_open_amendment_can_be_merged_rejected_withdrawn_or_put_in_conflict():
    assert next_status("open", "merge") is AmendmentStatus.MERGED
    assert next_status("open", "reject") is AmendmentStatus.REJECTED
    assert next_status("open", "withdraw") is AmendmentStatus.WITHDRAWN
    assert next_status("open", "conflict") is AmendmentStatus.CONFLICTED


def test_revising_a_conflicted_amendment_reopens_it():
    assert next_status("conflicted", "revise") is AmendmentStatus.OPEN


def test_a_conflicted_amendment_cannot_be_merged_until_revised():
    with pytest.raises(IllegalAmendmentMove):
        next_status("conflicted", "merge")


@pytest.mark.parametrize("status", sorted(FINAL_STATES))
@pytest.mark.parametrize("action", ACTIONS)
def test_withdrawn_rejected_and_merged_are_final(status, action):
    with pytest.raises(IllegalAmendmentMove):
        next_status(status, action)
    assert allowed_actions(status) == ()


def test_every_transition_uses_known_states_and_actions():
    for (status, action), target in TRANSITIONS.items():
        assert status in AmendmentStatus and target in AmendmentStatus and action in ACTIONS


def test_an_unknown_action_is_a_bug_not_a_conflict():
    with pytest.raises(ValueError):
        next_status("open", "approve")
