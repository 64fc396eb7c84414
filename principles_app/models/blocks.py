"""Voting blocks: the amendments one motion carries, in the order they merge when it passes."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from principles_app.db import Base, int_pk


class MotionAmendment(Base):
    """One amendment of a voting block; the motion's own ``amendment_id`` is the block's first."""

    __tablename__ = "motion_amendment"
    __table_args__ = (UniqueConstraint("motion_id", "position"), UniqueConstraint("motion_id", "amendment_id"))

    id: Mapped[int_pk]
    motion_id: Mapped[int] = mapped_column(ForeignKey("motion.id", ondelete="CASCADE"), nullable=False, index=True)
    amendment_id: Mapped[int] = mapped_column(ForeignKey("amendment.id"), nullable=False, index=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
