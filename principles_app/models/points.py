"""Key points raised in a consultation, their themes, supports, translations and the principles they shaped."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from principles_app.db import Base, UTCDateTime, created_at, int_pk, utcnow
from principles_app.models.drafts import Document, Principle
from principles_app.models.organisation import Organisation, User


class Theme(Base):
    """A heading under which the secretariat groups a document's key points."""

    __tablename__ = "point_theme"
    __table_args__ = (UniqueConstraint("document_id", "name"),)

    id: Mapped[int_pk]
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    created_at: Mapped[created_at]


class KeyPoint(Base):
    """What an organisation says the principles must say, raised in a consultation round."""

    __tablename__ = "key_point"
    __table_args__ = (
        # A point from a live engagement session says which one and when; a typed point says neither.
        CheckConstraint(
            "(session_name IS NULL) = (session_date IS NULL)",
            name="session_named_and_dated",
        ),
        Index("ix_key_point_document_created", "document_id", "created_at"),
    )

    id: Mapped[int_pk]
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), nullable=False)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), nullable=False, index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), nullable=False, index=True)
    # Who typed it: the organisation's own user, or the secretariat for a session point.
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    language: Mapped[str] = mapped_column(String(8), nullable=False)
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("point_theme.id"), index=True)
    anonymous: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    session_name: Mapped[str | None] = mapped_column(String(200))
    session_date: Mapped[date | None] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[created_at]
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    document: Mapped[Document] = relationship()
    organisation: Mapped[Organisation] = relationship()
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    theme: Mapped[Theme | None] = relationship()

    @property
    def from_session(self) -> bool:
        """Tell whether the secretariat recorded this point in a live engagement session."""
        return self.session_name is not None


class KeyPointRevision(Base):
    """A point's earlier wording, kept each time its author edits it."""

    __tablename__ = "key_point_revision"

    id: Mapped[int_pk]
    point_id: Mapped[int] = mapped_column(ForeignKey("key_point.id", ondelete="CASCADE"), nullable=False, index=True)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    language: Mapped[str] = mapped_column(String(8), nullable=False)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[created_at]


class PointSupport(Base):
    """Another organisation backing a key point: one per organisation per point."""

    __tablename__ = "point_support"
    __table_args__ = (UniqueConstraint("point_id", "organisation_id"),)

    id: Mapped[int_pk]
    point_id: Mapped[int] = mapped_column(ForeignKey("key_point.id", ondelete="CASCADE"), nullable=False)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), nullable=False, index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), nullable=False)
    created_at: Mapped[created_at]


class PrincipleSource(Base):
    """A principle drawing on a key point, from the version it was linked in until the one it was unlinked in.

    Merges never touch these rows, so an amended principle keeps its sources; the secretariat's edit
    ends the links it removes (``until_version``) and starts the ones it adds (``from_version``).
    """

    __tablename__ = "principle_source"
    __table_args__ = (
        UniqueConstraint("principle_id", "point_id", "from_version"),
        CheckConstraint("until_version IS NULL OR until_version > from_version", name="versions_in_order"),
    )

    id: Mapped[int_pk]
    principle_id: Mapped[int] = mapped_column(ForeignKey("principle.id"), nullable=False, index=True)
    point_id: Mapped[int] = mapped_column(ForeignKey("key_point.id"), nullable=False, index=True)
    from_version: Mapped[int] = mapped_column(Integer, nullable=False)
    until_version: Mapped[int | None] = mapped_column(Integer)
    linked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[created_at]

    principle: Mapped[Principle] = relationship()
    point: Mapped[KeyPoint] = relationship()


class PointTranslation(Base):
    """A key point in another of the four languages, remembering the wording it was made from."""

    __tablename__ = "point_translation"
    __table_args__ = (UniqueConstraint("point_id", "language"),)

    id: Mapped[int_pk]
    point_id: Mapped[int] = mapped_column(ForeignKey("key_point.id", ondelete="CASCADE"), nullable=False, index=True)
    language: Mapped[str] = mapped_column(String(8), nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    source_text: Mapped[str] = mapped_column(Text, nullable=False)
    translated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[created_at]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    point: Mapped[KeyPoint] = relationship()
