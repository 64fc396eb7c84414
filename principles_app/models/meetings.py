"""General Meetings of a document: attendance of the member organisations and their proxies."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from principles_app.db import Base, UTCDateTime, WeightType, created_at, int_pk, str_name, utcnow
from principles_app.models.drafts import Document


class Meeting(Base):
    """A General Meeting held in a place (and online) where a document's rounds may be voted."""

    __tablename__ = "meeting"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("quorum > 0 AND quorum <= 1", name="quorum_fraction"),
        CheckConstraint("proxy_limit >= 1", name="proxy_limit_positive"),
    )

    id: Mapped[int_pk]
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), nullable=False, index=True)
    title: Mapped[str_name]
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    time_zone: Mapped[str] = mapped_column(String(64), nullable=False)
    place: Mapped[str] = mapped_column(String(200), nullable=False)
    online_url: Mapped[str | None] = mapped_column(String(500))
    quorum: Mapped[Decimal] = mapped_column(WeightType(), nullable=False, default=Decimal("0.5"))
    proxy_limit: Mapped[int] = mapped_column(Integer, nullable=False, default=2)
    proxies_close_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[created_at]

    document: Mapped[Document] = relationship()


class Attendance(Base):
    """An organisation present at a meeting, in the room or online; absent organisations have no row."""

    __tablename__ = "attendance"
    __table_args__ = (
        UniqueConstraint("meeting_id", "organisation_id"),
        CheckConstraint("mode IN ('in_room', 'online')", name="mode_known"),
    )

    id: Mapped[int_pk]
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), nullable=False, index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), nullable=False)
    mode: Mapped[str] = mapped_column(String(16), nullable=False)  # a domain.meetings.Mode, never absent
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)


class MeetingProxy(Base):
    """A member organisation's vote at a meeting handed to another member organisation."""

    __tablename__ = "meeting_proxy"
    __table_args__ = (
        # One proxy per giver and meeting; never to itself: the database is the last line.
        UniqueConstraint("meeting_id", "giver_organisation_id"),
        CheckConstraint("giver_organisation_id <> holder_organisation_id", name="not_to_itself"),
    )

    id: Mapped[int_pk]
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), nullable=False, index=True)
    giver_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), nullable=False)
    holder_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), nullable=False, index=True)
    given_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    given_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
