"""Passwords, sign-in with failure throttling, and API tokens."""
from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app
from flask_babel import lazy_gettext as _l
from limits import parse
from sqlalchemy import bindparam, or_, select

from principles_app.db import utcnow
from principles_app.extensions import db, limiter
from principles_app.models import ApiToken, User
from principles_app.services.errors import RateLimited, Unauthorised, ValidationFailed

MIN_PASSWORD_LENGTH = 8
MAX_TOKEN_LIFETIME = 365 * 24 * 3600
# A session identity is "<user id>:<session epoch>", exactly as User.get_id writes it.
SESSION_IDENTITY = re.compile(r"([1-9][0-9]{0,9}):(0|[1-9][0-9]{0,9})")
MAX_ROW_ID = 2**31 - 1  # a larger id would make PostgreSQL raise instead of finding nothing


def password_hasher() -> PasswordHasher:
    """Return an argon2id hasher with the configured parameters."""
    cfg = current_app.config
    return PasswordHasher(
        time_cost=cfg["ARGON2_TIME_COST"],
        memory_cost=cfg["ARGON2_MEMORY_COST"],
        parallelism=cfg["ARGON2_PARALLELISM"],
    )


def hash_password(password: str) -> str:
    """Hash a password with argon2id, refusing one that is too short."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(fields={"password": str(_l("Use at least %(n)d characters.", n=MIN_PASSWORD_LENGTH))})
    return password_hasher().hash(password)


def _password_matches(user: User, password: str) -> bool:
    hasher = password_hasher()
    try:
        hasher.verify(user.password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    return True


def _throttle_keys(email: str, remote_addr: str | None):
    cfg = current_app.config
    return (
        (parse(cfg["SIGN_IN_ACCOUNT_LIMIT"]), ("sign-in-account", email)),
        (parse(cfg["SIGN_IN_ADDRESS_LIMIT"]), ("sign-in-address", remote_addr or "unknown")),
    )


def _refuse_when_throttled(keys) -> None:
    strategy = limiter.limiter
    for limit, identifiers in keys:
        if not strategy.test(limit, *identifiers):
            reset_at = strategy.get_window_stats(limit, *identifiers).reset_time
            raise RateLimited(retry_after=int(reset_at - utcnow().timestamp()) + 1)


def find_user_by_email(email: str) -> User | None:
    """Return the user with this email, compared case-insensitively."""
    return db.session.execute(select(User).where(User.email == normalise_email(email))).scalar_one_or_none()


def normalise_email(email: str) -> str:
    """Return the form in which emails are stored and compared."""
    return email.strip().lower()


def authenticate(email: str, password: str, remote_addr: str | None) -> User:
    """Return the user for these credentials; count and throttle failures only."""
    email = normalise_email(email)
    keys = _throttle_keys(email, remote_addr)
    if current_app.config["RATELIMIT_ENABLED"]:
        _refuse_when_throttled(keys)
    user = find_user_by_email(email)
    if user is None or not _password_matches(user, password) or not user.active:
        if current_app.config["RATELIMIT_ENABLED"]:
            for limit, identifiers in keys:
                limiter.limiter.hit(limit, *identifiers)
        raise Unauthorised(_l("The email or password is not right, or the account is deactivated."))
    user.last_seen_at = utcnow()
    return user


def user_for_session(identity: object) -> User | None:
    """Return the active user a session identity names, or None if it is malformed or ended."""
    match = SESSION_IDENTITY.fullmatch(identity) if isinstance(identity, str) else None
    if match is None or int(match[1]) > MAX_ROW_ID:
        return None
    user = db.session.get(User, int(match[1]))
    if user is None or not user.active or user.session_epoch != int(match[2]):
        return None
    return user


def end_sessions(user: User) -> None:
    """End every browser session of the user by moving their session epoch on."""
    db.session.flush()  # the row must exist before it can be incremented in SQL
    # Incremented in SQL so that two concurrent bumps never land on the same new epoch.
    user.session_epoch = User.session_epoch + 1
    db.session.flush()


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(user: User, expires_in: int | None = None) -> tuple[str, ApiToken]:
    """Create a random bearer token for the user; only its hash is stored."""
    if expires_in is not None and not (60 <= expires_in <= MAX_TOKEN_LIFETIME):
        raise ValidationFailed(fields={"expires_in": str(_l("Give between 60 seconds and one year."))})
    token = secrets.token_urlsafe(32)
    expires_at = utcnow() + timedelta(seconds=expires_in) if expires_in else None
    row = ApiToken(user_id=user.id, token_hash=_token_digest(token), expires_at=expires_at)
    db.session.add(row)
    db.session.flush()
    return token, row


# Built once: every API request looks its token up. The organisation comes with the user (joined).
_USER_OF_TOKEN = (select(User, ApiToken.id).join(ApiToken, ApiToken.user_id == User.id)
                  .where(ApiToken.token_hash == bindparam("digest"), ApiToken.revoked_at.is_(None),
                         User.active.is_(True),
                         or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > bindparam("now"))))


def user_of_token(token: str) -> tuple[User, int] | None:
    """Return the active user a bearer string belongs to and the token's id, while the token is valid."""
    found = db.session.execute(_USER_OF_TOKEN, {"digest": _token_digest(token), "now": utcnow()}).one_or_none()
    return None if found is None else (found[0], found[1])


def revoke_token(row: ApiToken) -> None:
    """Revoke a token so it can never be used again."""
    row.revoked_at = utcnow()


def revoke_all_tokens(user: User, at: datetime | None = None) -> int:
    """Revoke every live token of a user, e.g. when the account is deactivated."""
    rows = db.session.execute(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    ).scalars().all()
    for row in rows:
        row.revoked_at = at or utcnow()
    return len(rows)

