"""Organisations, users and API tokens."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ColumnElement, Enum, ForeignKey, Integer, String, and_
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from principles_app.db import Base, UTCDateTime, WeightType, created_at, int_pk, str_name
from principles_app.domain.organisations import (
    VOTING_CATEGORY,
    Category,
    NotificationPreference,
    Region,
    Role,
    eligible_to_vote,
)
from principles_app.domain.text import comparison_key, organisation_name_key, unique_key

__all__ = [
    "ApiToken",
    "Category",
    "Invitation",
    "NotificationPreference",
    "Organisation",
    "Region",
    "Role",
    "User",
    "enum_column",
]


def enum_column(enum_cls: type[StrEnum], name: str) -> Enum:
    """Return a portable VARCHAR enum column type with a CHECK constraint."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda cls: [member.value for member in cls],
        validate_strings=True,
    )


class Organisation(Base):
    """A member, ally, donor or the secretariat, with its vote weight."""

    __tablename__ = "organisation"
    __table_args__ = (CheckConstraint("vote_weight >= 0", name="vote_weight_not_negative"),)

    id: Mapped[int_pk]
    name: Mapped[str] = mapped_column(String(200), unique=True, nullable=False)
    # The name as a reader would confuse it (domain/text.py: organisation_name_key), hashed: two names
    # that look alike cannot both be stored, even when created at the same moment.
    name_key: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    region: Mapped[Region] = mapped_column(enum_column(Region, "region"), nullable=False)
    category: Mapped[Category] = mapped_column(enum_column(Category, "category"), nullable=False)
    vote_weight: Mapped[Decimal] = mapped_column(WeightType(), nullable=False, default=Decimal("0"))
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    credit_opt_out: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    created_at: Mapped[created_at]

    users: Mapped[list[User]] = relationship(back_populates="organisation")

    @validates("name")
    def _keep_name_key(self, _key: str, name: str) -> str:
        self.name_key = unique_key(organisation_name_key(name))
        return name

    @hybrid_property
    def eligible_to_vote(self) -> bool:
        """Tell whether the organisation may vote now (SPEC §1, domain.organisations.eligible_to_vote)."""
        return eligible_to_vote(self.category, self.active, self.vote_weight)

    @eligible_to_vote.inplace.expression
    @classmethod
    def _eligible_to_vote_filter(cls) -> ColumnElement[bool]:
        # The same rule as a WHERE clause, so a query selects exactly the organisations the predicate admits.
        return and_(cls.category == VOTING_CATEGORY, cls.active.is_(True), cls.vote_weight > 0)


class User(UserMixin, Base):
    """A person who signs in; belongs to one organisation."""

    __tablename__ = "user_account"

    id: Mapped[int_pk]
    email: Mapped[str] = mapped_column(String(254), unique=True, nullable=False)
    # The address compared after NFKC, case folding and removal of zero-width characters, hashed.
    email_key: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    name: Mapped[str_name]
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"), nullable=False)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), nullable=False, index=True)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    language: Mapped[str | None] = mapped_column(String(8))
    time_zone: Mapped[str | None] = mapped_column(String(64))
    notifications: Mapped[NotificationPreference] = mapped_column(
        enum_column(NotificationPreference, "notification_preference"),
        nullable=False,
        default=NotificationPreference.IMMEDIATE,
    )
    created_at: Mapped[created_at]
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When the user last looked at the home page: what happened since is "new" there.
    home_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Part of every session's identity; moving it on ends every browser session of the account.
    session_epoch: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")

    organisation: Mapped[Organisation] = relationship(back_populates="users", lazy="joined")

    @validates("email")
    def _keep_email_key(self, _key: str, email: str) -> str:
        self.email_key = unique_key(comparison_key(email))
        return email

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users.
        return self.active

    def get_id(self) -> str:
        """Return the identity a browser session stores: the random key of its session record.

        A user not signed in through a session record (the half-signed-in step before the second
        factor) is named by the user's id and current session epoch instead.
        """
        return getattr(self, "session_key", None) or self.epoch_identity()

    def epoch_identity(self) -> str:
        """Return the user's id and current session epoch: a moved-on epoch makes it name no one."""
        return f"{self.id}:{self.session_epoch}"

    @property
    def is_secretariat(self) -> bool:
        """Tell whether the user is network staff."""
        return self.role == Role.SECRETARIAT

    @property
    def is_member(self) -> bool:
        """Tell whether the user is a delegate of a member organisation."""
        return self.role == Role.MEMBER


class ApiToken(Base):
    """A bearer token for the JSON API, stored only as a hash."""

    __tablename__ = "api_token"

    id: Mapped[int_pk]
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False, index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    name: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[created_at]
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(lazy="joined")


class UserSession(Base):
    """A browser signed in to an account: its cookie holds a random key, the server only the key's hash.

    The device is a label (browser and operating system) read from the User-Agent when it signs
    in; the network address is never stored. ``last_seen_at`` moves on at most once a minute.
    """

    __tablename__ = "user_session"

    id: Mapped[int_pk]
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False, index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    device: Mapped[str] = mapped_column(String(120), nullable=False)
    created_at: Mapped[created_at]
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(lazy="joined")


class SignInLink(Base):
    """A single-use, short-lived sign-in link sent by e-mail; only its hash is stored.

    It is offered once an account has had too many failed sign-ins: the owner, who reads the
    account's e-mail, signs in with the password and the link; someone who only guesses never does.
    """

    __tablename__ = "sign_in_link"

    id: Mapped[int_pk]
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False, index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    # The link dies with the sessions of its time: a password change or sign-out everywhere ends it.
    session_epoch: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[created_at]
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(lazy="joined")


class PasswordResetLink(Base):
    """A single-use link, valid an hour, that lets a person who forgot their password choose a new one.

    Only its hash is stored. Like a sign-in link it dies with the sessions of its time, so a reset
    or a change of the password ends every other link still out.
    """

    __tablename__ = "password_reset_link"

    id: Mapped[int_pk]
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False, index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    session_epoch: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[created_at]
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(lazy="joined")


class Invitation(Base):
    """The secretariat's invitation to a person to join, with a single-use link valid seven days.

    Only the link's hash is stored. The person chooses their own password through it: nobody else
    ever knows it. Accepting creates the account; re-sending draws a new link and kills the old one.
    """

    __tablename__ = "invitation"

    id: Mapped[int_pk]
    email: Mapped[str] = mapped_column(String(254), nullable=False, index=True)
    name: Mapped[str_name]
    role: Mapped[Role] = mapped_column(enum_column(Role, "invitation_role"), nullable=False)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), nullable=False, index=True)
    language: Mapped[str | None] = mapped_column(String(8))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[created_at]
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    organisation: Mapped[Organisation] = relationship(lazy="joined")

    @property
    def pending(self) -> bool:
        """Tell whether the invitation is neither accepted nor cancelled (it may have expired)."""
        return self.accepted_at is None and self.cancelled_at is None
