"""Voting and adoption rounds: motions, the frozen electorate, ballots, tallies and their effects.

Ballots are written race-free on PostgreSQL and SQLite; results stay hidden until the
round is closed, and closing applies every motion once, in the order it was put.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Connection,
    Insert,
    Integer,
    Row,
    Select,
    bindparam,
    func,
    insert,
    literal_column,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from principles_app.db import utcnow
from principles_app.domain import tally as tally_domain
from principles_app.domain.amendments import AmendmentStatus
from principles_app.domain.rounds import RoundKind, RoundState, accepts_input, is_due
from principles_app.extensions import db
from principles_app.labels import AMENDMENT_STATUS_NAMES, name_of
from principles_app.models import (
    Amendment,
    Ballot,
    BallotChange,
    Category,
    ElectorateMember,
    Motion,
    Organisation,
    Role,
    Round,
    User,
)
from principles_app.services import audit, disclosure
from principles_app.services import rounds as round_service
from principles_app.services.errors import (
    Conflict,
    Forbidden,
    NotFound,
    ServiceError,
    ValidationFailed,
)

VOTING_KINDS = (RoundKind.VOTING, RoundKind.ADOPTION)
CHOICES = tally_domain.CHOICES


# --- Reading ------------------------------------------------------------------------------


def get_motion(motion_id: int) -> Motion:
    """Return the motion or raise NotFound."""
    found = db.session.get(Motion, motion_id)
    if found is None:
        raise NotFound(_l("No such motion."))
    return found


def motions_of(target: Round) -> list[Motion]:
    """Return the round's motions in the order they were put."""
    return list(db.session.execute(
        select(Motion).where(Motion.round_id == target.id).order_by(Motion.position)).scalars())


def electorate_of(target: Round) -> list[tally_domain.Elector]:
    """Return the electorate frozen when the round opened."""
    rows = db.session.execute(select(ElectorateMember).where(ElectorateMember.round_id == target.id)
                              .order_by(ElectorateMember.organisation_id)).scalars()
    return [tally_domain.Elector(row.organisation_id, row.region, row.category, row.weight) for row in rows]


def elector_of(target: Round, organisation_id: int) -> ElectorateMember | None:
    """Return the organisation's entry in the round's electorate, if it has one."""
    return db.session.execute(select(ElectorateMember).where(
        ElectorateMember.round_id == target.id, ElectorateMember.organisation_id == organisation_id)
    ).scalar_one_or_none()


# --- Opening: electorate and the adoption motion ----------------------------------------------


def snapshot_electorate(target: Round) -> int:
    """Freeze the round's electorate: eligible organisations and their weights now."""
    eligible = db.session.execute(select(Organisation).where(
        Organisation.category == Category.MEMBER, Organisation.active.is_(True), Organisation.vote_weight > 0)
    ).scalars().all()
    db.session.add_all(ElectorateMember(round_id=target.id, organisation_id=o.id, region=o.region.value,
                                        category=o.category.value, weight=o.vote_weight) for o in eligible)
    db.session.flush()
    return len(eligible)


def on_round_open(target: Round, actor: User | None) -> None:
    """Fix a voting or adoption round's electorate; give an adoption round its one motion."""
    if target.kind not in VOTING_KINDS:
        return
    if target.kind == RoundKind.ADOPTION and not motions_of(target):
        motion = Motion(round_id=target.id, position=1, version_number=target.document.current_version,
                        put_by_id=actor.id if actor is not None else None)
        db.session.add(motion)
        db.session.flush()
        audit.record("motion.put", "motion", motion.id,
                     {"round_id": target.id, "version": motion.version_number}, actor)
    count = snapshot_electorate(target)
    total = sum((e.weight for e in electorate_of(target)), Decimal(0))
    audit.record("round.electorate_fixed", "round", target.id, {"organisations": count, "weight": total}, actor)


# --- Putting motions --------------------------------------------------------------------------


