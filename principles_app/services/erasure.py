"""Erasure (SPEC §13): the secretariat erases a person; what they wrote stays, who they were goes.

Name, e-mail, password hash, API tokens, sign-in and reset links, two-factor credentials, recovery
codes, passkeys, calendar feed and unsent mail are gone, and every session ends. The account row
stays, deactivated, because contributions and audit entries refer to its id; its name becomes
"A former member of <organisation>", so pages, the API, exports and the search index (which
re-indexes a renamed person's named comments) show that. Anonymous contributions keep their
protective label. Audit entries are never rewritten: the chain still verifies.
"""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update

from principles_app.extensions import db
from principles_app.models import (
    ApiToken,
    Invitation,
    OutboxMessage,
    PasswordResetLink,
    Role,
    SignInLink,
    User,
)
from principles_app.models.calendar import CalendarFeed
from principles_app.models.two_factor import Passkey, RecoveryCode, TotpCredential
from principles_app.services import audit
from principles_app.services.auth import end_sessions
from principles_app.services.errors import Conflict, ValidationFailed

ERASED_DOMAIN = "erased.invalid"
ERASED_PASSWORD_HASH = "!erased"  # no hash: no password ever matches it


def is_erased(user: User) -> bool:
    """Tell whether the account was erased."""
    return user.email.endswith("@" + ERASED_DOMAIN)


def former_member_name(user: User) -> str:
    """The name an erased person's contributions are shown under."""
    with force_locale("en"):
        return str(_l("A former member of %(organisation)s", organisation=user.organisation.name))[:200]


def _end_sessions(user: User) -> None:
    """End every session and API token of the user.

    Hook: where per-device session records exist (services.sessions.erase_sessions_and_tokens),
    this is where they are erased too.
    """
    try:
        from principles_app.services.sessions import erase_sessions_and_tokens
    except ImportError:
        erase_sessions_and_tokens = None
    if erase_sessions_and_tokens is not None:
        erase_sessions_and_tokens(user)
    end_sessions(user)
    db.session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))


def check_confirmation(user: User, typed: str | None) -> None:
    """Refuse (422) unless the person's e-mail or name was typed, as a guard against erasing the wrong one."""
    typed = (typed or "").strip()
    if not typed or typed.casefold() not in (user.email.casefold(), user.name.strip().casefold()):
        raise ValidationFailed(fields={"confirm": str(_l("Type the person's e-mail address or name to confirm."))})


def erase_user(actor: User, user: User) -> User:
    """Erase a person; 409 for oneself, for the last secretariat member, or for an erased account."""
    if user.id == actor.id:
        raise Conflict(_l("You cannot erase yourself."))
    if is_erased(user):
        raise Conflict(_l("This account is erased already."))
    if user.role == Role.SECRETARIAT:
        others = db.session.execute(
            select(func.count())
            .select_from(User)
            .where(User.role == Role.SECRETARIAT, User.active.is_(True), User.id != user.id)
        ).scalar_one()
        if others == 0:
            raise Conflict(_l("The last member of the secretariat cannot be erased."))
    _end_sessions(user)
    for model in (SignInLink, PasswordResetLink, TotpCredential, RecoveryCode, Passkey, CalendarFeed):
        db.session.execute(delete(model).where(model.user_id == user.id))
    # Unsent mail to the person goes; sent mail keeps no address.
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.user_id == user.id, OutboxMessage.sent_at.is_(None)))
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.user_id == user.id)
        .values(to_address=None, subject="", body_text="", body_html="")
    )
    # Mail sent to the address before there was an account (the invitation) keeps no trace of it either.
    db.session.execute(
        delete(OutboxMessage).where(OutboxMessage.to_address == user.email, OutboxMessage.user_id.is_(None))
    )
    erased_email = f"erased-{user.id}@{ERASED_DOMAIN}"
    db.session.execute(
        update(Invitation)
        .where(Invitation.user_id == user.id)
        .values(email=erased_email, name=former_member_name(user))
    )
    user.email = erased_email
    user.name = former_member_name(user)
    user.password_hash = ERASED_PASSWORD_HASH
    user.active = False
    user.time_zone = None
    db.session.flush()
    audit.record("user.erase", "user", user.id, {}, actor)
    return user
