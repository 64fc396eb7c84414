"""The words of a vote: ballot choices, majorities, secrecy, what a motion became, and each kind's defaults.

Pure Python. ``tally.py`` counts with these, the models store them, the API and the
forms offer them and ``labels.py`` names them; nothing else spells them out.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

from principles_app.domain.rounds import RoundKind


class Choice(StrEnum):
    """Say what an organisation's ballot chooses."""

    YES = "yes"
    NO = "no"
    ABSTAIN = "abstain"


class Majority(StrEnum):
    """Say how much yes a motion needs to pass."""

    SIMPLE = "simple"
    TWO_THIRDS = "two_thirds"
    THREE_QUARTERS = "three_quarters"
    ABSOLUTE = "absolute"


class Secrecy(StrEnum):
    """Say whether a round's roll-call names the organisations after close."""

    NAMED = "named"
    SECRET = "secret"


class MotionOutcome(StrEnum):
    """Say what the tally made of a motion at close."""

    PASSED = "passed"
    FAILED = "failed"


class MotionEffect(StrEnum):
    """Say what closing did with a motion."""

    MERGED = "merged"  # a passed amendment, merged into the working draft
    REJECTED = "rejected"  # a failed amendment
    CONFLICTED = "conflicted"  # passed, but an earlier merge changed its principle
    ADOPTABLE = "adoptable"  # a passed adoption motion: the version may be published
    NOT_ADOPTABLE = "not_adoptable"
    SKIPPED = "skipped"  # the amendment left the vote before close


class RoundSettings(NamedTuple):
    """A round's majority and quorum (a fraction of the eligible weight)."""

    majority: Majority
    quorum: Decimal


DEFAULT_QUORUM = Decimal("0.5")
DEFAULT_SECRECY = Secrecy.NAMED

#: What a round of each kind uses unless the secretariat chooses otherwise (SPEC §4).
ROUND_DEFAULTS: dict[RoundKind, RoundSettings] = {
    RoundKind.AMENDMENTS: RoundSettings(Majority.SIMPLE, DEFAULT_QUORUM),
    RoundKind.VOTING: RoundSettings(Majority.SIMPLE, DEFAULT_QUORUM),
    RoundKind.ADOPTION: RoundSettings(Majority.TWO_THIRDS, DEFAULT_QUORUM),
    # A consultation collects key points, never ballots: its settings are only stored.
    RoundKind.CONSULTATION: RoundSettings(Majority.SIMPLE, DEFAULT_QUORUM),
}


def default_settings(round_kind: RoundKind | str) -> RoundSettings:
    """Return the default (majority, quorum) for a kind of round."""
    try:
        return ROUND_DEFAULTS[RoundKind(round_kind)]
    except ValueError:
        raise ValueError(f"unknown round kind {round_kind!r}") from None


def outcome_of(passed: bool) -> MotionOutcome:
    """Return the outcome a tally gives a motion."""
    return MotionOutcome.PASSED if passed else MotionOutcome.FAILED


def adoption_effect(passed: bool) -> MotionEffect:
    """Return what closing an adoption motion says about its version."""
    return MotionEffect.ADOPTABLE if passed else MotionEffect.NOT_ADOPTABLE
