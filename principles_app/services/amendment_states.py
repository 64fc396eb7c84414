"""The rules every change of an amendment follows: allowed moves, no change while voted on, history."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from principles_app.domain.amendments import AmendmentStatus, IllegalAmendmentMove, next_status
from principles_app.domain.rounds import RoundState
from principles_app.extensions import db
from principles_app.labels import AMENDMENT_STATUS_NAMES, name_of
from principles_app.models import Amendment, AmendmentRevision, Motion, MotionAmendment, Round, User
from principles_app.services.errors import Conflict


def move(amendment: Amendment, action: str) -> AmendmentStatus:
    """Return the status an action leads to, or refuse it with 409."""
    try:
        return next_status(amendment.status, action)
    except IllegalAmendmentMove as illegal:
        raise Conflict(
            _l(
                "This amendment is %(status)s; it cannot be changed this way.",
                status=name_of(AMENDMENT_STATUS_NAMES, illegal.status),
            )
        ) from None


def refuse_while_voted_on(amendment: Amendment) -> None:
    """Refuse to change an amendment that is a motion of a scheduled or open round: the vote decides it."""
    voting = (
        db.session.execute(
            select(Round)
            .join(Motion, Motion.round_id == Round.id)
            .where(
                (Motion.amendment_id == amendment.id)
                | Motion.id.in_(select(MotionAmendment.motion_id).where(MotionAmendment.amendment_id == amendment.id)),
                Round.state.in_((RoundState.SCHEDULED, RoundState.OPEN)),
            )
        )
        .scalars()
        .first()
    )
    if voting is not None:
        raise Conflict(
            _l(
                "This amendment is a motion in the round “%(round)s”; it cannot change while it is voted on. "
                "The secretariat can remove the motion while the round is scheduled.",
                round=voting.title,
            )
        )


def record_revision(amendment: Amendment, reason: str, user: User | None) -> None:
    """Add an entry to the amendment's history with its current text."""
    number = len(amendment.revisions) + 1
    amendment.revisions.append(
        AmendmentRevision(
            number=number,
            reason=reason,
            base_version=amendment.base_version,
            base_text=amendment.base_text,
            proposed_title=amendment.proposed_title,
            proposed_text=amendment.proposed_text,
            rationale=amendment.rationale,
            user_id=user.id if user is not None else None,
        )
    )