def put_motion(actor: User | None, target: Round, amendment: Amendment) -> Motion:
    """Put an open amendment to the vote in a voting round, after those already put."""
    target = round_service.lock_round(target)
    if target.kind != RoundKind.VOTING:
        raise Conflict(_l("Amendments are put to the vote in a voting round only."))
    if target.state == RoundState.CLOSED or (
            target.state == RoundState.OPEN and not accepts_input(target.state, target.closes_at, utcnow())):
        raise Conflict(_l("This round is closed."))
    if amendment.document_id != target.document_id:
        raise ValidationFailed(fields={"amendment_id": str(_l("This amendment belongs to another document."))})
    if amendment.status != AmendmentStatus.OPEN:
        raise Conflict(_l("Only an open amendment can be put to the vote (this one is %(status)s).",
                          status=name_of(AMENDMENT_STATUS_NAMES, amendment.status)))
    existing = db.session.execute(select(Motion).where(
        Motion.round_id == target.id, Motion.amendment_id == amendment.id)).scalar_one_or_none()
    if existing is not None:
        raise Conflict(_l("This amendment is already a motion in this round."))
    last = db.session.execute(select(func.max(Motion.position)).where(Motion.round_id == target.id)).scalar()
    motion = Motion(round_id=target.id, position=(last or 0) + 1, amendment_id=amendment.id,
                    put_by_id=actor.id if actor is not None else None)
    db.session.add(motion)
    db.session.flush()
    audit.record("motion.put", "motion", motion.id,
                 {"round_id": target.id, "amendment_id": amendment.id, "position": motion.position}, actor)
    return motion


# --- Ballots ----------------------------------------------------------------------------------


def new_receipt() -> str:
    """Return a fresh random receipt code (192 bits)."""
    return secrets.token_urlsafe(24)


def check_may_vote(user: User) -> None:
    """Refuse (403) anyone who may not cast a ballot for an organisation."""
    organisation = user.organisation
    if not (user.active and user.role == Role.MEMBER and organisation is not None
            and organisation.category == Category.MEMBER and organisation.active):
        raise Forbidden(_l("Only delegates of an active member organisation vote."))


@dataclass(frozen=True)
class CastResult:
    """What a delegate sees after casting: the choice, its weight, the new receipt and the time."""

    ballot_id: int
    choice: str
    receipt: str
    cast_at: datetime
    weight: Decimal
    previous_choice: str | None


_BALLOT = Ballot.__table__
_ROUND = Round.__table__
_MOTION = Motion.__table__
_ELECTOR = ElectorateMember.__table__
# A ballot is the one write every member makes at once, so its statements are built once, as plain
# table statements (no ORM objects are loaded or flushed), and it costs as few round trips as it can.
_BALLOT_TARGET = (
    select(_ROUND.c.id, _ROUND.c.kind, _ROUND.c.state, _ROUND.c.closes_at, _ROUND.c.secrecy, _ELECTOR.c.weight)
    .select_from(_MOTION.join(_ROUND, _ROUND.c.id == _MOTION.c.round_id)
                 .outerjoin(_ELECTOR, (_ELECTOR.c.round_id == _ROUND.c.id)
                            & (_ELECTOR.c.organisation_id == bindparam("organisation_id"))))
    .where(_MOTION.c.id == bindparam("motion_id"))
    # Ballots share the round's lock, so they never block each other; closing takes it exclusively
    # and waits for ballots in flight, which then see the round closed (see rounds.lock_round).
    .with_for_update(read=True, of=_ROUND)
)
_CHANGE = BallotChange.__table__


_NEW_BALLOT = {"motion_id": bindparam("motion_id", type_=Integer),
               "organisation_id": bindparam("organisation_id", type_=Integer),
               "choice": bindparam("to_choice", type_=_BALLOT.c.choice.type),
               "receipt": bindparam("new_receipt", type_=_BALLOT.c.receipt.type),
               "cast_by_id": bindparam("user_id", type_=Integer),
               "cast_at": bindparam("now", type_=_BALLOT.c.cast_at.type),
               "changes": literal_column("0", Integer)}


