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
from sqlalchemy import bindparam, or_, select, update
from zxcvbn import zxcvbn

from principles_app.db import utcnow
from principles_app.extensions import db, limiter
from principles_app.models import ApiToken, PasswordResetLink, SignInLink, User
from principles_app.ratelimits import count, seconds_until_allowed
from principles_app.services import audit, sessions
from principles_app.services.errors import RateLimited, Unauthorised, ValidationFailed
from principles_app.services.notifications import link_to, notify_account, render_message

MIN_PASSWORD_LENGTH = 8  # the floor of every password, the administrators' command line included
# A password a person chooses, or the secretariat sets, must be this long and this hard to guess.
POLICY_PASSWORD_LENGTH = 12
POLICY_MIN_SCORE = 3  # zxcvbn's score, 0 to 4: 3 resists an offline attack on a slow hash
POLICY_CHECKED_LENGTH = 72  # zxcvbn takes no more; what follows is only more to guess
RESET_LINK_MINUTES = 60
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


# Why zxcvbn found a password easy to guess, by the pattern of its weakest part, in the user's language.
_WEAKNESSES = {
    "dictionary": _l("It is a common password or word, or a name."),
    "repeat": _l("It repeats characters or words."),
    "sequence": _l("It is a sequence such as abc or 6543."),
    "spatial": _l("It follows a pattern of keys on the keyboard."),
    "date": _l("It is a date or a year."),
    "regex": _l("It is a date or a year."),
}


def password_weakness(password: str, *, user_inputs: tuple[str, ...] = ()) -> str | None:
    """Return why a new password is refused, in the user's language, or None if the policy accepts it.

    At least 12 characters and not easy to guess (zxcvbn, which knows common passwords, words,
    names and patterns, and the person's own name and e-mail); no other composition rules.
    """
    if len(password) < POLICY_PASSWORD_LENGTH:
        return str(_l("Use at least %(n)d characters.", n=POLICY_PASSWORD_LENGTH))
    inputs = [part for value in user_inputs for part in re.split(r"[\s@.]+", value.lower()) if len(part) > 2]
    result = zxcvbn(password[:POLICY_CHECKED_LENGTH], user_inputs=inputs)
    if result["score"] >= POLICY_MIN_SCORE:
        return None
    weakest = max(result["sequence"], key=lambda match: len(match["token"]), default=None)
    reason = _WEAKNESSES.get(weakest["pattern"]) if weakest else None
    if weakest and weakest["pattern"] == "dictionary" and weakest.get("dictionary_name") == "user_inputs":
        reason = _l("It contains your name or e-mail address.")
    advice = _l("This password is too easy to guess. Use a few uncommon words together.")
    return f"{reason} {advice}" if reason else str(advice)


def check_new_password(password: str, *, field: str = "new_password", user_inputs: tuple[str, ...] = ()) -> None:
    """Refuse (422 naming the field, saying why) a password the policy does not accept."""
    if (weakness := password_weakness(password, user_inputs=user_inputs)) is not None:
        raise ValidationFailed(fields={field: weakness})


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


def _seconds_until_reset(limit, identifiers) -> int | None:
    """Return how long a spent limit stays spent, or None while it still allows an attempt."""
    strategy = limiter.limiter
    if strategy.test(limit, *identifiers):
        return None
    reset_at = strategy.get_window_stats(limit, *identifiers).reset_time
    return int(reset_at - utcnow().timestamp()) + 1


def find_user_by_email(email: str) -> User | None:
    """Return the user with this email, compared case-insensitively."""
    return db.session.execute(select(User).where(User.email == normalise_email(email))).scalar_one_or_none()


def normalise_email(email: str) -> str:
    """Return the form in which emails are stored and compared."""
    return email.strip().lower()


def _check_password(email: str, password: str, remote_addr: str | None) -> tuple[User | None, int | None]:
    """Return the user if the password is right, and how long the account's limit stays spent (or None).

    An address that has failed too often is refused outright (429): it is the attacker's. An
    account that has failed too often is not: its owner, at another address, still gets in, but
    the caller decides what proof beyond the password it asks for. Failures keep being counted.
    """
    email = normalise_email(email)
    limited = current_app.config["RATELIMIT_ENABLED"]
    account, address = _throttle_keys(email, remote_addr)
    if limited and (wait := _seconds_until_reset(*address)) is not None:
        raise RateLimited(retry_after=wait)
    locked_for = _seconds_until_reset(*account) if limited else None
    user = find_user_by_email(email)
    if user is None or not _password_matches(user, password) or not user.active:
        if limited:
            for limit, identifiers in (account, address):
                limiter.limiter.hit(limit, *identifiers)
        return None, locked_for
    return user, locked_for


