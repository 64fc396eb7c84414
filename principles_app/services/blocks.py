"""Voting blocks: one motion carrying several amendments, which pass or fall together.

The motion's ``amendment_id`` is the block's first amendment, so everything that reads a
single-amendment motion keeps working; ``motion_amendment`` lists the whole block in order.
When the motion passes, closing merges the block through the batch merge, all or nothing.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from principles_app.db import utcnow
from principles_app.domain.amendments import AmendmentStatus
from principles_app.domain.rounds import RoundKind, RoundState, accepts_input
from principles_app.extensions import db
from principles_app.models import Amendment, Motion, MotionAmendment, Round, User
from principles_app.services import audit
from principles_app.services import rounds as round_service
from principles_app.services.errors import Conflict, ValidationFailed
from principles_app.services.merging import check_batch

FIELD = "amendment_ids"


def block_ids(motions: list[Motion]) -> dict[int, list[int]]:
    """Map each motion to the amendments it carries in order (one query for all motions)."""
    result: dict[int, list[int]] = {m.id: ([m.amendment_id] if m.amendment_id else []) for m in motions}
    if not motions:
        return result
    rows = db.session.execute(
        select(MotionAmendment.motion_id, MotionAmendment.amendment_id)
        .where(MotionAmendment.motion_id.in_(list(result)))
        .order_by(MotionAmendment.motion_id, MotionAmendment.position)
    ).all()
    blocks: dict[int, list[int]] = {}
    for motion_id, amendment_id in rows:
        blocks.setdefault(motion_id, []).append(amendment_id)
    result.update(blocks)
    return result


def put_block(actor: User | None, target: Round, amendment_ids: Any) -> Motion:
    """Put several open amendments of the round's document to the vote as one motion."""
    amendment_ids = check_batch(amendment_ids)
    target = round_service.lock_round(target)
    if target.kind != RoundKind.VOTING:
        raise Conflict(_l("Amendments are put to the vote in a voting round only."))
    if target.state == RoundState.CLOSED or (
        target.state == RoundState.OPEN and not accepts_input(target.state, target.closes_at, utcnow())
    ):
        raise Conflict(_l("This round is closed."))
    found = {a.id: a for a in db.session.execute(select(Amendment).where(Amendment.id.in_(amendment_ids))).scalars()}
    unknown = [i for i in amendment_ids if i not in found]
    if unknown:
        raise ValidationFailed(fields={FIELD: str(_l("No such amendment: %(ids)s.", ids=", ".join(map(str, unknown))))})
    amendments = [found[i] for i in amendment_ids]
    if len({a.document_id for a in amendments}) > 1:
        raise ValidationFailed(fields={FIELD: str(_l("A block holds amendments of one document only."))})
    if amendments[0].document_id != target.document_id:
        raise ValidationFailed(fields={FIELD: str(_l("These amendments belong to another document."))})
    closed = [a.id for a in amendments if a.status != AmendmentStatus.OPEN]
    if closed:
        raise Conflict(
            _l("Only open amendments can be put to the vote; not: %(ids)s.", ids=", ".join(map(str, closed)))
        )
    put = list(db.session.execute(select(Motion).where(Motion.round_id == target.id)).scalars())
    taken = {amendment_id for ids in block_ids(put).values() for amendment_id in ids}
    again = [i for i in amendment_ids if i in taken]
    if again:
        raise Conflict(_l("Already a motion in this round: %(ids)s.", ids=", ".join(map(str, again))))
    last = db.session.execute(select(func.max(Motion.position)).where(Motion.round_id == target.id)).scalar()
    motion = Motion(
        round_id=target.id,
        position=(last or 0) + 1,
        amendment_id=amendment_ids[0],
        put_by_id=actor.id if actor is not None else None,
    )
    db.session.add(motion)
    db.session.flush()
    db.session.add_all(
        MotionAmendment(motion_id=motion.id, amendment_id=i, position=n) for n, i in enumerate(amendment_ids, 1)
    )
    db.session.flush()
    audit.record(
        "motion.put",
        "motion",
        motion.id,
        {"round_id": target.id, "amendment_ids": amendment_ids, "position": motion.position},
        actor,
    )
    return motion
