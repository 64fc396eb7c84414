"""Motions put in a round, the round's frozen electorate, ballots and their history."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from principles_app.db import Base, UTCDateTime, WeightType, created_at, int_pk, utcnow
from principles_app.domain.voting import Choice
from principles_app.models.drafts import Amendment
from principles_app.models.rounds import Round

# The ballot's check constraint, spelt from the domain's choices: "choice IN ('yes', 'no', 'abstain')".
_KNOWN_CHOICE = "choice IN ({})".format(", ".join(f"'{choice.value}'" for choice in Choice))


class Motion(Base):
    """One question put to the vote in a round: an amendment, or adoption of a version."""

    __tablename__ = "motion"
    __table_args__ = (
        UniqueConstraint("round_id", "position"),
        UniqueConstraint("round_id", "amendment_id"),
        CheckConstraint("(amendment_id IS NULL) <> (version_number IS NULL)", name="amendment_xor_version"),
    )

    id: Mapped[int_pk]
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), nullable=False, index=True)
    # The order in which it was put, and so the order it is applied at close.
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    amendment_id: Mapped[int | None] = mapped_column(ForeignKey("amendment.id"), index=True)
    # For an adoption motion: the document version being adopted.
    version_number: Mapped[int | None] = mapped_column(Integer)
    # A domain.voting.MotionOutcome, and what closing did with it: a MotionEffect.
    outcome: Mapped[str | None] = mapped_column(String(16))
    effect: Mapped[str | None] = mapped_column(String(16))
    # The tally fixed at close (domain.tally.to_jsonable), so results never drift with later edits.
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    put_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[created_at]
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    round: Mapped[Round] = relationship()
    amendment: Mapped[Amendment | None] = relationship()


class ElectorateMember(Base):
    """One eligible organisation and its weight, fixed when a voting round opened."""

    __tablename__ = "electorate_member"
    __table_args__ = (UniqueConstraint("round_id", "organisation_id"),)

    id: Mapped[int_pk]
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), nullable=False, index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), nullable=False, index=True)
    region: Mapped[str] = mapped_column(String(32), nullable=False)
    category: Mapped[str] = mapped_column(String(32), nullable=False)
    weight: Mapped[Decimal] = mapped_column(WeightType(), nullable=False)


class Ballot(Base):
    """An organisation's one current ballot on a motion, with its current receipt."""

    __tablename__ = "ballot"
    __table_args__ = (
        # The database is the last line against two delegates voting at once.
        UniqueConstraint("motion_id", "organisation_id"),
        CheckConstraint(_KNOWN_CHOICE, name="choice_known"),
    )

    id: Mapped[int_pk]
    motion_id: Mapped[int] = mapped_column(ForeignKey("motion.id"), nullable=False, index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), nullable=False)
    choice: Mapped[str] = mapped_column(String(8), nullable=False)  # a domain.voting.Choice
    receipt: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    cast_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), nullable=False)
    cast_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    changes: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # The choice the last change replaced (null until changed): lets one upsert say what it changed.
    previous_choice: Mapped[str | None] = mapped_column(String(8))
    # Entered by the secretariat from a paper form (cast_by is then the secretariat user).
    paper: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, server_default=false())
    # Cast by this organisation's delegate holding the organisation's proxy at a meeting (SPEC §11).
    proxy_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))

    motion: Mapped[Motion] = relationship()


class BallotChange(Base):
    """One cast or change of a ballot: who, when, from what, to what."""

    __tablename__ = "ballot_change"

    id: Mapped[int_pk]
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballot.id", ondelete="CASCADE"), nullable=False, index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), nullable=False)
    from_choice: Mapped[str | None] = mapped_column(String(8))
    to_choice: Mapped[str] = mapped_column(String(8), nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    # Entered by the secretariat (user) from the organisation's paper form.
    paper: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, server_default=false())


class MotionReminder(Base):
    """The last reminder sent to the organisations that have not voted on a motion.

    One row per motion, claimed by one conditional upsert: of two reminders sent at the same
    instant, or within the interval, the database lets exactly one through.
    """

    __tablename__ = "motion_reminder"

    id: Mapped[int_pk]
    motion_id: Mapped[int] = mapped_column(ForeignKey("motion.id"), nullable=False, unique=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    sent_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), nullable=False)
    sent_count: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
