"""Who has voted on a motion, reminders to those who have not, and ballots entered from paper, over JSON."""

from __future__ import annotations

from flask import g

from principles_app import permissions
from principles_app.extensions import db
from principles_app.services import ballots as ballot_service
from principles_app.services import motions as motion_service
from principles_app.services import turnout as turnout_service
from principles_app.web.api import bp
from principles_app.web.api.core import ok, require
from principles_app.web.api.openapi import Endpoint, endpoint
from principles_app.web.api.turnout_schemas import (
    PaperBallotIn,
    PaperBallotOut,
    ReminderOut,
    TurnoutList,
    TurnoutOut,
)


@bp.get("/motions/<int:motion_id>/participation")
@endpoint(
    Endpoint(
        "Which of the round's eligible organisations have voted on the motion (never what they chose)",
        auth="secretariat",
        response=TurnoutList,
        tag="voting",
    )
)
def motion_participation(motion_id: int):
    """List the eligible organisations and whether each has voted."""
    require(permissions.can_follow_participation(g.api_user))
    motion = motion_service.get_motion(motion_id)
    rows = turnout_service.participation_of(g.api_user, motion)
    response = ok(
        TurnoutList([TurnoutOut(organisation_id=r.organisation_id, name=r.name, voted=r.voted) for r in rows])
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/motions/<int:motion_id>/reminders")
@endpoint(
    Endpoint(
        "Remind the users of every organisation that has not voted on the motion (at most once per 10 minutes)",
        auth="secretariat",
        response=ReminderOut,
        status=202,
        errors=(409, 429),
        tag="voting",
    )
)
def send_reminder(motion_id: int):
    """Queue a reminder to every organisation that has not voted yet."""
    require(permissions.can_send_reminders(g.api_user))
    motion = motion_service.get_motion(motion_id)
    sent = turnout_service.send_reminder(g.api_user, motion)
    db.session.commit()
    return ok(
        ReminderOut(
            motion_id=motion.id,
            organisation_ids=sent.organisation_ids,
            recipients=sent.recipients,
            sent_at=sent.sent_at,
        ),
        202,
    )


@bp.put("/motions/<int:motion_id>/ballots/<int:organisation_id>")
@endpoint(
    Endpoint(
        "Record an organisation's ballot from its paper form; its users may still change it until close",
        auth="secretariat",
        body=PaperBallotIn,
        response=PaperBallotOut,
        errors=(409,),
        tag="voting",
    )
)
def record_paper_ballot(motion_id: int, organisation_id: int, body: PaperBallotIn):
    """Record a paper ballot for an organisation and return its receipt."""
    require(permissions.can_enter_paper_ballots(g.api_user))
    cast = ballot_service.record_paper_ballot(g.api_user, motion_id, organisation_id, body.choice)
    db.session.commit()
    return ok(
        PaperBallotOut(
            organisation_id=organisation_id,
            choice=cast.choice,
            weight=str(cast.weight),
            receipt=cast.receipt,
            cast_at=cast.cast_at,
            paper=True,
        )
    )
