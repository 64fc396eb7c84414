"""Motions and the electorate of voting and adoption rounds: what is put to the vote, and who votes."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from principles_app.db import utcnow
from principles_app.domain import tally as tally_domain
from principles_app.domain.amendments import AmendmentStatus
from principles_app.domain.rounds import RoundKind, RoundState, accepts_input
from principles_app.extensions import db
from principles_app.labels import AMENDMENT_STATUS_NAMES, name_of
from principles_app.models import Amendment, ElectorateMember, Motion, MotionAmendment, Organisation, Round, User
from principles_app.services import audit
from principles_app.services import rounds as round_service
from principles_app.services.errors import Conflict, NotFound, ValidationFailed

VOTING_KINDS = (RoundKind.VOTING, RoundKind.ADOPTION)


# --- Reading ------------------------------------------------------------------------------


def get_motion(motion_id: int) -> Motion:
    """Return the motion or raise NotFound."""
    found = db.session.get(Motion, motion_id)
    if found is None:
        raise NotFound(_l("No such motion."))
    return found


def motions_of(target: Round) -> list[Motion]:
    """Return the round's motions in the order they were put."""
    return list(
        db.session.execute(select(Motion).where(Motion.round_id == target.id).order_by(Motion.position)).scalars()
    )


def electorate_of(target: Round) -> list[tally_domain.Elector]:
    """Return the electorate frozen when the round opened."""
    rows = db.session.execute(
        select(ElectorateMember)
        .where(ElectorateMember.round_id == target.id)
        .order_by(ElectorateMember.organisation_id)
    ).scalars()
    return [tally_domain.Elector(row.organisation_id, row.region, row.category, row.weight) for row in rows]


def elector_of(target: Round, organisation_id: int) -> ElectorateMember | None:
    """Return the organisation's entry in the round's electorate, if it has one."""
    return db.session.execute(
        select(ElectorateMember).where(
            ElectorateMember.round_id == target.id, ElectorateMember.organisation_id == organisation_id
        )
    ).scalar_one_or_none()


# --- Opening: electorate and the adoption motion ----------------------------------------------


def snapshot_electorate(target: Round) -> int:
    """Freeze the round's electorate: eligible organisations and their weights now."""
    eligible = db.session.execute(select(Organisation).where(Organisation.eligible_to_vote)).scalars().all()
    db.session.add_all(
        ElectorateMember(
            round_id=target.id,
            organisation_id=o.id,
            region=o.region.value,
            category=o.category.value,
            weight=o.vote_weight,
        )
        for o in eligible
    )
    db.session.flush()
    return len(eligible)


def fix_electorate(target: Round, actor: User | None) -> None:
    """Freeze a voting or adoption round's electorate as the round opens, and record its size."""
    if target.kind not in VOTING_KINDS:
        return
    count = snapshot_electorate(target)
    total = sum((e.weight for e in electorate_of(target)), Decimal(0))
    audit.record("round.electorate_fixed", "round", target.id, {"organisations": count, "weight": total}, actor)


def put_adoption_motion(target: Round, actor: User | None) -> Motion | None:
    """Give an adoption round its one motion: the document's current version, once."""
    if target.kind != RoundKind.ADOPTION or motions_of(target):
        return None
    motion = Motion(
        round_id=target.id,
        position=1,
        version_number=target.document.current_version,
        put_by_id=actor.id if actor is not None else None,
    )
    db.session.add(motion)
    db.session.flush()
    audit.record("motion.put", "motion", motion.id, {"round_id": target.id, "version": motion.version_number}, actor)
    return motion


# --- Putting motions --------------------------------------------------------------------------


def put_motion(actor: User | None, target: Round, amendment: Amendment) -> Motion:
    """Put an open amendment to the vote in a voting round, after those already put."""
    target = round_service.lock_round(target)
    if target.kind != RoundKind.VOTING:
        raise Conflict(_l("Amendments are put to the vote in a voting round only."))
    if target.state == RoundState.CLOSED or (
        target.state == RoundState.OPEN and not accepts_input(target.state, target.closes_at, utcnow())
    ):
        raise Conflict(_l("This round is closed."))
    if amendment.document_id != target.document_id:
        raise ValidationFailed(fields={"amendment_id": str(_l("This amendment belongs to another document."))})
    if amendment.status != AmendmentStatus.OPEN:
        raise Conflict(
            _l(
                "Only an open amendment can be put to the vote (this one is %(status)s).",
                status=name_of(AMENDMENT_STATUS_NAMES, amendment.status),
            )
        )
    in_block = select(MotionAmendment.motion_id).where(MotionAmendment.amendment_id == amendment.id)
    existing = (
        db.session.execute(
            select(Motion).where(
                Motion.round_id == target.id, (Motion.amendment_id == amendment.id) | Motion.id.in_(in_block)
            )
        )
        .scalars()
        .first()
    )
    if existing is not None:
        raise Conflict(_l("This amendment is already a motion in this round."))
    last = db.session.execute(select(func.max(Motion.position)).where(Motion.round_id == target.id)).scalar()
    motion = Motion(
        round_id=target.id,
        position=(last or 0) + 1,
        amendment_id=amendment.id,
        put_by_id=actor.id if actor is not None else None,
    )
    db.session.add(motion)
    db.session.flush()
    audit.record(
        "motion.put",
        "motion",
        motion.id,
        {"round_id": target.id, "amendment_id": amendment.id, "position": motion.position},
        actor,
    )
    return motion


def remove_motion(actor: User | None, motion: Motion) -> None:
    """Take an amendment's motion off a scheduled round, so the amendment can change again; audited."""
    target = round_service.lock_round(motion.round)
    if target.state != RoundState.SCHEDULED:
        raise Conflict(_l("A motion can be removed only while its round “%(round)s” is scheduled.", round=target.title))
    if motion.amendment_id is None:
        raise Conflict(_l("An adoption motion cannot be removed."))
    details = {"round_id": target.id, "amendment_id": motion.amendment_id, "position": motion.position}
    motion_id = motion.id
    db.session.execute(delete(MotionAmendment).where(MotionAmendment.motion_id == motion_id))
    db.session.delete(motion)
    db.session.flush()
    audit.record("motion.removed", "motion", motion_id, details, actor)