def _upserting(statement: Insert, changed_at: Any = None) -> Insert:
    """Make a ballot insert change the existing ballot instead; return its id, the choice replaced and its time.

    Race-free on both databases: two delegates of one organisation at the same instant give one
    ballot changed once, never an error. ``changed_at`` is the time a change takes, evaluated once
    the ballot's row is locked (default: the time the insert carried).
    """
    return statement.on_conflict_do_update(
        index_elements=["motion_id", "organisation_id"],
        set_={"choice": statement.excluded.choice, "receipt": statement.excluded.receipt,
              "cast_by_id": statement.excluded.cast_by_id,
              "cast_at": statement.excluded.cast_at if changed_at is None else changed_at,
              "previous_choice": _BALLOT.c.choice, "changes": _BALLOT.c.changes + literal_column("1", Integer)},
    ).returning(_BALLOT.c.id, _BALLOT.c.previous_choice, _BALLOT.c.cast_at)


def _clock_after_lock() -> Any:
    """On PostgreSQL: the time given (tests), else the clock read when evaluated, after the locks taken before it.

    ``now()`` would be the transaction's start, and a time taken before waiting for a lock lets a
    ballot committed later carry an earlier time than the one it replaced.
    """
    return func.coalesce(bindparam("now", type_=_BALLOT.c.cast_at.type), func.clock_timestamp(),
                         type_=_BALLOT.c.cast_at.type)


def _cast_in_one_statement() -> Select:
    """On PostgreSQL: lock and read the round, write the ballot if it takes it, record the change.

    The database writes the ballot only where _refusal would find nothing (open, before closing
    time, a voting kind, the organisation in the electorate); cast_ballot asks _refusal of the row
    returned and refuses, so rolls back, if it finds something.
    """
    target = _BALLOT_TARGET.cte("target")
    new_ballot = _NEW_BALLOT | {"cast_at": _clock_after_lock()}
    takes_it = select(*new_ballot.values()).where(
        target.c.state == RoundState.OPEN, or_(*(target.c.kind == kind for kind in VOTING_KINDS)),
        target.c.weight.is_not(None),
        target.c.closes_at > new_ballot["cast_at"])
    written = _upserting(postgresql.insert(_BALLOT).from_select(list(new_ballot), takes_it),
                         changed_at=_clock_after_lock()).cte("written")
    change = insert(_CHANGE).from_select(
        ["ballot_id", "user_id", "from_choice", "to_choice", "at"],
        select(written.c.id, _NEW_BALLOT["cast_by_id"], written.c.previous_choice, _NEW_BALLOT["choice"],
               written.c.cast_at),
    ).returning(_CHANGE.c.ballot_id, _CHANGE.c.from_choice, _CHANGE.c.at).cte("change")
    return select(target, change.c.ballot_id, change.c.from_choice, change.c.at.label("cast_at")).select_from(
        target.outerjoin(change, true()))


_CAST_ON_POSTGRESQL = _cast_in_one_statement()
_CAST_ON_SQLITE = _upserting(sqlite.insert(_BALLOT).values(_NEW_BALLOT))
_RECORD_CHANGE = insert(_CHANGE).values(
    ballot_id=bindparam("ballot_id"), user_id=bindparam("user_id"), from_choice=bindparam("from_choice"),
    to_choice=bindparam("to_choice"), at=bindparam("now"))
# SQLite has one writer at a time: writing first takes that lock before anything is read.
_TAKE_SQLITE_WRITE_LOCK = (update(_ROUND).values(state=_ROUND.c.state).where(
    _ROUND.c.id == select(_MOTION.c.round_id).where(_MOTION.c.id == bindparam("motion_id")).scalar_subquery()))


def _refusal(target: Row, now: datetime) -> ServiceError | None:
    """Say why a round (as _BALLOT_TARGET reads it) does not take this organisation's ballot now, if it does not."""
    if target.kind not in VOTING_KINDS:
        return Conflict(_l("This round takes no ballots."))
    if not accepts_input(target.state, target.closes_at, now):
        return Conflict(_l("This round is not open for ballots."))
    if target.weight is None:
        return Forbidden(_l("Your organisation is not in this round's electorate."))
    return None


