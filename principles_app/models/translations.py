"""Translations of principles, each remembering the source text it was made from."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from principles_app.db import Base, UTCDateTime, created_at, int_pk, str_name, utcnow
from principles_app.models.drafts import Principle
from principles_app.models.organisation import User


class PrincipleTranslation(Base):
    """A principle's title and text in another language, one row per principle and language.

    ``source_title``/``source_text`` keep the principle as it read when the translation was made,
    so a later merge shows the translation as out of date with a redline of what changed since.
    """

    __tablename__ = "principle_translation"
    __table_args__ = (UniqueConstraint("principle_id", "language"),)

    id: Mapped[int_pk]
    principle_id: Mapped[int] = mapped_column(
        ForeignKey("principle.id", ondelete="CASCADE"), nullable=False, index=True
    )
    language: Mapped[str] = mapped_column(String(8), nullable=False)
    title: Mapped[str_name]
    text: Mapped[str] = mapped_column(Text, nullable=False)
    source_title: Mapped[str] = mapped_column(String(200), nullable=False)
    source_text: Mapped[str] = mapped_column(Text, nullable=False)
    # The document version current when the translation was made.
    source_version: Mapped[int] = mapped_column(Integer, nullable=False)
    translated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[created_at]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    principle: Mapped[Principle] = relationship()
    translated_by: Mapped[User | None] = relationship()

    @property
    def stale(self) -> bool:
        """Tell whether the principle changed since this translation was made."""
        return self.principle.title != self.source_title or self.principle.text != self.source_text
