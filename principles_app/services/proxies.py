"""Proxies at a General Meeting (SPEC §11): an organisation hands its vote to another, or takes it back.

The refusals are pure (domain.meetings.proxy_refusal). Proxy changes of one meeting are
serialised by locking the meeting row, so two proxies handed to the same holder at once never
pass its limit; the unique and check constraints stay the last line. Both organisations' users
are told, each in their language.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from principles_app import permissions
from principles_app.db import utcnow
from principles_app.domain import meetings as rules
from principles_app.extensions import db
from principles_app.models import Meeting, MeetingProxy, Organisation, Role, User
from principles_app.services import audit, meetings
from principles_app.services.errors import Conflict, NotFound, ValidationFailed
from principles_app.services.notifications import link_to, notify

PROXY_MESSAGES = {
    rules.ProxyRefusal.CLOSED: _l("Proxies for this meeting closed at its deadline."),
    rules.ProxyRefusal.TO_ITSELF: _l("An organisation cannot give its proxy to itself."),
    rules.ProxyRefusal.GIVER_INELIGIBLE: _l("Only an eligible member organisation gives a proxy."),
    rules.ProxyRefusal.HOLDER_INELIGIBLE: _l("A proxy goes only to an eligible member organisation."),
    rules.ProxyRefusal.ALREADY_GIVEN: _l("This organisation has already given its proxy; revoke it first."),
    rules.ProxyRefusal.HOLDER_GIVES: _l("That organisation has given its own proxy: proxies do not chain."),
    rules.ProxyRefusal.GIVER_HOLDS: _l("This organisation holds a proxy itself: proxies do not chain."),
    rules.ProxyRefusal.OVER_LIMIT: _l("That organisation already holds as many proxies as the meeting allows."),
}
# Not being a member organisation is a matter of the input (422); the rest is the meeting's state (409).
UNPROCESSABLE = frozenset(
    {rules.ProxyRefusal.TO_ITSELF, rules.ProxyRefusal.GIVER_INELIGIBLE, rules.ProxyRefusal.HOLDER_INELIGIBLE}
)


def _lock(meeting: Meeting) -> Meeting:
    """Serialise proxy changes of the meeting (PostgreSQL row lock; SQLite writes are serial)."""
    return db.session.execute(
        select(Meeting).where(Meeting.id == meeting.id).with_for_update().execution_options(populate_existing=True)
    ).scalar_one()


def _notify_proxy(meeting: Meeting, giver: Organisation, holder: Organisation, event: str) -> int:
    users = db.session.execute(
        select(User)
        .where(User.organisation_id.in_([giver.id, holder.id]), User.role == Role.MEMBER, User.active.is_(True))
        .order_by(User.id)
    ).scalars()
    context = {
        "meeting": meeting.title,
        "giver": giver.name,
        "holder": holder.name,
        "starts_at": meeting.starts_at,
        "url": link_to("meetings.meeting_page", meeting_id=meeting.id),
    }
    return sum(1 for user in users if notify(user, event, context) is not None)


def give_proxy(
    actor: User,
    meeting: Meeting,
    holder_organisation_id: int,
    giver_organisation_id: int | None = None,
    now: datetime | None = None,
) -> MeetingProxy:
    """Hand the giver's vote at the meeting to the holder (a member for its own organisation, or the secretariat)."""
    if giver_organisation_id is None:
        if actor is None or actor.organisation_id is None or permissions.is_secretariat(actor):
            raise ValidationFailed(
                _l("Say which organisation gives its proxy."),
                fields={"giver_organisation_id": str(_l("Required."))},
            )
        giver_organisation_id = actor.organisation_id
    meetings.check_organisation_actor(actor, giver_organisation_id, "proxy")
    now = now or utcnow()
    meeting = _lock(meeting)
    refusal = rules.proxy_refusal(
        giver_organisation_id,
        holder_organisation_id,
        meetings.eligible_weights(),
        meetings.proxy_map(meeting),
        meeting.proxy_limit,
        now,
        meeting.proxies_close_at,
    )
    if refusal is not None:
        error = ValidationFailed if refusal in UNPROCESSABLE else Conflict
        raise error(PROXY_MESSAGES[refusal])
    proxy = MeetingProxy(
        meeting_id=meeting.id,
        giver_organisation_id=giver_organisation_id,
        holder_organisation_id=holder_organisation_id,
        given_by_id=actor.id,
        given_at=now,
    )
    try:
        with db.session.begin_nested():
            db.session.add(proxy)
    except IntegrityError:
        raise Conflict(PROXY_MESSAGES[rules.ProxyRefusal.ALREADY_GIVEN]) from None
    giver = db.session.get(Organisation, giver_organisation_id)
    holder = db.session.get(Organisation, holder_organisation_id)
    audit.record(
        "meeting.proxy_given",
        "meeting",
        meeting.id,
        {"giver_organisation_id": giver.id, "holder_organisation_id": holder.id},
        actor,
    )
    _notify_proxy(meeting, giver, holder, "proxy_given")
    return proxy


def revoke_proxy(actor: User, meeting: Meeting, giver_organisation_id: int, now: datetime | None = None) -> None:
    """Take back the giver's proxy before proxies close."""
    meetings.check_organisation_actor(actor, giver_organisation_id, "proxy")
    now = now or utcnow()
    meeting = _lock(meeting)
    proxy = meetings.standing_proxy(meeting.id, giver_organisation_id)
    if proxy is None:
        raise NotFound(_l("This organisation has given no proxy for the meeting."))
    if not rules.proxies_open(now, meeting.proxies_close_at):
        raise Conflict(PROXY_MESSAGES[rules.ProxyRefusal.CLOSED])
    giver = db.session.get(Organisation, proxy.giver_organisation_id)
    holder = db.session.get(Organisation, proxy.holder_organisation_id)
    db.session.delete(proxy)
    db.session.flush()
    audit.record(
        "meeting.proxy_revoked",
        "meeting",
        meeting.id,
        {"giver_organisation_id": giver.id, "holder_organisation_id": holder.id},
        actor,
    )
    _notify_proxy(meeting, giver, holder, "proxy_revoked")
