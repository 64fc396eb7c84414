"""Motions, ballots and results over JSON."""

from __future__ import annotations

from flask import g, jsonify, request
from flask_babel import gettext as _

from principles_app import permissions
from principles_app.extensions import db
from principles_app.models import Ballot, Motion
from principles_app.services import amendments as amendment_service
from principles_app.services import ballots as ballot_service
from principles_app.services import blocks as block_service
from principles_app.services import motions as motion_service
from principles_app.services import results as result_service
from principles_app.services import rounds as round_service
from principles_app.services.errors import ValidationFailed
from principles_app.web.api import bp
from principles_app.web.api.core import ok, require
from principles_app.web.api.openapi import Endpoint, endpoint
from principles_app.web.api.voting_schemas import (
    BallotIn,
    BallotOut,
    MotionCreate,
    MotionOut,
    MotionResult,
)


def motion_out(motion: Motion, amendment_ids: list[int] | None = None) -> MotionOut:
    """Describe a motion; its outcome is null until the round closes."""
    if amendment_ids is None:
        amendment_ids = block_service.block_ids([motion])[motion.id]
    return MotionOut(
        id=motion.id,
        round_id=motion.round_id,
        position=motion.position,
        amendment_id=motion.amendment_id,
        amendment_ids=amendment_ids,
        version_number=motion.version_number,
        outcome=motion.outcome,
        effect=motion.effect,
    )


def motions_json(round_) -> list[dict]:
    """Describe a round's motions in order, for the round resource."""
    found = motion_service.motions_of(round_)
    ids = block_service.block_ids(found)
    return [motion_out(m, ids[m.id]).model_dump(mode="json") for m in found]


def ballot_out(ballot: Ballot, weight) -> BallotOut:
    """Describe the organisation's current ballot."""
    return BallotOut(choice=ballot.choice, weight=str(weight), receipt=ballot.receipt, cast_at=ballot.cast_at)


@bp.post("/rounds/<int:round_id>/motions")
@endpoint(
    Endpoint(
        "Put an open amendment (amendment_id), or several as one block (amendment_ids), to the vote",
        auth="secretariat",
        body=MotionCreate,
        response=MotionOut,
        status=201,
        errors=(409,),
        tag="voting",
    )
)
def put_motion(round_id: int, body: MotionCreate):
    """Put an open amendment to the vote."""
    require(permissions.can_put_motion(g.api_user))
    target = round_service.get_round(round_id)
    if (body.amendment_id is None) == (body.amendment_ids is None):
        raise ValidationFailed(fields={"amendment_id": _("Give either amendment_id or amendment_ids.")})
    if body.amendment_ids is not None:
        motion = block_service.put_block(g.api_user, target, list(body.amendment_ids))
    else:
        amendment = amendment_service.get_amendment(body.amendment_id)
        motion = motion_service.put_motion(g.api_user, target, amendment)
    db.session.commit()
    return ok(motion_out(motion), 201)


@bp.delete("/motions/<int:motion_id>")
@endpoint(
    Endpoint(
        "Remove an amendment's motion from a scheduled round",
        auth="secretariat",
        status=204,
        errors=(404, 409),
        tag="voting",
    )
)
def remove_motion(motion_id: int):
    """Take a motion off a scheduled round; the amendment can then change again."""
    require(permissions.can_remove_motion(g.api_user))
    motion_service.remove_motion(g.api_user, motion_service.get_motion(motion_id))
    db.session.commit()
    return "", 204


@bp.put("/motions/<int:motion_id>/ballot")
@endpoint(
    Endpoint(
        "Cast or change my organisation's ballot; every call returns a new receipt",
        body=BallotIn,
        response=BallotOut,
        errors=(403, 409),
        tag="voting",
    )
)
def cast_ballot(motion_id: int, body: BallotIn):
    """Cast or change the caller's organisation's ballot."""
    require(permissions.can_vote(g.api_user))
    cast = ballot_service.cast_ballot(g.api_user, motion_id, body.choice, on_behalf_of=body.on_behalf_of)
    db.session.commit()
    return ok(BallotOut(choice=cast.choice, weight=str(cast.weight), receipt=cast.receipt, cast_at=cast.cast_at))


@bp.get("/motions/<int:motion_id>/ballot")
@endpoint(
    Endpoint(
        "My organisation's current ballot and receipt, or (on_behalf_of) that of an organisation whose proxy it holds",
        response=BallotOut,
        errors=(403, 404, 422),
        tag="voting",
        query={
            "on_behalf_of": {
                "type": "integer",
                "minimum": 1,
                "maximum": 2**31 - 1,
                "description": "the organisation whose proxy yours holds at the round's meeting",
            }
        },
    )
)
def get_ballot(motion_id: int):
    """Show the caller's organisation's current ballot, or the ballot of a proxy's giver."""
    require(permissions.can_vote(g.api_user))
    raw = (request.args.get("on_behalf_of") or "").strip()
    if raw and (not raw.isdigit() or not 1 <= int(raw) <= 2**31 - 1):
        raise ValidationFailed(fields={"on_behalf_of": _("Give a whole number of at least %(minimum)d.", minimum=1)})
    motion = motion_service.get_motion(motion_id)
    ballot, weight = ballot_service.ballot_of(g.api_user, motion, int(raw) if raw else None)
    return ok(ballot_out(ballot, weight))


@bp.get("/motions/<int:motion_id>/result")
@endpoint(
    Endpoint(
        "Participation while the round is open; the full tally and bulletin once it is closed",
        response=MotionResult,
        tag="voting",
    )
)
def motion_result(motion_id: int):
    """Show participation while open, the full result once closed."""
    require(permissions.can_read_results(g.api_user))
    motion = motion_service.get_motion(motion_id)
    result = MotionResult.model_validate(result_service.result_for(motion, g.api_user))
    response = jsonify(result.model_dump(mode="json", exclude_unset=True))
    # Results change with every ballot: never cached, never validated by an ETag.
    response.headers["Cache-Control"] = "no-store"
    return response
