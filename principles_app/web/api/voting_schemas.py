"""Request and response shapes of motions, ballots and results."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from principles_app.domain.rounds import RoundState
from principles_app.domain.voting import Choice, Majority, MotionEffect, MotionOutcome
from principles_app.web.api.schemas import Id, StrictModel, literal_of

CHOICE = literal_of(Choice)
OUTCOMES = literal_of(MotionOutcome)
EFFECTS = literal_of(MotionEffect)
MAJORITIES = literal_of(Majority)
# A result is asked for only once the round has opened.
RESULT_STATES = literal_of((RoundState.OPEN, RoundState.CLOSED))
WEIGHT = Field(pattern=r"^\d+\.\d{4}$", description="exact decimal as a string, four places")


class MotionCreate(StrictModel):
    """An open amendment to put to the vote, or several as one block (they pass or fall together)."""

    amendment_id: int | None = None
    amendment_ids: list[int] | None = Field(
        default=None, min_length=1, max_length=1000, description="a voting block: merged in this order if it passes"
    )


class MotionOut(BaseModel):
    """A motion in a round, in the order it was put; outcome and effect appear at close."""

    id: int
    round_id: int
    position: int
    amendment_id: int | None
    amendment_ids: list[int] = Field(description="every amendment the motion carries, in order; empty for adoption")
    version_number: int | None
    outcome: OUTCOMES | None
    effect: EFFECTS | None


class BallotIn(StrictModel):
    """The organisation's choice on a motion."""

    choice: CHOICE
    on_behalf_of: Id | None = Field(
        default=None,
        description="the organisation whose proxy yours holds at the round's meeting: cast its ballot instead",
    )


class BallotOut(BaseModel):
    """The organisation's current ballot; keep the receipt to check the bulletin after close."""

    choice: CHOICE
    weight: str = WEIGHT
    receipt: str
    cast_at: datetime


class ChoiceFigure(BaseModel):
    """How many organisations chose something, and their weight."""

    count: int
    weight: str = WEIGHT


class RegionParticipation(BaseModel):
    """Turnout within one region."""

    count: int
    weight: str = WEIGHT
    eligible_count: int
    eligible_weight: str = WEIGHT


class ParticipationOut(BaseModel):
    """Turnout overall and by region; the only figures shown while a round is open."""

    count: int
    weight: str = WEIGHT
    eligible_count: int
    eligible_weight: str = WEIGHT
    by_region: dict[str, RegionParticipation]


class GroupTallyOut(BaseModel):
    """The tally of one region or category; no_participation is true where it cast nothing.

    In a secret round, the groups in which fewer than SECRET_MIN_GROUP organisations voted are
    merged into one group under the key `other`, which says how many groups it `merged` and never
    names them (the smallest shown group joins it while it is still too small, so that no group can
    be worked out from the overall tally). When even every ballot together is too few, `other` has
    `participation_only: true` and no yes, no or abstain figures.
    """

    yes: ChoiceFigure | None = None
    no: ChoiceFigure | None = None
    abstain: ChoiceFigure | None = None
    eligible_count: int
    eligible_weight: str = WEIGHT
    participation_count: int
    participation_weight: str = WEIGHT
    no_participation: bool = False
    merged: int | None = Field(default=None, description="in `other` only: how many groups it merges")
    participation_only: bool = Field(default=False, description="in `other` only: too few voted to show choices")


class TallyOut(BaseModel):
    """Yes, no and abstain with their counts and weights."""

    yes: ChoiceFigure
    no: ChoiceFigure
    abstain: ChoiceFigure


class BulletinEntry(BaseModel):
    """One current receipt and its choice; the organisation only in a named round."""

    receipt: str
    choice: CHOICE
    organisation: str | None = None
    cast_by_proxy: str | None = Field(
        default=None, description="named rounds: the organisation that cast this ballot as the organisation's proxy"
    )


class MotionResult(BaseModel):
    """Participation while the round is open; the full result once it is closed."""

    motion_id: int
    state: RESULT_STATES
    participation: ParticipationOut
    tally: TallyOut | None = None
    majority: MAJORITIES | None = None
    quorum: str | None = None
    quorum_reached: bool | None = None
    passed: bool | None = None
    passed_by_count: bool | None = Field(default=None, description="the same rules, one organisation one vote")
    quorum_reached_by_count: bool | None = None
    outcome: OUTCOMES | None = None
    effect: str | None = None
    by_region: dict[str, GroupTallyOut] | None = Field(
        default=None, description="by region; in a secret round small regions are merged under `other`"
    )
    by_category: dict[str, GroupTallyOut] | None = Field(
        default=None, description="by category; in a secret round small categories are merged under `other`"
    )
    bulletin: list[BulletinEntry] | None = None