def _cast(connection: Connection, params: dict[str, Any]) -> tuple[Row, int | None, str | None, datetime | None]:
    """Lock the motion's round and write the ballot if the round takes it.

    Return the round's state and the organisation's weight in it, the ballot's id (None if not
    written), the choice it replaced and the time it was cast: ``params["now"]`` if given, else
    the clock read once the locks are held, so the ballot committed last always carries the latest time.
    """
    if connection.dialect.name == "postgresql":
        row = connection.execute(_CAST_ON_POSTGRESQL, params).one_or_none()
        if row is None:
            raise NotFound(_l("No such motion."))
        return row, row.ballot_id, row.from_choice, row.cast_at
    connection.execute(_TAKE_SQLITE_WRITE_LOCK, params)
    params = params | {"now": params["now"] or utcnow()}  # SQLite's one writer: the clock after its lock
    target = connection.execute(_BALLOT_TARGET, params).one_or_none()
    if target is None:
        raise NotFound(_l("No such motion."))
    if _refusal(target, params["now"]) is not None:
        return target, None, None, params["now"]
    ballot_id, previous, _cast_at = connection.execute(_CAST_ON_SQLITE, params).one()
    connection.execute(_RECORD_CHANGE, {key: params[key] for key in ("user_id", "to_choice", "now")}
                       | {"ballot_id": ballot_id, "from_choice": previous})
    return target, ballot_id, previous, params["now"]


def cast_ballot(user: User, motion_id: int, choice: str, now: datetime | None = None) -> CastResult:
    """Cast or change the user's organisation's ballot; every call gives a new receipt."""
    if choice not in CHOICES:
        raise ValidationFailed(fields={"choice": str(_l("Choose yes, no or abstain."))})
    check_may_vote(user)
    receipt = new_receipt()
    # Without a given time, the ballot takes its time once the locks are held (see _cast).
    params = {"motion_id": motion_id, "organisation_id": user.organisation_id, "user_id": user.id,
              "to_choice": choice, "new_receipt": receipt, "now": now}
    # Refusals below raise, so the transaction (and anything written) is rolled back.
    target, ballot_id, previous, cast_at = _cast(db.session.connection(), params)
    now = cast_at or now or utcnow()
    refusal = _refusal(target, now)
    if refusal is not None:
        raise refusal
    if ballot_id is None:
        raise RuntimeError(f"motion {motion_id}: the round takes the ballot but the database did not write it")
    payload: dict[str, Any] = {"motion_id": motion_id, "round_id": target.id,
                               "organisation_id": user.organisation_id, "changed": previous is not None}
    if target.secrecy != "secret":
        # In a secret round the log never ties a choice to an organisation.
        payload.update({"choice": choice, "from": previous})
    audit.record("ballot.changed" if previous is not None else "ballot.cast", "motion", motion_id, payload, user)
    return CastResult(ballot_id, choice, receipt, now, target.weight, previous)


def ballot_of(user: User, motion: Motion) -> tuple[Ballot, Decimal]:
    """Return the user's organisation's ballot on a motion and its weight."""
    check_may_vote(user)
    elector = elector_of(motion.round, user.organisation_id)
    if elector is None:
        raise Forbidden(_l("Your organisation is not in this round's electorate."))
    ballot = db.session.execute(select(Ballot).where(
        Ballot.motion_id == motion.id, Ballot.organisation_id == user.organisation_id)).scalar_one_or_none()
    if ballot is None:
        raise NotFound(_l("Your organisation has not voted on this motion yet."))
    return ballot, elector.weight


def ballot_history(user: User, motion: Motion) -> list[BallotChange]:
    """Return every cast and change of the user's organisation's ballot, oldest first."""
    ballot, _weight = ballot_of(user, motion)
    # In the order the changes were committed (each waited for the ballot's row lock), not by time.
    return list(db.session.execute(select(BallotChange).where(BallotChange.ballot_id == ballot.id)
                                   .order_by(BallotChange.id)).scalars())


# --- Results ----------------------------------------------------------------------------------


def participation_of(motion: Motion) -> tally_domain.Participation:
    """Measure turnout on a motion without reading a single choice."""
    electorate = electorate_of(motion.round)
    voters = db.session.execute(select(Ballot.organisation_id).where(Ballot.motion_id == motion.id)).scalars()
    # The choice is not even loaded: participation cannot leak what was chosen.
    return tally_domain.participation(electorate, [tally_domain.CastBallot(o, "abstain") for o in voters])


