"""The email outbox: one row per message, written in the same transaction as its event."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from principles_app.db import Base, UTCDateTime, created_at, int_pk, utcnow
from principles_app.models.organisation import User


class OutboxMessage(Base):
    """An email waiting to be sent, being sent, sent, or given up on.

    ``digest`` rows are not sent on their own: the daily digest of their recipient collects them
    (``digest_id`` then points at the digest message). Senders claim a row with a conditional
    UPDATE (``claim_token``/``claimed_at``) so two concurrent runs never send it twice.
    """

    __tablename__ = "outbox_message"
    __table_args__ = (
        Index("ix_outbox_message_due", "sent_at", "send_after"),
        CheckConstraint("user_id IS NOT NULL OR to_address IS NOT NULL", name="has_recipient"),
    )

    id: Mapped[int_pk]
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    # A message to someone without an account (an endorser confirming their address) names the address.
    to_address: Mapped[str | None] = mapped_column(String(254))
    event: Mapped[str] = mapped_column(String(64), nullable=False)
    subject: Mapped[str] = mapped_column(String(300), nullable=False)
    body_text: Mapped[str] = mapped_column(Text, nullable=False)
    body_html: Mapped[str] = mapped_column(Text, nullable=False)
    language: Mapped[str] = mapped_column(String(8), nullable=False, default="en")
    # Set for events that must reach a user once only (e.g. one reminder per round).
    dedup_key: Mapped[str | None] = mapped_column(String(128), unique=True)
    digest: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    digest_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_message.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[created_at]
    send_after: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claim_token: Mapped[str | None] = mapped_column(String(32))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User | None] = relationship(lazy="joined")
