"""Threaded comments on principles and amendments, their history, flags and activity visits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from principles_app.db import Base, UTCDateTime, created_at, int_pk
from principles_app.domain.comments import HiddenCategory, Stance, TargetType
from principles_app.models.organisation import Organisation, User, enum_column

__all__ = [
    "Comment",
    "CommentActivityVisit",
    "CommentFlag",
    "CommentRevision",
    "HiddenCategory",
    "Stance",
    "TargetType",
]


class Comment(Base):
    """One comment in a thread; deleting keeps a tombstone so replies stay in place."""

    __tablename__ = "comment"
    __table_args__ = (Index("ix_comment_target", "target_type", "target_id"),)

    id: Mapped[int_pk]
    target_type: Mapped[TargetType] = mapped_column(enum_column(TargetType, "comment_target_type"), nullable=False)
    target_id: Mapped[int] = mapped_column(Integer, nullable=False)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), nullable=False, index=True)
    # The organisation the author spoke for when posting; later moves do not rewrite history.
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), nullable=False, index=True)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    # Rendered once on write ("cooked"), so a long thread renders without re-parsing every body.
    body_html: Mapped[str] = mapped_column(Text, nullable=False)
    stance: Mapped[Stance | None] = mapped_column(enum_column(Stance, "comment_stance"))
    anonymous: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    created_at: Mapped[created_at]
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    hidden_category: Mapped[HiddenCategory | None] = mapped_column(
        enum_column(HiddenCategory, "comment_hidden_category")
    )
    hidden_reason: Mapped[str | None] = mapped_column(Text)
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    pending_review: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    author: Mapped[User] = relationship(foreign_keys=[author_id], lazy="raise")
    organisation: Mapped[Organisation] = relationship(lazy="raise")

    @property
    def is_deleted(self) -> bool:
        """Tell whether the author deleted it (a tombstone)."""
        return self.deleted_at is not None

    @property
    def is_hidden(self) -> bool:
        """Tell whether moderation (or enough flags) hid it."""
        return self.hidden_at is not None


class CommentRevision(Base):
    """An earlier body of an edited comment."""

    __tablename__ = "comment_revision"

    id: Mapped[int_pk]
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"), nullable=False, index=True)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    written_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    replaced_at: Mapped[created_at]


class CommentFlag(Base):
    """A member organisation's report that a comment needs moderation."""

    __tablename__ = "comment_flag"
    __table_args__ = (UniqueConstraint("comment_id", "organisation_id"),)

    id: Mapped[int_pk]
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"), nullable=False, index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), nullable=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[created_at]
    # Set when the secretariat hides or restores: a resolved flag no longer counts.
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class CommentActivityVisit(Base):
    """When a user last opened their comment activity page."""

    __tablename__ = "comment_activity_visit"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    visited_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
