"""Browser sessions as server-side records, one per sign-in, and the API tokens a person holds.

Every browser sign-in (password, e-mailed link, second factor, passkey) goes through ``start``:
a random key goes into the signed cookie, only its hash into ``user_session``. A request is
signed in while its key names a session that has not ended and whose user is active, so ending a
record signs that browser out on every server process at once. The network address is never kept:
the device is only a label such as "Firefox on Linux" read from the User-Agent.

A *new device* is a label the account has not signed in with before (ended sessions included); a
sign-in from one sends an e-mail, but not the account's very first sign-in.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select, update

from principles_app.db import utcnow
from principles_app.extensions import db
from principles_app.models import ApiToken, User, UserSession
from principles_app.services import audit
from principles_app.services.errors import NotFound
from principles_app.services.notifications import link_to, notify_account

TOUCH_EVERY = timedelta(minutes=1)  # last seen and last used move on at most this often
KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")
MAX_ROW_ID = 2**31 - 1

# First match wins: Edge and Opera say "Chrome" too, Chrome says "Safari".
_BROWSERS = (
    ("Edge", re.compile(r"Edg(e|A|iOS)?/")),
    ("Opera", re.compile(r"OPR/|Opera")),
    ("Firefox", re.compile(r"Firefox/|FxiOS/")),
    ("Chrome", re.compile(r"Chrome/|CriOS/|Chromium/")),
    ("Safari", re.compile(r"Safari/")),
)
_SYSTEMS = (
    ("Android", re.compile(r"Android")),
    ("iOS", re.compile(r"iPhone|iPad|iPod")),
    ("Windows", re.compile(r"Windows")),
    ("macOS", re.compile(r"Mac OS X|Macintosh")),
    ("ChromeOS", re.compile(r"CrOS")),
    ("Linux", re.compile(r"Linux|X11")),
)


def device_label(user_agent: str | None) -> str:
    """Return "<browser> on <system>" for a User-Agent, with "Unknown" for what it does not tell."""
    text = (user_agent or "")[:512]
    browser = next((name for name, pattern in _BROWSERS if pattern.search(text)), "Unknown browser")
    system = next((name for name, pattern in _SYSTEMS if pattern.search(text)), "unknown system")
    return f"{browser} on {system}"


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def start(user: User, user_agent: str | None) -> str:
    """Record a new signed-in browser for the user and return its key (for the cookie; never stored).

    A sign-in from a device the account has not used before sends an e-mail, in the person's language.
    """
    device = device_label(user_agent)
    db.session.flush()
    earlier = select(UserSession.id).where(UserSession.user_id == user.id)
    seen_any = db.session.execute(select(exists(earlier))).scalar()
    seen_device = db.session.execute(select(exists(earlier.where(UserSession.device == device)))).scalar()
    key = secrets.token_urlsafe(32)
    now = utcnow()
    row = UserSession(user_id=user.id, key_hash=_digest(key), device=device, created_at=now, last_seen_at=now)
    db.session.add(row)
    db.session.flush()
    if seen_any and not seen_device:
        notify_account(user, "new_device", {"device": device, "url": link_to("sessions.listing")})
    user.session_key = key
    user.current_session = row
    return key


def user_for_key(key: object) -> User | None:
    """Return the active user whose live session this key names (marking when it was last seen), or None."""
    if not isinstance(key, str) or KEY_PATTERN.fullmatch(key) is None:
        return None
    row = db.session.execute(
        select(UserSession).where(UserSession.key_hash == _digest(key), UserSession.ended_at.is_(None))
    ).scalar_one_or_none()
    if row is None or not row.user.active:
        return None
    now = utcnow()
    if row.last_seen_at <= now - TOUCH_EVERY:
        db.session.execute(
            update(UserSession)
            .where(UserSession.id == row.id, UserSession.last_seen_at <= now - TOUCH_EVERY)
            .values(last_seen_at=now)
            .execution_options(synchronize_session=False)
        )
        row.last_seen_at = now
        db.session.info["touched"] = True
    user = row.user
    user.session_key = key
    user.current_session = row
    return user


def touch_token(token_id: int, last_used_at: datetime | None) -> None:
    """Mark an API token used now, if it was not within the last minute."""
    now = utcnow()
    if last_used_at is not None and last_used_at > now - TOUCH_EVERY:
        return
    db.session.execute(
        update(ApiToken)
        .where(ApiToken.id == token_id)
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.info["touched"] = True


def live_sessions(user: User) -> list[UserSession]:
    """Return the user's sessions that have not ended, the most recently seen first."""
    return list(
        db.session.execute(
            select(UserSession)
            .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
            .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
        ).scalars()
    )


def end_session(row: UserSession) -> None:
    """End one session: its browser is signed out at its next request."""
    db.session.execute(
        update(UserSession)
        .where(UserSession.id == row.id, UserSession.ended_at.is_(None))
        .values(ended_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.expire(row)


def end_own_session(user: User, session_id: object) -> None:
    """End one of the user's own live sessions; another person's, an ended or unknown one is 404."""
    row = db.session.get(UserSession, session_id) if _valid_id(session_id) else None
    if row is None or row.user_id != user.id or row.ended_at is not None:
        raise NotFound(_l("There is no such session."))
    end_session(row)
    audit.record("user.session_end", "user", user.id, {"device": row.device}, user)


def end_all(user: User, keep: UserSession | None = None) -> int:
    """End every live session of the user but ``keep``; return how many ended."""
    db.session.flush()
    statement = update(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
    if keep is not None:
        statement = statement.where(UserSession.id != keep.id)
    ended = db.session.execute(statement.values(ended_at=utcnow()).execution_options(synchronize_session=False))
    db.session.expire_all()
    return ended.rowcount


def reopen(row: UserSession) -> None:
    """Keep the browser that made a change signed in, after the change ended every session."""
    db.session.execute(
        update(UserSession)
        .where(UserSession.id == row.id)
        .values(ended_at=None)
        .execution_options(synchronize_session=False)
    )


def list_tokens(user: User) -> list[ApiToken]:
    """Return the user's API tokens that still work, the newest first."""
    now = utcnow()
    return list(
        db.session.execute(
            select(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .where((ApiToken.expires_at.is_(None)) | (ApiToken.expires_at > now))
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        ).scalars()
    )


def revoke_own_token(user: User, token_id: object) -> None:
    """Revoke one of the user's own working tokens; another person's, a revoked or unknown one is 404."""
    row = db.session.get(ApiToken, token_id) if _valid_id(token_id) else None
    if row is None or row.user_id != user.id or row.revoked_at is not None:
        raise NotFound(_l("There is no such API token."))
    row.revoked_at = utcnow()
    audit.record("user.token_revoke", "user", user.id, {"token": row.id}, user)


def erase_sessions_and_tokens(user: User) -> None:
    """End every session of the user and delete every API token (an account being erased)."""
    end_all(user)
    db.session.execute(
        ApiToken.__table__.delete().where(ApiToken.user_id == user.id).execution_options(synchronize_session=False)
    )
    db.session.execute(
        UserSession.__table__.delete()
        .where(UserSession.user_id == user.id)
        .execution_options(synchronize_session=False)
    )


def _valid_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ROW_ID