def tally_of(motion: Motion) -> tally_domain.TallyResult:
    """Tally a motion's current ballots against its frozen electorate."""
    target = motion.round
    ballots = db.session.execute(select(Ballot.organisation_id, Ballot.choice).where(Ballot.motion_id == motion.id))
    return tally_domain.tally(electorate_of(target), [tally_domain.CastBallot(o, c) for o, c in ballots],
                              target.majority, Decimal(target.quorum))


def bulletin_of(motion: Motion) -> list[dict[str, str]]:
    """List every current receipt with its choice, and the organisation only in a named round."""
    named = motion.round.secrecy != "secret"
    rows = db.session.execute(select(Ballot.receipt, Ballot.choice, Organisation.name)
                              .join(Organisation, Organisation.id == Ballot.organisation_id)
                              .where(Ballot.motion_id == motion.id).order_by(Ballot.receipt)).all()
    entries = []
    for receipt, choice, name in rows:
        entry = {"receipt": receipt, "choice": choice}
        if named:
            entry["organisation"] = name
        entries.append(entry)
    return entries


def is_decided(motion: Motion) -> bool:
    """Tell whether the motion's result may be shown: its round is closed and it was tallied."""
    return motion.round.state == RoundState.CLOSED and motion.result is not None


def result_for(motion: Motion, viewer: User | None = None) -> dict[str, Any]:
    """Return participation while the round is open, and the full result once it is closed."""
    decided = is_decided(motion)
    data: dict[str, Any] = {
        "motion_id": motion.id,
        "state": "closed" if decided else "open",
        "participation": tally_domain.participation_to_jsonable(participation_of(motion)),
    }
    if not decided:
        return data
    stored = disclosure.disclosed_result(motion)
    for key in ("tally", "majority", "quorum", "quorum_reached", "passed", "by_region", "by_category",
                "passed_by_count", "quorum_reached_by_count"):
        data[key] = stored.get(key)
    data["outcome"] = motion.outcome
    data["effect"] = motion.effect
    data["bulletin"] = bulletin_of(motion)
    return data


# --- Closing ----------------------------------------------------------------------------------


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


def _apply_amendment(actor: User | None, motion: Motion, passed: bool) -> MotionSummary:
    """Merge a passed amendment, reject a failed one, and say what happened."""
    from principles_app.services import amendments as amendment_service

    amendment = db.session.execute(select(Amendment).where(Amendment.id == motion.amendment_id)
                                   .execution_options(populate_existing=True)).scalar_one()
    outcome = "passed" if passed else "failed"
    base = {"motion_id": motion.id, "amendment_id": amendment.id, "version_number": None, "outcome": outcome}
    if passed and amendment.status == AmendmentStatus.OPEN:
        try:
            with db.session.begin_nested():
                merged = amendment_service.merge_amendment(actor, amendment)
        except Conflict:
            # The principle moved under it; the vote stands, the amendment needs revising.
            return MotionSummary(**base, effect="conflicted")
        return MotionSummary(**base, effect="merged", new_version=merged.version.number,
                             rebased_ids=tuple(merged.rebased_ids), conflicted_ids=tuple(merged.conflicted_ids))
    if passed and amendment.status == AmendmentStatus.CONFLICTED:
        # An earlier merge in this round conflicted it: reported, never silently dropped.
        return MotionSummary(**base, effect="conflicted")
    if not passed and amendment.status in (AmendmentStatus.OPEN, AmendmentStatus.CONFLICTED):
        amendment_service.reject(actor, amendment)
        return MotionSummary(**base, effect="rejected")
    return MotionSummary(**base, effect="skipped")


