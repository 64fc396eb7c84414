"""Endorsements of a publication by organisations outside the network."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from principles_app.db import Base, UTCDateTime, created_at, int_pk, utcnow
from principles_app.domain.endorsements import EndorsementState
from principles_app.domain.organisations import Region
from principles_app.domain.text import organisation_name_key, unique_key
from principles_app.models.organisation import User, enum_column
from principles_app.models.publications import Publication

_HOLDING = "state IN ('verified', 'approved')"


class Endorsement(Base):
    """An organisation's endorsement of one publication: verified by e-mail, then approved or rejected.

    The contact address is kept to reach the endorser and is never shown. Only the hashes of the
    verification and withdrawal links are stored. One organisation (by the key of its name, as for
    members) holds one verified or approved endorsement per publication: the database decides.
    """

    __tablename__ = "endorsement"
    __table_args__ = (
        Index(
            "uq_endorsement_publication_holder",
            "publication_id",
            "name_key",
            unique=True,
            sqlite_where=text(_HOLDING),
            postgresql_where=text(_HOLDING),
        ),
        CheckConstraint("consent", name="consent_given"),
    )

    id: Mapped[int_pk]
    publication_id: Mapped[int] = mapped_column(
        ForeignKey("publication.id", ondelete="CASCADE"), nullable=False, index=True
    )
    organisation_name: Mapped[str] = mapped_column(String(200), nullable=False)
    name_key: Mapped[str] = mapped_column(String(64), nullable=False)
    country: Mapped[str] = mapped_column(String(2), nullable=False)
    region: Mapped[Region] = mapped_column(enum_column(Region, "endorsement_region"), nullable=False)
    website: Mapped[str] = mapped_column(String(300), nullable=False)
    email: Mapped[str] = mapped_column(String(254), nullable=False)
    statement: Mapped[str | None] = mapped_column(Text)
    consent: Mapped[bool] = mapped_column(Boolean, nullable=False)
    language: Mapped[str] = mapped_column(String(8), nullable=False)
    state: Mapped[EndorsementState] = mapped_column(
        enum_column(EndorsementState, "endorsement_state"), nullable=False, index=True
    )
    verification_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    verification_expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    verification_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawal_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    reason: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[created_at]
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    publication: Mapped[Publication] = relationship()
    decided_by: Mapped[User | None] = relationship()

    @validates("organisation_name")
    def _keep_name_key(self, _key: str, name: str) -> str:
        self.name_key = unique_key(organisation_name_key(name))
        return name
