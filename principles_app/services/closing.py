"""Opening and closing a round, step by step: the one place that says what each does, in order.

Opening a scheduled round:
  0. a round attached to a General Meeting opens only while the meeting's quorum is reached,
  1. move it to open (one open round per document; the database settles a race),
  2. give an adoption round its one motion, the document's current version,
  3. freeze the electorate of a voting or adoption round,
  4. tell members and observers that the round is open.

Closing an open round (once, even when several closers race):
  1. lock the round row, so ballots in flight finish first and later ones see it closed,
  2. move it to closed,
  3. tally every motion of a voting or adoption round against its frozen electorate,
  4. apply the outcomes in the order the motions were put: merge what passed (rebasing or
     conflicting siblings), reject what failed, mark an adoption adoptable or not,
  5. tell proposers what became of their amendments (done by the merge and rejection themselves).

Every step runs in the caller's transaction: a failure anywhere leaves the round as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from principles_app.db import utcnow
from principles_app.domain import meetings as meeting_rules
from principles_app.domain import tally as tally_domain
from principles_app.domain.amendments import AmendmentStatus
from principles_app.domain.rounds import RoundState, is_due
from principles_app.domain.voting import MotionEffect, adoption_effect, outcome_of
from principles_app.extensions import db
from principles_app.models import Amendment, Motion, Round, User
from principles_app.services import amendments as amendment_service
from principles_app.services import audit, blocks, merging, motions, notifications, results
from principles_app.services import meetings as meeting_service
from principles_app.services import rounds as round_service
from principles_app.services.errors import Conflict, ValidationFailed

# --- Opening ----------------------------------------------------------------------------------


def open_round(actor: User | None, target: Round) -> Round:
    """Open a scheduled round; another open round of the document makes this a 409."""
    new_state = round_service.next_state_for(target, "open")
    now = utcnow()
    if target.closes_at <= now:
        raise Conflict(_l("The closing time has passed; schedule a new round."))
    if round_service.open_round_of(target.document) is not None:
        raise Conflict(_l("Another round of this document is open."))
    check_meeting_quorum(target)
    try:
        with db.session.begin_nested():
            target.state, target.opened_at = new_state, now
            db.session.flush()
    except IntegrityError:
        # Two openings raced; the partial unique index let only one through.
        db.session.expire(target)
        raise Conflict(_l("Another round of this document is open.")) from None
    audit.record("round.opened", "round", target.id, {"kind": target.kind.value}, actor)
    motions.put_adoption_motion(target, actor)
    motions.fix_electorate(target, actor)
    notifications.notify_round_opened(target)
    return target


def meeting_quorum_shortfall(target: Round) -> str | None:
    """Say why a round attached to a meeting cannot open now (its quorum is not reached), or None if it can."""
    if target.meeting_id is None:
        return None
    meeting = meeting_service.get_meeting(target.meeting_id)
    refused = meeting_rules.opening_refused(meeting_service.summary(meeting))
    if refused is None:
        return None
    here, eligible, required = (meeting_rules.plain_weight(w) for w in refused)
    return str(
        _l(
            "Quorum not reached: %(here)s of %(eligible)s present or represented; %(required)s required.",
            here=here,
            eligible=eligible,
            required=required,
        )
    )


def check_meeting_quorum(target: Round) -> None:
    """Refuse (409) to open a round attached to a meeting whose quorum is not reached, naming the weights."""
    shortfall = meeting_quorum_shortfall(target)
    if shortfall is not None:
        raise Conflict(shortfall)


# --- Closing ----------------------------------------------------------------------------------


def close_round(actor: User | None, target: Round) -> Round:
    """Close an open round, tally it and apply its outcomes once: a second closer, racing or late, gets a 409."""
    target = round_service.lock_round(target)
    target.state, target.closed_at = round_service.next_state_for(target, "close"), utcnow()
    db.session.flush()
    audit.record("round.closed", "round", target.id, {"kind": target.kind.value}, actor)
    tally_and_apply(target, actor)
    return target


def close_due_rounds(now: datetime | None = None) -> list[int]:
    """Close and apply every open round past its closing time; safe from cron and concurrently."""
    now = now or utcnow()
    due_ids = db.session.execute(select(Round.id, Round.closes_at).where(Round.state == RoundState.OPEN)).all()
    closed: list[int] = []
    for round_id, closes_at in due_ids:
        if not is_due(RoundState.OPEN, closes_at, now):
            continue
        target = round_service.lock_round(db.session.get(Round, round_id))
        # Another closer (a person or a concurrent run) may have got there first: that is no error.
        if target.state == RoundState.OPEN:
            close_round(None, target)
            closed.append(round_id)
        # One transaction per round: a failure in one never holds back the others.
        db.session.commit()
    return closed


@dataclass(frozen=True)
class MotionSummary:
    """What closing did with one motion."""

    motion_id: int
    amendment_id: int | None
    version_number: int | None
    outcome: str
    effect: str
    new_version: int | None = None
    rebased_ids: tuple[int, ...] = ()
    conflicted_ids: tuple[int, ...] = ()


def tally_and_apply(target: Round, actor: User | None) -> list[MotionSummary]:
    """Tally every motion of a closed round and apply the outcomes in the order put, each once."""
    if target.kind not in motions.VOTING_KINDS:
        return []
    now = target.closed_at or utcnow()
    summaries: list[MotionSummary] = []
    for motion in motions.motions_of(target):
        db.session.refresh(motion)
        if motion.outcome is not None:
            continue  # applied once already
        result = results.tally_of(motion)
        motion.result = tally_domain.to_jsonable(result)
        motion.outcome = outcome_of(result.passed).value
        motion.decided_at = now
        summary = _apply(actor, motion, result.passed)
        motion.effect = summary.effect
        db.session.flush()
        audit.record(
            "motion.decided",
            "motion",
            motion.id,
            {
                "round_id": target.id,
                "outcome": summary.outcome,
                "effect": summary.effect,
                "amendment_id": summary.amendment_id,
                "version": summary.version_number,
                "new_version": summary.new_version,
                "yes": result.overall.yes.weight,
                "no": result.overall.no.weight,
                "abstain": result.overall.abstain.weight,
                "eligible": result.overall.eligible_weight,
                "quorum_reached": result.quorum_reached,
            },
            actor,
        )
        summaries.append(summary)
    return summaries


def _apply(actor: User | None, motion: Motion, passed: bool) -> MotionSummary:
    """Apply one decided motion: an amendment is merged or rejected, a version becomes adoptable or not."""
    if motion.amendment_id is None:
        return MotionSummary(motion.id, None, motion.version_number, motion.outcome, adoption_effect(passed).value)
    block = blocks.block_ids([motion])[motion.id]
    if len(block) > 1:
        return _apply_block(actor, motion, passed, block)
    amendment = db.session.execute(
        select(Amendment).where(Amendment.id == motion.amendment_id).execution_options(populate_existing=True)
    ).scalar_one()
    outcome = outcome_of(passed).value
    base = {"motion_id": motion.id, "amendment_id": amendment.id, "version_number": None, "outcome": outcome}
    if passed and amendment.status == AmendmentStatus.OPEN:
        try:
            with db.session.begin_nested():
                merged = amendment_service.merge_amendment(actor, amendment)
        except Conflict:
            # The principle moved under it; the vote stands, the amendment needs revising.
            return MotionSummary(**base, effect=MotionEffect.CONFLICTED.value)
        return MotionSummary(
            **base,
            effect=MotionEffect.MERGED.value,
            new_version=merged.version.number,
            rebased_ids=tuple(merged.rebased_ids),
            conflicted_ids=tuple(merged.conflicted_ids),
        )
    if passed and amendment.status == AmendmentStatus.CONFLICTED:
        # An earlier merge in this round conflicted it: reported, never silently dropped.
        return MotionSummary(**base, effect=MotionEffect.CONFLICTED.value)
    if not passed and amendment.status in (AmendmentStatus.OPEN, AmendmentStatus.CONFLICTED):
        amendment_service.reject(actor, amendment)
        return MotionSummary(**base, effect=MotionEffect.REJECTED.value)
    return MotionSummary(**base, effect=MotionEffect.SKIPPED.value)


def _apply_block(actor: User | None, motion: Motion, passed: bool, block: list[int]) -> MotionSummary:
    """Apply a voting block: merge its amendments in order as one batch, or reject them all."""
    outcome = outcome_of(passed).value
    base = {"motion_id": motion.id, "amendment_id": block[0], "version_number": None, "outcome": outcome}
    if passed:
        try:
            with db.session.begin_nested():
                merged = merging.merge_batch(actor, motion.round.document, block)
        except (Conflict, ValidationFailed):
            # One of them no longer applies after the others: the vote stands, nothing is merged,
            # and the summary says so (never silently dropped).
            return MotionSummary(**base, effect=MotionEffect.CONFLICTED.value)
        return MotionSummary(
            **base,
            effect=MotionEffect.MERGED.value,
            new_version=merged.version.number,
            rebased_ids=tuple(merged.rebased_ids),
            conflicted_ids=tuple(merged.conflicted_ids),
        )
    rejected = False
    for amendment_id in block:
        amendment = db.session.get(Amendment, amendment_id)
        if amendment.status in (AmendmentStatus.OPEN, AmendmentStatus.CONFLICTED):
            amendment_service.reject(actor, amendment)
            rejected = True
    return MotionSummary(**base, effect=(MotionEffect.REJECTED if rejected else MotionEffect.SKIPPED).value)