def close_round_and_apply(target: Round, actor: User | None) -> list[MotionSummary]:
    """Tally every motion of a closed round and apply the outcomes in the order put."""
    if target.kind not in VOTING_KINDS:
        return []
    now = target.closed_at or utcnow()
    summaries: list[MotionSummary] = []
    for motion in motions_of(target):
        db.session.refresh(motion)
        if motion.outcome is not None:
            continue  # applied once already
        result = tally_of(motion)
        motion.result = tally_domain.to_jsonable(result)
        motion.outcome = "passed" if result.passed else "failed"
        motion.decided_at = now
        if motion.amendment_id is not None:
            summary = _apply_amendment(actor, motion, result.passed)
        else:
            summary = MotionSummary(motion.id, None, motion.version_number, motion.outcome,
                                    "adoptable" if result.passed else "not_adoptable")
        motion.effect = summary.effect
        db.session.flush()
        audit.record("motion.decided", "motion", motion.id, {
            "round_id": target.id, "outcome": summary.outcome, "effect": summary.effect,
            "amendment_id": summary.amendment_id, "version": summary.version_number,
            "new_version": summary.new_version, "yes": result.overall.yes.weight, "no": result.overall.no.weight,
            "abstain": result.overall.abstain.weight, "eligible": result.overall.eligible_weight,
            "quorum_reached": result.quorum_reached}, actor)
        summaries.append(summary)
    return summaries


def round_summary(target: Round) -> list[dict[str, Any]]:
    """Describe what closing did with each motion, in order: passed, merged, conflicted …"""
    return [{"motion_id": m.id, "position": m.position, "amendment_id": m.amendment_id,
             "version_number": m.version_number, "outcome": m.outcome, "effect": m.effect}
            for m in motions_of(target)]


def close_round(actor: User | None, target: Round) -> Round | None:
    """Close an open round once, even when several callers race; None when it was already closed."""
    locked = round_service.lock_round(target)
    if locked.state != RoundState.OPEN:
        return None
    return round_service.close_round(actor, locked)


def close_due_rounds(now: datetime | None = None) -> list[int]:
    """Close and apply every open round past its closing time; safe from cron and concurrently."""
    now = now or utcnow()
    due_ids = db.session.execute(select(Round.id, Round.closes_at).where(Round.state == RoundState.OPEN)).all()
    closed: list[int] = []
    for round_id, closes_at in due_ids:
        if not is_due(RoundState.OPEN, closes_at, now):
            continue
        target = db.session.get(Round, round_id)
        if close_round(None, target) is not None:
            closed.append(round_id)
        # One transaction per round: a failure in one never holds back the others.
        db.session.commit()
    return closed


# --- For publication --------------------------------------------------------------------------


def passed_adoption_motion(document_id: int, version_number: int) -> Motion | None:
    """Return the latest passed adoption motion on exactly this version of the document."""
    return db.session.execute(
        select(Motion).join(Round, Round.id == Motion.round_id)
        .where(Round.document_id == document_id, Round.kind == RoundKind.ADOPTION,
               Round.state == RoundState.CLOSED, Motion.version_number == version_number,
               Motion.outcome == "passed")
        .order_by(Motion.decided_at.desc(), Motion.id.desc()).limit(1)).scalar_one_or_none()


def adoption_summary(motion: Motion) -> dict[str, Any]:
    """Describe an adoption vote for the publication record; weights are strings."""
    stored = motion.result or {}
    tally_json = stored.get("tally", {})
    choices = {c: tally_json.get(c, {"count": 0, "weight": "0.0000"}) for c in CHOICES}
    return {
        "round_id": motion.round_id,
        "round_title": motion.round.title,
        "version": motion.version_number,
        "majority": stored.get("majority"),
        "quorum": stored.get("quorum"),
        "quorum_reached": stored.get("quorum_reached"),
        "passed": stored.get("passed"),
        "weights": {**{c: choices[c]["weight"] for c in CHOICES},
                    "eligible": stored.get("eligible_weight"), "participation": stored.get("participation_weight")},
        "counts": {**{c: choices[c]["count"] for c in CHOICES},
                   "eligible": stored.get("eligible_count"), "participation": stored.get("participation_count")},
        "closed_at": (motion.round.closed_at or motion.decided_at).isoformat() if (
            motion.round.closed_at or motion.decided_at) else None,
    }


def _register_hooks() -> None:
    """Attach the electorate snapshot to opening and the tally to closing, once."""
    if on_round_open not in round_service.ON_OPEN:
        round_service.ON_OPEN.append(on_round_open)
    if close_round_and_apply not in round_service.ON_CLOSE:
        round_service.ON_CLOSE.append(close_round_and_apply)


_register_hooks()
