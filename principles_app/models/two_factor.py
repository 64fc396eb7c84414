"""Second factors of a sign-in: an authenticator app (TOTP), its recovery codes, and passkeys."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from principles_app.db import Base, UTCDateTime, created_at, int_pk


class TotpCredential(Base):
    """A person's authenticator app: its secret, encrypted, and the last time step it accepted.

    Until ``confirmed_at`` is set the secret is only offered for enrolment and signs nobody in.
    """

    __tablename__ = "totp_credential"

    id: Mapped[int_pk]
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False, unique=True)
    # Encrypted with a key derived from SECRET_KEY (services/two_factor.py): a copy of the database alone
    # does not reveal it.
    secret_encrypted: Mapped[str] = mapped_column(String(255), nullable=False)
    created_at: Mapped[created_at]
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The time step of the last code accepted: a code is accepted once, so only later steps pass.
    last_used_step: Mapped[int | None] = mapped_column(Integer)


class RecoveryCode(Base):
    """A single-use code that stands in for the app's code; only a keyed hash of it is stored."""

    __tablename__ = "recovery_code"
    __table_args__ = (UniqueConstraint("user_id", "code_hash"),)

    id: Mapped[int_pk]
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False, index=True)
    code_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[created_at]
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Passkey(Base):
    """A WebAuthn credential a person registered and named, usable in place of the app's code."""

    __tablename__ = "passkey"

    id: Mapped[int_pk]
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    credential_id: Mapped[str] = mapped_column(String(700), nullable=False, unique=True)  # base64url
    public_key: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    sign_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    created_at: Mapped[created_at]
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
