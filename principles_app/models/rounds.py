"""Rounds of a document: amendments, voting or adoption, one open at a time."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from principles_app.db import Base, UTCDateTime, WeightType, created_at, int_pk, str_name
from principles_app.domain.rounds import RoundKind, RoundState
from principles_app.domain.voting import DEFAULT_QUORUM, DEFAULT_SECRECY, Majority
from principles_app.models.drafts import Document
from principles_app.models.organisation import enum_column

if TYPE_CHECKING:
    from principles_app.models.meetings import Meeting


class Round(Base):
    """A period in which a document takes amendments, ballots or its adoption vote."""

    __tablename__ = "round"
    __table_args__ = (
        # The database, not Python, guarantees one open round per document.
        Index(
            "uq_round_one_open_per_document",
            "document_id",
            unique=True,
            sqlite_where=text("state = 'open'"),
            postgresql_where=text("state = 'open'"),
        ),
    )

    id: Mapped[int_pk]
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), nullable=False, index=True)
    kind: Mapped[RoundKind] = mapped_column(enum_column(RoundKind, "round_kind"), nullable=False)
    title: Mapped[str_name]
    state: Mapped[RoundState] = mapped_column(
        enum_column(RoundState, "round_state"), nullable=False, default=RoundState.SCHEDULED
    )
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A domain.voting.Majority and Secrecy; the service fills in the kind's defaults (domain.voting).
    majority: Mapped[str] = mapped_column(String(32), nullable=False, default=Majority.SIMPLE.value)
    quorum: Mapped[Decimal] = mapped_column(WeightType(), nullable=False, default=DEFAULT_QUORUM)
    secrecy: Mapped[str] = mapped_column(String(16), nullable=False, default=DEFAULT_SECRECY.value)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[created_at]
    # The General Meeting the round is voted at, if any (SPEC §11).
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id"), index=True)

    document: Mapped[Document] = relationship()
    meeting: Mapped[Meeting | None] = relationship("Meeting")
