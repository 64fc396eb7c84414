"""Invitations to take part sent to quiet member organisations, at most one per round each."""

from __future__ import annotations

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from principles_app.db import Base, created_at, int_pk


class ParticipationInvitation(Base):
    """The secretariat invited an organisation that had not taken part in a round to give its views."""

    __tablename__ = "participation_invitation"
    # The database, not Python, guarantees one invitation per round and organisation.
    __table_args__ = (UniqueConstraint("round_id", "organisation_id"),)

    id: Mapped[int_pk]
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), nullable=False, index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), nullable=False)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[created_at]
