"""Publications of adopted versions and the cache of their rendered exports."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from principles_app.db import Base, UTCDateTime, created_at, int_pk, utcnow
from principles_app.models.drafts import Document
from principles_app.models.organisation import User


class Publication(Base):
    """An adopted version published under a label; never changes once written.

    ``record`` freezes everything an export shows (text, hash, adoption result, credits),
    so that later renames or credit opt-outs leave a publication exactly as it was.
    """

    __tablename__ = "publication"
    __table_args__ = (UniqueConstraint("document_id", "label"),)

    id: Mapped[int_pk]
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), nullable=False, index=True)
    version_number: Mapped[int] = mapped_column(Integer, nullable=False)
    label: Mapped[str] = mapped_column(String(40), nullable=False)
    approved_at: Mapped[date] = mapped_column(Date, nullable=False)
    meeting: Mapped[str] = mapped_column(String(200), nullable=False)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    record: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)

    document: Mapped[Document] = relationship()
    published_by: Mapped[User | None] = relationship()


class ExportCache(Base):
    """Rendered bytes of one export of a publication, so a PDF renders once for every worker."""

    __tablename__ = "publication_export"
    __table_args__ = (UniqueConstraint("publication_id", "format", "language"),)

    id: Mapped[int_pk]
    publication_id: Mapped[int] = mapped_column(
        ForeignKey("publication.id", ondelete="CASCADE"), nullable=False, index=True
    )
    format: Mapped[str] = mapped_column(String(8), nullable=False)
    language: Mapped[str] = mapped_column(String(8), nullable=False)
    body: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    etag: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[created_at]


class GeneratedFile(Base):
    """Rendered bytes of a generated file (a meeting pack, a translated export), shared by every worker.

    ``subject`` names what the file is of (e.g. a document version), ``fingerprint`` everything it
    shows: a change to any of it gives a new fingerprint, so a stored file is never stale.
    """

    __tablename__ = "generated_file"
    __table_args__ = (UniqueConstraint("kind", "subject", "format", "language", "fingerprint"),)

    id: Mapped[int_pk]
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    subject: Mapped[str] = mapped_column(String(64), nullable=False)
    format: Mapped[str] = mapped_column(String(8), nullable=False)
    language: Mapped[str] = mapped_column(String(8), nullable=False)
    fingerprint: Mapped[str] = mapped_column(String(64), nullable=False)
    body: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    etag: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[created_at]
