"""Request and response shapes of who has voted, reminders and paper ballots."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, RootModel

from principles_app.web.api.schemas import StrictModel
from principles_app.web.api.voting_schemas import CHOICE, WEIGHT


class TurnoutOut(BaseModel):
    """One organisation of the round's electorate and whether it has voted (never what it chose)."""

    organisation_id: int
    name: str
    voted: bool


class TurnoutList(RootModel[list[TurnoutOut]]):
    """The round's eligible organisations, by name."""


class ReminderOut(BaseModel):
    """The reminder queued: the organisations reminded and the messages queued for their users."""

    motion_id: int
    organisation_ids: list[int]
    recipients: int
    sent_at: datetime


class PaperBallotIn(StrictModel):
    """An organisation's choice copied from its paper form."""

    choice: CHOICE
    paper: Literal[True] = Field(description="must be true: the ballot is entered from a paper form")


class PaperBallotOut(BaseModel):
    """The ballot recorded from paper; hand the receipt to the organisation."""

    organisation_id: int
    choice: CHOICE
    weight: str = WEIGHT
    receipt: str
    cast_at: datetime
    paper: bool