def authenticate(email: str, password: str, remote_addr: str | None) -> User:
    """Return the user for these credentials (the API's sign-in); count and throttle failures only.

    Once the account's limit is spent the API answers 429 until the window ends, even to the
    right password: a bearer token cannot follow an e-mailed link, and letting any address that
    has not failed through would give an attacker with many addresses unlimited guesses. The
    owner meanwhile signs in in the browser through the e-mailed link.
    """
    user, locked_for = _check_password(email, password, remote_addr)
    if locked_for is not None:
        raise RateLimited(retry_after=locked_for)
    if user is None:
        raise Unauthorised(_l("The email or password is not right, or the account is deactivated."))
    user.last_seen_at = utcnow()
    return user


def sign_in_or_send_link(email: str, password: str, remote_addr: str | None) -> User | None:
    """Return the user for these credentials, or None once the account's limit is spent.

    Then a right password only earns an e-mailed single-use link, and a wrong one nothing; the
    caller shows the same page either way, so a guesser learns nothing and the owner gets in.
    """
    user, locked_for = _check_password(email, password, remote_addr)
    if locked_for is None:
        if user is None:
            raise Unauthorised(_l("The email or password is not right, or the account is deactivated."))
        user.last_seen_at = utcnow()
        return user
    if user is not None:
        send_sign_in_link(user)
    return None


def send_sign_in_link(user: User) -> SignInLink:
    """Queue an e-mail with a single-use sign-in link for the user; only the link's hash is stored."""
    token = secrets.token_urlsafe(32)
    minutes = int(current_app.config["SIGN_IN_LINK_MINUTES"])
    db.session.flush()
    link = SignInLink(
        user_id=user.id,
        token_hash=_token_digest(token),
        session_epoch=user.session_epoch,
        expires_at=utcnow() + timedelta(minutes=minutes),
    )
    db.session.add(link)
    notify_account(user, "sign_in_link", {"url": link_to("auth.sign_in_link", token=token), "minutes": minutes})
    db.session.flush()
    return link


def use_sign_in_link(token: str) -> User | None:
    """Spend a sign-in link and return its user, or None if it is unknown, used, expired or outdated."""
    link = _live_link(SignInLink, token)
    if link is None or not _spend(SignInLink, link):
        return None
    link.user.last_seen_at = utcnow()
    return link.user


def _live_link(model: type[SignInLink] | type[PasswordResetLink], token: object):
    """Return the unused, unexpired link a token names whose user is active and still in that epoch, or None."""
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        return None
    found = db.session.execute(select(model).where(model.token_hash == _token_digest(token))).scalar_one_or_none()
    if found is None or found.used_at is not None or found.expires_at <= utcnow():
        return None
    if not found.user.active or found.user.session_epoch != found.session_epoch:
        return None
    return found


def _spend(model: type[SignInLink] | type[PasswordResetLink], link) -> bool:
    """Mark a link used; False if someone else spent it first.

    The conditional UPDATE is what makes a link single-use: of two concurrent uses only one changes a row.
    """
    return (
        db.session.execute(
            update(model)
            .where(model.id == link.id, model.used_at.is_(None))
            .values(used_at=utcnow())
            .execution_options(synchronize_session=False)
        ).rowcount
        == 1
    )


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
    """End every browser session of the user, and every e-mailed link of theirs, by moving their session epoch on."""
    db.session.flush()  # the row must exist before it can be incremented in SQL
    # Incremented in SQL so that two concurrent bumps never land on the same new epoch.
    user.session_epoch = User.session_epoch + 1
    db.session.flush()
    sessions.end_all(user)


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(user: User, expires_in: int | None = None, name: str | None = None) -> tuple[str, ApiToken]:
    """Create a random bearer token for the user, named as they choose; only its hash is stored."""
    if expires_in is not None and not (60 <= expires_in <= MAX_TOKEN_LIFETIME):
        raise ValidationFailed(fields={"expires_in": str(_l("Give between 60 seconds and one year."))})
    token = secrets.token_urlsafe(32)
    expires_at = utcnow() + timedelta(seconds=expires_in) if expires_in else None
    row = ApiToken(user_id=user.id, token_hash=_token_digest(token), expires_at=expires_at, name=name)
    db.session.add(row)
    db.session.flush()
    return token, row


# Built once: every API request looks its token up. The organisation comes with the user (joined).
_USER_OF_TOKEN = (
    select(User, ApiToken.id, ApiToken.last_used_at)
    .join(ApiToken, ApiToken.user_id == User.id)
    .where(
        ApiToken.token_hash == bindparam("digest"),
        ApiToken.revoked_at.is_(None),
        User.active.is_(True),
        or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > bindparam("now")),
    )
)


def user_of_token(token: str) -> tuple[User, int] | None:
    """Return the active user a bearer string belongs to and the token's id, while the token is valid.

    The token is marked used now, at most once a minute.
    """
    found = db.session.execute(_USER_OF_TOKEN, {"digest": _token_digest(token), "now": utcnow()}).one_or_none()
    if found is None:
        return None
    sessions.touch_token(found[1], found[2])
    return found[0], found[1]


