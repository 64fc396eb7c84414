"""Who has voted on a motion (never what anyone chose), and reminders to those who have not.

A reminder goes at most once per interval per motion. The claim is one conditional upsert of the
motion's reminder row, so of two secretariat users pressing the button at the same instant, in two
processes, the database lets exactly one through and the other is told when to try again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, literal, select
from sqlalchemy.dialects import postgresql, sqlite

from principles_app import permissions
from principles_app.db import utcnow
from principles_app.domain.rounds import RoundState, accepts_input
from principles_app.extensions import db
from principles_app.models import Ballot, ElectorateMember, Motion, MotionReminder, Organisation, Role, User
from principles_app.services import audit
from principles_app.services.errors import Conflict, Forbidden, RateLimited
from principles_app.services.motions import VOTING_KINDS
from principles_app.services.notifications import link_to, notify

REMINDER_INTERVAL = timedelta(minutes=10)


@dataclass(frozen=True)
class Turnout:
    """One organisation of a motion's electorate and whether it has voted."""

    organisation_id: int
    name: str
    voted: bool


@dataclass(frozen=True)
class ReminderSent:
    """What a reminder did: the organisations reminded, the messages queued, when."""

    organisation_ids: list[int]
    recipients: int
    sent_at: datetime


def participation_of(actor: User, motion: Motion) -> list[Turnout]:
    """List the round's eligible organisations by name, each with whether it has voted on the motion.

    Before the round opens its electorate is not fixed yet: the organisations eligible now are listed.
    """
    if not permissions.can_follow_participation(actor):
        raise Forbidden(_l("Only the secretariat sees who has voted."))
    voted = exists().where(Ballot.motion_id == motion.id, Ballot.organisation_id == Organisation.id)
    fixed = db.session.execute(
        select(Organisation.id, Organisation.name, voted)
        .join(ElectorateMember, ElectorateMember.organisation_id == Organisation.id)
        .where(ElectorateMember.round_id == motion.round_id)
        .order_by(Organisation.name, Organisation.id)
    ).all()
    if not fixed and motion.round.state == RoundState.SCHEDULED:
        fixed = db.session.execute(
            select(Organisation.id, Organisation.name, literal(False))
            .where(Organisation.eligible_to_vote)
            .order_by(Organisation.name, Organisation.id)
        ).all()
    return [Turnout(row[0], row[1], bool(row[2])) for row in fixed]


def not_voted(actor: User, motion: Motion) -> list[Turnout]:
    """List the eligible organisations that have not voted on the motion, by name."""
    return [row for row in participation_of(actor, motion) if not row.voted]


def _check_open(motion: Motion, now: datetime) -> None:
    target = motion.round
    if target.kind not in VOTING_KINDS or not accepts_input(target.state, target.closes_at, now):
        raise Conflict(_l("Reminders are sent only while the round is open."))


def _claim_reminder(motion: Motion, actor: User, now: datetime) -> bool:
    """Take the motion's reminder slot unless a reminder went within the interval; tell whether it was taken."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(MotionReminder).values(motion_id=motion.id, sent_at=now, sent_by_id=actor.id, sent_count=1)
    statement = statement.on_conflict_do_update(
        index_elements=["motion_id"],
        set_={
            "sent_at": statement.excluded.sent_at,
            "sent_by_id": statement.excluded.sent_by_id,
            "sent_count": MotionReminder.sent_count + 1,
        },
        # A concurrent claim waits for the row and then sees the time the first one wrote.
        where=MotionReminder.sent_at <= now - REMINDER_INTERVAL,
    ).returning(MotionReminder.id)
    return db.session.execute(statement).first() is not None


def _seconds_until_next(motion: Motion, now: datetime) -> int:
    last = db.session.execute(
        select(MotionReminder.sent_at).where(MotionReminder.motion_id == motion.id)
    ).scalar_one_or_none()
    if last is None:
        return 1
    # A reminder that won the race may carry a time a moment after this request's own clock reading.
    wait = math.ceil((last + REMINDER_INTERVAL - now).total_seconds())
    return min(max(1, wait), int(REMINDER_INTERVAL.total_seconds()))


def send_reminder(actor: User, motion: Motion, now: datetime | None = None) -> ReminderSent:
    """Remind the users of every organisation that has not voted on the motion, in their language and zone.

    Refused while the round is not open (409), when every organisation has voted (409), and within
    the interval after the last reminder on the motion (429, saying when the next may go).
    """
    if not permissions.can_send_reminders(actor):
        raise Forbidden(_l("Only the secretariat sends reminders."))
    now = now or utcnow()
    _check_open(motion, now)
    missing = not_voted(actor, motion)
    if not missing:
        raise Conflict(_l("Every organisation in the electorate has voted on this motion."))
    if not _claim_reminder(motion, actor, now):
        raise RateLimited(
            retry_after=_seconds_until_next(motion, now),
            message=_l("A reminder on this motion was sent less than 10 minutes ago."),
        )
    target = motion.round
    organisation_ids = [row.organisation_id for row in missing]
    users = (
        db.session.execute(
            select(User)
            .where(User.organisation_id.in_(organisation_ids), User.role == Role.MEMBER, User.active.is_(True))
            .order_by(User.id)
        )
        .unique()
        .scalars()
        .all()
    )
    context = {
        "title": target.title,
        "document": target.document.title,
        "position": motion.position,
        "closes_at": target.closes_at,
        "url": link_to("voting.ballot_page", round_id=target.id),
    }
    recipients = sum(1 for user in users if notify(user, "motion_reminder", context) is not None)
    audit.record(
        "motion.reminded",
        "motion",
        motion.id,
        {"round_id": target.id, "organisations": organisation_ids, "recipients": recipients},
        actor,
    )
    return ReminderSent(organisation_ids, recipients, now)
