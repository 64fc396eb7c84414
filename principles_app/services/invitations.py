"""Invitations (SPEC §13): the secretariat invites a person, who chooses their own password.

The secretariat gives an e-mail address, a name, a role and an organisation; the person gets a
single-use link, valid seven days, and through it chooses a password nobody else ever knows.
Only the link's hash is stored. Re-sending draws a new link and kills the old one; cancelling
kills it too. Accepting creates the account, active, and spends the link.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from principles_app.db import utcnow
from principles_app.domain.languages import LANGUAGES
from principles_app.domain.text import comparison_key, unique_key
from principles_app.extensions import db
from principles_app.models import Invitation, Organisation, Role, User
from principles_app.services import audit
from principles_app.services import organisations as org_service
from principles_app.services.auth import _token_digest, check_new_password, normalise_email
from principles_app.services.errors import Conflict, NotFound, ValidationFailed
from principles_app.services.notifications import link_to, notify_address

INVITATION_DAYS = 7
MAX_ROW_ID = 2**31 - 1


def _snapshot(invitation: Invitation) -> dict:
    # The audit entry names the invitation, its role and organisation; the address stays out of the chain.
    return {"role": invitation.role.value, "organisation_id": invitation.organisation_id}


def _account_exists(email: str) -> bool:
    key = unique_key(comparison_key(email))
    return (
        db.session.execute(select(User.id).where((User.email_key == key) | (User.email == email))).first() is not None
    )


def _pending_for(email: str) -> Invitation | None:
    return db.session.execute(
        select(Invitation).where(
            Invitation.email == email,
            Invitation.accepted_at.is_(None),
            Invitation.cancelled_at.is_(None),
            Invitation.expires_at > utcnow(),
        )
    ).scalar_one_or_none()


def _send(invitation: Invitation) -> str:
    """Draw a new link for the invitation (the old one dies), valid seven days, and e-mail it."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    invitation.token_hash = _token_digest(token)
    invitation.sent_at = now
    invitation.expires_at = now + timedelta(days=INVITATION_DAYS)
    context = {
        "url": link_to("invitations.accept", token=token),
        "days": INVITATION_DAYS,
        "name": invitation.name,
        "organisation": invitation.organisation.name,
    }
    notify_address(invitation.email, invitation.language or "en", "invitation", context)
    return token


def create_invitation(
    actor: User,
    *,
    email: str,
    name: str,
    role: Role | str,
    organisation: Organisation,
    language: str | None = None,
) -> Invitation:
    """Invite a person; 409 if an account or a live invitation has this address already."""
    email = normalise_email(email)
    name = (name or "").strip()
    fields = {}
    if not name:
        fields["name"] = str(_l("Give a name."))
    if "@" not in email or len(email) > 254:
        fields["email"] = str(_l("Give an e-mail address."))
    if language is not None and language not in LANGUAGES:
        fields["language"] = str(_l("Choose one of en, es, fr, ar."))
    if fields:
        raise ValidationFailed(fields=fields)
    role = Role(role)
    org_service._check_role_fits(role, organisation)
    if _account_exists(email):
        raise Conflict(_l("A user with this email exists already."), fields={"email": str(_l("Already taken."))})
    if _pending_for(email) is not None:
        raise Conflict(
            _l("This address has a pending invitation already."), fields={"email": str(_l("Already invited."))}
        )
    invitation = Invitation(
        email=email,
        name=name,
        role=role,
        organisation=organisation,
        language=language,
        invited_by_id=actor.id if actor is not None else None,
    )
    _send(invitation)
    db.session.add(invitation)
    db.session.flush()
    audit.record("invitation.create", "invitation", invitation.id, _snapshot(invitation), actor)
    return invitation


def list_pending() -> list[Invitation]:
    """Return the invitations neither accepted nor cancelled (expired ones too, to re-send), newest first."""
    return list(
        db.session.execute(
            select(Invitation)
            .where(Invitation.accepted_at.is_(None), Invitation.cancelled_at.is_(None))
            .order_by(Invitation.sent_at.desc(), Invitation.id.desc())
        ).scalars()
    )


def get_pending(invitation_id: int) -> Invitation:
    """Return a pending invitation or raise NotFound (an accepted or cancelled one is gone)."""
    invitation = db.session.get(Invitation, invitation_id) if 0 < invitation_id <= MAX_ROW_ID else None
    if invitation is None or not invitation.pending:
        raise NotFound(_l("No such pending invitation."))
    return invitation


def resend_invitation(actor: User, invitation: Invitation) -> Invitation:
    """Send a new link, valid seven days from now; the old link no longer works."""
    if _account_exists(invitation.email):
        raise Conflict(_l("A user with this email exists already."), fields={"email": str(_l("Already taken."))})
    _send(invitation)
    db.session.flush()
    audit.record("invitation.resend", "invitation", invitation.id, {}, actor)
    return invitation


def cancel_invitation(actor: User, invitation: Invitation) -> None:
    """Cancel a pending invitation; its link no longer works."""
    invitation.cancelled_at = utcnow()
    db.session.flush()
    audit.record("invitation.cancel", "invitation", invitation.id, {}, actor)


def live_invitation(token: object) -> Invitation | None:
    """Return the pending, unexpired invitation a link's token names, or None."""
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        return None
    found = db.session.execute(
        select(Invitation).where(Invitation.token_hash == _token_digest(token))
    ).scalar_one_or_none()
    if found is None or not found.pending or found.expires_at <= utcnow():
        return None
    return found


def accept_invitation(token: object, password: str) -> User | None:
    """Spend an invitation's link on the person's own password; return the new, active account.

    None if the link is not live (or another submission spent it first). A refused password
    (422, saying why) leaves the link unspent, to try again.
    """
    invitation = live_invitation(token)
    if invitation is None:
        return None
    check_new_password(password, field="password", user_inputs=(invitation.email, invitation.name))
    spent = db.session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.accepted_at.is_(None), Invitation.cancelled_at.is_(None))
        .values(accepted_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if spent != 1:
        return None
    db.session.refresh(invitation)
    user = org_service.create_user(
        None,
        email=invitation.email,
        name=invitation.name,
        password=password,
        role=invitation.role,
        organisation=invitation.organisation,
        language=invitation.language,
    )
    invitation.user_id = user.id
    audit.record("invitation.accept", "invitation", invitation.id, {"user_id": user.id}, user)
    return user