def revoke_token(row: ApiToken) -> None:
    """Revoke a token so it can never be used again."""
    row.revoked_at = utcnow()


def revoke_all_tokens(user: User, at: datetime | None = None, keep_token_id: int | None = None) -> int:
    """Revoke every live token of a user (but ``keep_token_id``), e.g. when the account is deactivated."""
    rows = (
        db.session.execute(
            select(ApiToken).where(
                ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None), ApiToken.id != (keep_token_id or 0)
            )
        )
        .scalars()
        .all()
    )
    for row in rows:
        row.revoked_at = at or utcnow()
    return len(rows)


def _own_inputs(user: User) -> tuple[str, ...]:
    return (user.email, user.name)


def _set_password(user: User, password: str, keep_token_id: int | None = None) -> None:
    """Store a new password; every API token (but the one making the change) and browser session ends."""
    user.password_hash = hash_password(password)
    revoke_all_tokens(user, keep_token_id=keep_token_id)
    end_sessions(user)


def change_password(
    user: User, current_password: str, new_password: str, remote_addr: str | None, keep_token_id: int | None = None
) -> User:
    """Change a signed-in user's own password, after the current one; tell them by e-mail.

    A wrong current password counts as a failed sign-in against the account and the address,
    and once either limit is spent the change is refused (429) even with the right one, so a
    borrowed session cannot be used to guess it. Every API token and every session ends: the
    caller signs the browser that made the change in again; an API client keeps the token it
    made the change with (``keep_token_id``).
    """
    email = normalise_email(user.email)
    if current_app.config["RATELIMIT_ENABLED"]:
        for limit, identifiers in _throttle_keys(email, remote_addr):
            if (wait := _seconds_until_reset(limit, identifiers)) is not None:
                raise RateLimited(retry_after=wait)
    if not _password_matches(user, current_password):
        if current_app.config["RATELIMIT_ENABLED"]:
            for limit, identifiers in _throttle_keys(email, remote_addr):
                limiter.limiter.hit(limit, *identifiers)
        raise ValidationFailed(fields={"current_password": str(_l("This is not your current password."))})
    check_new_password(new_password, user_inputs=_own_inputs(user))
    _set_password(user, new_password, keep_token_id)
    audit.record("user.password_change", "user", user.id, {"by": "self"}, user)
    notify_account(user, "password_changed", {"url": link_to("auth.forgot_password")})
    return user


def request_password_reset(email: str, remote_addr: str | None) -> None:
    """E-mail a single-use link, valid an hour, to choose a new password, if the address has an active account.

    The answer is the same whether or not it does, and so is the work: a token is drawn and
    hashed and the limits counted either way. An address that asks too often is refused (429);
    an account asked for too often gets no more links in the window, silently.
    """
    if (wait := seconds_until_allowed("PASSWORD_RESET_ADDRESS_LIMIT", remote_addr or "unknown")) is not None:
        raise RateLimited(retry_after=wait)
    count("PASSWORD_RESET_ADDRESS_LIMIT", remote_addr or "unknown")
    email = normalise_email(email)
    account_spent = seconds_until_allowed("PASSWORD_RESET_ACCOUNT_LIMIT", email) is not None
    count("PASSWORD_RESET_ACCOUNT_LIMIT", email)
    token = secrets.token_urlsafe(32)
    digest = _token_digest(token)
    context = {"url": link_to("auth.reset_password", token=token), "minutes": RESET_LINK_MINUTES}
    user = find_user_by_email(email)
    if user is None or not user.active or account_spent:
        render_message("password_reset", "en", "UTC", context)  # the work of a message, none queued
        return
    db.session.flush()
    db.session.add(
        PasswordResetLink(
            user_id=user.id,
            token_hash=digest,
            session_epoch=user.session_epoch,
            expires_at=utcnow() + timedelta(minutes=RESET_LINK_MINUTES),
        )
    )
    notify_account(user, "password_reset", context)
    db.session.flush()


def password_reset_link(token: object) -> PasswordResetLink | None:
    """Return the live reset link a token names, or None if it is unknown, used, expired or outdated."""
    return _live_link(PasswordResetLink, token)


def reset_password(token: object, new_password: str) -> User | None:
    """Spend a reset link on a new password; return its user, or None if the link is not live.

    A refused password (422) leaves the link unspent, to try again. Every session, every API
    token and every other link of the user end; the person is told by e-mail.
    """
    link = password_reset_link(token)
    if link is None:
        return None
    user = link.user
    check_new_password(new_password, user_inputs=_own_inputs(user))
    if not _spend(PasswordResetLink, link):
        return None
    _set_password(user, new_password)
    audit.record("user.password_reset", "user", user.id, {"by": "link"}, user)
    notify_account(user, "password_changed", {"url": link_to("auth.forgot_password")})
    return user
