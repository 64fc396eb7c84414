"""The secret address of a person's calendar feed, stored hashed."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from principles_app.db import Base, created_at


class CalendarFeed(Base):
    """One feed address per user; renewing it replaces the hash, so the old address stops at once."""

    __tablename__ = "calendar_feed"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    created_at: Mapped[created_at]
