"""Documents, their principles and immutable versions; amendments with their history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from principles_app.db import Base, UTCDateTime, created_at, int_pk, str_name, utcnow
from principles_app.domain.amendments import AmendmentKind, AmendmentStatus
from principles_app.domain.procedure import Answer, Procedure
from principles_app.models.organisation import Organisation, User, enum_column


class Document(Base):
    """A shared text: a title, a preamble and an ordered list of principles."""

    __tablename__ = "document"

    id: Mapped[int_pk]
    slug: Mapped[str] = mapped_column(String(100), unique=True, nullable=False)
    title: Mapped[str_name]
    preamble: Mapped[str] = mapped_column(Text, nullable=False, default="")
    current_version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    # Bumped by every merge as its first statement: the row lock that serialises merges.
    lock_version: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    created_at: Mapped[created_at]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    principles: Mapped[list[Principle]] = relationship(
        order_by="Principle.number",
        viewonly=True,
        primaryjoin="and_(Document.id == Principle.document_id, Principle.number.is_not(None))",
    )


class Principle(Base):
    """One principle of a document; its id is stable, its number follows the order."""

    __tablename__ = "principle"

    id: Mapped[int_pk]
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), nullable=False, index=True)
    # 1-based position in the working draft; None once a merged amendment deleted it.
    number: Mapped[int | None] = mapped_column(Integer)
    title: Mapped[str_name]
    text: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[created_at]
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    document: Mapped[Document] = relationship()

    @property
    def is_deleted(self) -> bool:
        """Tell whether a merged amendment removed this principle."""
        return self.number is None


class Version(Base):
    """An immutable snapshot of the whole document after creation or a merge."""

    __tablename__ = "document_version"
    __table_args__ = (UniqueConstraint("document_id", "number"),)

    id: Mapped[int_pk]
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), nullable=False, index=True)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    merged_amendment_ids: Mapped[list[int]] = mapped_column(JSON, nullable=False, default=list)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[created_at]

    document: Mapped[Document] = relationship()


class Amendment(Base):
    """A proposal to modify, insert or delete one principle, with its reason and sponsors."""

    __tablename__ = "amendment"

    id: Mapped[int_pk]
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), nullable=False, index=True)
    kind: Mapped[AmendmentKind] = mapped_column(enum_column(AmendmentKind, "amendment_kind"), nullable=False)
    status: Mapped[AmendmentStatus] = mapped_column(
        enum_column(AmendmentStatus, "amendment_status"), nullable=False, default=AmendmentStatus.OPEN, index=True
    )
    # The principle modified or deleted; for an insert, the new principle once merged.
    principle_id: Mapped[int | None] = mapped_column(ForeignKey("principle.id"), index=True)
    # For an insert: the principle it goes after (None = first).
    after_principle_id: Mapped[int | None] = mapped_column(ForeignKey("principle.id"))
    base_version: Mapped[int] = mapped_column(Integer, nullable=False)
    base_title: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    base_text: Mapped[str] = mapped_column(Text, nullable=False, default="")
    proposed_title: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    proposed_text: Mapped[str] = mapped_column(Text, nullable=False, default="")
    original_proposed_title: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    original_proposed_text: Mapped[str] = mapped_column(Text, nullable=False, default="")
    rationale: Mapped[str] = mapped_column(Text, nullable=False)
    proposer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), nullable=False)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), nullable=False, index=True)
    merged_in_version: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[created_at]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    document: Mapped[Document] = relationship()
    principle: Mapped[Principle | None] = relationship(foreign_keys=[principle_id])
    after_principle: Mapped[Principle | None] = relationship(foreign_keys=[after_principle_id])
    proposer: Mapped[User] = relationship(foreign_keys=[proposer_id])
    organisation: Mapped[Organisation] = relationship(foreign_keys=[organisation_id])
    cosponsors: Mapped[list[AmendmentCosponsor]] = relationship(
        back_populates="amendment", order_by="AmendmentCosponsor.id"
    )
    revisions: Mapped[list[AmendmentRevision]] = relationship(
        back_populates="amendment", order_by="AmendmentRevision.number"
    )
    # Loaded with the amendment in one more query per list, never one per amendment.
    recommendation: Mapped[Recommendation | None] = relationship(
        back_populates="amendment", uselist=False, lazy="selectin", foreign_keys="Recommendation.amendment_id"
    )

    @property
    def principle_number(self) -> int | None:
        """The number of the principle it concerns; for an insert, of the one it follows (0: first)."""
        if self.kind == AmendmentKind.INSERT:
            return self.after_principle.number if self.after_principle is not None else 0
        return self.principle.number if self.principle is not None else None


class AmendmentRevision(Base):
    """One entry of an amendment's history: proposed, revised or rebased text."""

    __tablename__ = "amendment_revision"
    __table_args__ = (UniqueConstraint("amendment_id", "number"),)

    id: Mapped[int_pk]
    amendment_id: Mapped[int] = mapped_column(
        ForeignKey("amendment.id", ondelete="CASCADE"), nullable=False, index=True
    )
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    reason: Mapped[str] = mapped_column(String(32), nullable=False)  # proposed, revised, rebased, conflicted
    base_version: Mapped[int] = mapped_column(Integer, nullable=False)
    base_text: Mapped[str] = mapped_column(Text, nullable=False, default="")
    proposed_title: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    proposed_text: Mapped[str] = mapped_column(Text, nullable=False, default="")
    rationale: Mapped[str] = mapped_column(Text, nullable=False, default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[created_at]

    amendment: Mapped[Amendment] = relationship(back_populates="revisions")
    user: Mapped[User | None] = relationship()


class AmendmentCosponsor(Base):
    """Another member organisation backing an amendment."""

    __tablename__ = "amendment_cosponsor"
    __table_args__ = (UniqueConstraint("amendment_id", "organisation_id"),)

    id: Mapped[int_pk]
    amendment_id: Mapped[int] = mapped_column(
        ForeignKey("amendment.id", ondelete="CASCADE"), nullable=False, index=True
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), nullable=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), nullable=False)
    created_at: Mapped[created_at]

    amendment: Mapped[Amendment] = relationship(back_populates="cosponsors")
    organisation: Mapped[Organisation] = relationship(lazy="joined")
    user: Mapped[User] = relationship()


class Recommendation(Base):
    """The secretariat's recommendation on an amendment, and the proposer's answer to it."""

    __tablename__ = "amendment_recommendation"

    id: Mapped[int_pk]
    amendment_id: Mapped[int] = mapped_column(
        ForeignKey("amendment.id", ondelete="CASCADE"), nullable=False, unique=True
    )
    procedure: Mapped[Procedure] = mapped_column(enum_column(Procedure, "recommendation_procedure"), nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    # For ``modified``: the committee's text for the principle.
    text: Mapped[str | None] = mapped_column(Text)
    # For ``covered_by``: the amendment that says the same.
    covered_by_id: Mapped[int | None] = mapped_column(ForeignKey("amendment.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), nullable=False)
    answer: Mapped[Answer | None] = mapped_column(enum_column(Answer, "recommendation_answer"))
    answer_comment: Mapped[str | None] = mapped_column(Text)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[created_at]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    amendment: Mapped[Amendment] = relationship(back_populates="recommendation", foreign_keys=[amendment_id])
