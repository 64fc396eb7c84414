"""Ballots: the race-free write path every delegate takes at once, and reading one's own ballot back.

A ballot is written in one statement on PostgreSQL (and under SQLite's single writer lock), so two
delegates of one organisation at the same instant give one ballot changed once, never an error.
A ballot the secretariat copies from an organisation's paper form takes the same path, marked
``paper`` on the ballot and in its history, with the secretariat user as the one who cast it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
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

from principles_app import permissions
from principles_app.db import utcnow
from principles_app.domain import tally as tally_domain
from principles_app.domain.organisations import VOTING_CATEGORY
from principles_app.domain.rounds import RoundState, accepts_input
from principles_app.domain.voting import Secrecy
from principles_app.extensions import db
from principles_app.models import (
    Ballot,
    BallotChange,
    ElectorateMember,
    MeetingProxy,
    Motion,
    Organisation,
    Role,
    Round,
    User,
)
from principles_app.services import audit
from principles_app.services.errors import Conflict, Forbidden, NotFound, ServiceError, ValidationFailed
from principles_app.services.motions import VOTING_KINDS, elector_of

CHOICES = tally_domain.CHOICES


def new_receipt() -> str:
    """Return a fresh random receipt code (192 bits)."""
    return secrets.token_urlsafe(24)


def check_may_vote(user: User) -> None:
    """Refuse (403) anyone who may not cast a ballot for an organisation."""
    organisation = user.organisation
    if not (
        user.active
        and user.role == Role.MEMBER
        and organisation is not None
        and organisation.category == VOTING_CATEGORY
        and organisation.active
    ):
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
_PROXY = MeetingProxy.__table__
# A ballot is the one write every member makes at once, so its statements are built once, as plain
# table statements (no ORM objects are loaded or flushed), and it costs as few round trips as it can.
_BALLOT_TARGET = (
    select(
        _ROUND.c.id,
        _ROUND.c.kind,
        _ROUND.c.state,
        _ROUND.c.closes_at,
        _ROUND.c.secrecy,
        _ELECTOR.c.weight,
        # The organisation holding this organisation's proxy at the round's meeting, if one stands.
        _PROXY.c.holder_organisation_id.label("proxy_holder_id"),
    )
    .select_from(
        _MOTION.join(_ROUND, _ROUND.c.id == _MOTION.c.round_id)
        .outerjoin(
            _ELECTOR,
            (_ELECTOR.c.round_id == _ROUND.c.id) & (_ELECTOR.c.organisation_id == bindparam("organisation_id")),
        )
        .outerjoin(
            _PROXY,
            (_PROXY.c.meeting_id == _ROUND.c.meeting_id)
            & (_PROXY.c.giver_organisation_id == bindparam("organisation_id")),
        )
    )
    .where(_MOTION.c.id == bindparam("motion_id"))
    # Ballots share the round's lock, so they never block each other; closing takes it exclusively
    # and waits for ballots in flight, which then see the round closed (see rounds.lock_round).
    .with_for_update(read=True, of=_ROUND)
)
_CHANGE = BallotChange.__table__


_NEW_BALLOT = {
    "motion_id": bindparam("motion_id", type_=Integer),
    "organisation_id": bindparam("organisation_id", type_=Integer),
    "choice": bindparam("to_choice", type_=_BALLOT.c.choice.type),
    "receipt": bindparam("new_receipt", type_=_BALLOT.c.receipt.type),
    "cast_by_id": bindparam("user_id", type_=Integer),
    "cast_at": bindparam("now", type_=_BALLOT.c.cast_at.type),
    "changes": literal_column("0", Integer),
    "paper": bindparam("paper", type_=Boolean),
    "proxy_organisation_id": bindparam("proxy_organisation_id", type_=Integer),
}


def _upserting(statement: Insert, changed_at: Any = None) -> Insert:
    """Make a ballot insert change the existing ballot instead; return its id, the choice replaced and its time.

    Race-free on both databases: two delegates of one organisation at the same instant give one
    ballot changed once, never an error. ``changed_at`` is the time a change takes, evaluated once
    the ballot's row is locked (default: the time the insert carried).
    """
    return statement.on_conflict_do_update(
        index_elements=["motion_id", "organisation_id"],
        set_={
            "choice": statement.excluded.choice,
            "receipt": statement.excluded.receipt,
            "cast_by_id": statement.excluded.cast_by_id,
            "cast_at": statement.excluded.cast_at if changed_at is None else changed_at,
            "previous_choice": _BALLOT.c.choice,
            "changes": _BALLOT.c.changes + literal_column("1", Integer),
            "paper": statement.excluded.paper,
            "proxy_organisation_id": statement.excluded.proxy_organisation_id,
        },
    ).returning(_BALLOT.c.id, _BALLOT.c.previous_choice, _BALLOT.c.cast_at)


def _clock_after_lock() -> Any:
    """On PostgreSQL: the time given (tests), else the clock read when evaluated, after the locks taken before it.

    ``now()`` would be the transaction's start, and a time taken before waiting for a lock lets a
    ballot committed later carry an earlier time than the one it replaced.
    """
    return func.coalesce(
        bindparam("now", type_=_BALLOT.c.cast_at.type), func.clock_timestamp(), type_=_BALLOT.c.cast_at.type
    )


def _cast_in_one_statement() -> Select:
    """On PostgreSQL: lock and read the round, write the ballot if it takes it, record the change.

    The database writes the ballot only where _refusal would find nothing (open, before closing
    time, a voting kind, the organisation in the electorate); cast_ballot asks _refusal of the row
    returned and refuses, so rolls back, if it finds something.
    """
    target = _BALLOT_TARGET.cte("target")
    new_ballot = _NEW_BALLOT | {"cast_at": _clock_after_lock()}
    takes_it = select(*new_ballot.values()).where(
        target.c.state == RoundState.OPEN,
        or_(*(target.c.kind == kind for kind in VOTING_KINDS)),
        target.c.weight.is_not(None),
        target.c.closes_at > new_ballot["cast_at"],
        # While a proxy stands only its holder casts the giver's ballot (a paper form is recorded as it is).
        or_(
            _NEW_BALLOT["paper"],
            target.c.proxy_holder_id.is_not_distinct_from(_NEW_BALLOT["proxy_organisation_id"]),
        ),
    )
    written = _upserting(
        postgresql.insert(_BALLOT).from_select(list(new_ballot), takes_it), changed_at=_clock_after_lock()
    ).cte("written")
    change = (
        insert(_CHANGE)
        .from_select(
            ["ballot_id", "user_id", "from_choice", "to_choice", "at", "paper"],
            select(
                written.c.id,
                _NEW_BALLOT["cast_by_id"],
                written.c.previous_choice,
                _NEW_BALLOT["choice"],
                written.c.cast_at,
                _NEW_BALLOT["paper"],
            ),
        )
        .returning(_CHANGE.c.ballot_id, _CHANGE.c.from_choice, _CHANGE.c.at)
        .cte("change")
    )
    return select(target, change.c.ballot_id, change.c.from_choice, change.c.at.label("cast_at")).select_from(
        target.outerjoin(change, true())
    )


_CAST_ON_POSTGRESQL = _cast_in_one_statement()
_CAST_ON_SQLITE = _upserting(sqlite.insert(_BALLOT).values(_NEW_BALLOT))
_RECORD_CHANGE = insert(_CHANGE).values(
    ballot_id=bindparam("ballot_id"),
    user_id=bindparam("user_id"),
    from_choice=bindparam("from_choice"),
    to_choice=bindparam("to_choice"),
    at=bindparam("now"),
    paper=bindparam("paper"),
)
# SQLite has one writer at a time: writing first takes that lock before anything is read.
_TAKE_SQLITE_WRITE_LOCK = (
    update(_ROUND)
    .values(state=_ROUND.c.state)
    .where(_ROUND.c.id == select(_MOTION.c.round_id).where(_MOTION.c.id == bindparam("motion_id")).scalar_subquery())
)


def _refusal(target: Row, now: datetime, params: dict[str, Any] | None = None) -> ServiceError | None:
    """Say why a round (as _BALLOT_TARGET reads it) does not take this organisation's ballot now, if it does not."""
    if target.kind not in VOTING_KINDS:
        return Conflict(_l("This round takes no ballots."))
    if not accepts_input(target.state, target.closes_at, now):
        return Conflict(_l("This round is not open for ballots."))
    if target.weight is None:
        return Forbidden(_l("Your organisation is not in this round's electorate."))
    if params is not None and not params["paper"]:
        return _proxy_refusal(target.proxy_holder_id, params["proxy_organisation_id"])
    return None


def _proxy_refusal(holder_id: int | None, on_behalf_by: int | None) -> ServiceError | None:
    """Refuse a ballot that a standing proxy (or its absence) does not allow."""
    if holder_id == on_behalf_by:
        return None
    if on_behalf_by is not None:
        return Forbidden(_l("Your organisation holds no proxy of that organisation for this meeting."))
    holder = db.session.get(Organisation, holder_id)
    return Conflict(
        _l(
            "Your organisation has given its proxy for this meeting to %(holder)s: its delegates vote for you.",
            holder=holder.name if holder is not None else "",
        )
    )


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
    if _refusal(target, params["now"], params) is not None:
        return target, None, None, params["now"]
    ballot_id, previous, _cast_at = connection.execute(_CAST_ON_SQLITE, params).one()
    connection.execute(
        _RECORD_CHANGE,
        {key: params[key] for key in ("user_id", "to_choice", "now", "paper")}
        | {"ballot_id": ballot_id, "from_choice": previous},
    )
    return target, ballot_id, previous, params["now"]


def _check_choice(choice: Any) -> None:
    if choice not in CHOICES:
        raise ValidationFailed(fields={"choice": str(_l("Choose yes, no or abstain."))})


def _write_ballot(
    actor: User,
    motion_id: int,
    organisation_id: int,
    choice: str,
    now: datetime | None,
    *,
    paper: bool,
    proxy_organisation_id: int | None = None,
) -> CastResult:
    """Write an organisation's ballot as cast by the actor (a delegate, or the secretariat from paper); audit it."""
    receipt = new_receipt()
    # Without a given time, the ballot takes its time once the locks are held (see _cast).
    params = {
        "motion_id": motion_id,
        "organisation_id": organisation_id,
        "user_id": actor.id,
        "to_choice": choice,
        "new_receipt": receipt,
        "now": now,
        "paper": paper,
        "proxy_organisation_id": proxy_organisation_id,
    }
    # Refusals below raise, so the transaction (and anything written) is rolled back.
    target, ballot_id, previous, cast_at = _cast(db.session.connection(), params)
    now = cast_at or now or utcnow()
    refusal = _refusal(target, now, params)
    if refusal is not None:
        if paper and target.weight is None and isinstance(refusal, Forbidden):
            # The secretariat named an organisation outside the electorate: bad input, not a refusal of the user.
            raise ValidationFailed(
                fields={"organisation_id": str(_l("This organisation is not in this round's electorate."))}
            )
        raise refusal
    if ballot_id is None:
        raise RuntimeError(f"motion {motion_id}: the round takes the ballot but the database did not write it")
    payload: dict[str, Any] = {
        "motion_id": motion_id,
        "round_id": target.id,
        "organisation_id": organisation_id,
        "changed": previous is not None,
    }
    if paper:
        payload["paper"] = True
    if proxy_organisation_id is not None:
        payload["proxy_organisation_id"] = proxy_organisation_id
    if target.secrecy != Secrecy.SECRET:
        # In a secret round the log never ties a choice to an organisation.
        payload.update({"choice": choice, "from": previous})
    action = "ballot.changed" if previous is not None else "ballot.cast"
    audit.record(action, "motion", motion_id, payload, actor)
    return CastResult(ballot_id, choice, receipt, now, target.weight, previous)


def cast_ballot(
    user: User, motion_id: int, choice: str, now: datetime | None = None, on_behalf_of: int | None = None
) -> CastResult:
    """Cast or change the user's organisation's ballot; every call gives a new receipt.

    With ``on_behalf_of``: the ballot of an organisation whose proxy the user's organisation holds
    at the round's meeting (SPEC §11), counted with that organisation's frozen weight.
    """
    _check_choice(choice)
    check_may_vote(user)
    if on_behalf_of is None or on_behalf_of == user.organisation_id:
        return _write_ballot(user, motion_id, user.organisation_id, choice, now, paper=False)
    return _write_ballot(
        user, motion_id, on_behalf_of, choice, now, paper=False, proxy_organisation_id=user.organisation_id
    )


def record_paper_ballot(
    actor: User, motion_id: int, organisation_id: int, choice: str, now: datetime | None = None
) -> CastResult:
    """Record an organisation's ballot from its paper form, as the secretariat; its users may still change it.

    The ballot and its history are marked as entered from paper, the audit entry names who entered it,
    and the receipt returned is handed to the organisation on paper.
    """
    if not permissions.can_enter_paper_ballots(actor):
        raise Forbidden(_l("Only the secretariat records paper ballots."))
    _check_choice(choice)
    return _write_ballot(actor, motion_id, organisation_id, choice, now, paper=True)


def proxy_givers(user: User, target: Round) -> list[Organisation]:
    """Return the organisations of the round's electorate whose proxy the user's organisation holds at its meeting."""
    if target.meeting_id is None or user.organisation_id is None:
        return []
    return list(
        db.session.execute(
            select(Organisation)
            .join(MeetingProxy, MeetingProxy.giver_organisation_id == Organisation.id)
            .join(
                ElectorateMember,
                (ElectorateMember.organisation_id == Organisation.id) & (ElectorateMember.round_id == target.id),
            )
            .where(
                MeetingProxy.meeting_id == target.meeting_id,
                MeetingProxy.holder_organisation_id == user.organisation_id,
            )
            .order_by(Organisation.name, Organisation.id)
        ).scalars()
    )


def proxy_holder(target: Round, organisation_id: int | None) -> Organisation | None:
    """Return the organisation holding this organisation's proxy at the round's meeting, if one stands."""
    if target.meeting_id is None or organisation_id is None:
        return None
    return db.session.execute(
        select(Organisation)
        .join(MeetingProxy, MeetingProxy.holder_organisation_id == Organisation.id)
        .where(MeetingProxy.meeting_id == target.meeting_id, MeetingProxy.giver_organisation_id == organisation_id)
    ).scalar_one_or_none()


def _voter_for(user: User, target: Round, on_behalf_of: int | None) -> int:
    """Return whose ballot the user reads: its own organisation's, or a giver's whose proxy it holds (else 403)."""
    check_may_vote(user)
    if on_behalf_of is None or on_behalf_of == user.organisation_id:
        if elector_of(target, user.organisation_id) is None:
            raise Forbidden(_l("Your organisation is not in this round's electorate."))
        return user.organisation_id
    if on_behalf_of not in {o.id for o in proxy_givers(user, target)}:
        raise Forbidden(_l("Your organisation holds no proxy of that organisation for this meeting."))
    return on_behalf_of


def ballot_of(user: User, motion: Motion, on_behalf_of: int | None = None) -> tuple[Ballot, Decimal]:
    """Return the user's organisation's ballot on a motion and its weight (or the ballot of a proxy's giver)."""
    organisation_id = _voter_for(user, motion.round, on_behalf_of)
    elector = elector_of(motion.round, organisation_id)
    ballot = db.session.execute(
        select(Ballot).where(Ballot.motion_id == motion.id, Ballot.organisation_id == organisation_id)
    ).scalar_one_or_none()
    if ballot is None and organisation_id == user.organisation_id:
        raise NotFound(_l("Your organisation has not voted on this motion yet."))
    if ballot is None:
        raise NotFound(_l("No ballot has been cast on this motion for this organisation yet."))
    return ballot, elector.weight


def ballot_history(user: User, motion: Motion) -> list[BallotChange]:
    """Return every cast and change of the user's organisation's ballot, oldest first."""
    ballot, _weight = ballot_of(user, motion)
    # In the order the changes were committed (each waited for the ballot's row lock), not by time.
    return list(
        db.session.execute(
            select(BallotChange).where(BallotChange.ballot_id == ballot.id).order_by(BallotChange.id)
        ).scalars()
    )


def ballot_sheet(
    user: User, target: Round, on_behalf_of: int | None = None
) -> dict[int, tuple[Ballot, list[BallotChange]]]:
    """Return, by motion id, the organisation's ballots in a round with each one's history, oldest first.

    The user's own organisation's, or with ``on_behalf_of`` those of a giver whose proxy it holds.
    """
    organisation_id = _voter_for(user, target, on_behalf_of)
    ballots = (
        db.session.execute(
            select(Ballot)
            .join(Motion, Motion.id == Ballot.motion_id)
            .where(Motion.round_id == target.id, Ballot.organisation_id == organisation_id)
        )
        .scalars()
        .all()
    )
    changes: dict[int, list[BallotChange]] = {ballot.id: [] for ballot in ballots}
    if ballots:
        for change in db.session.execute(
            select(BallotChange)
            .where(BallotChange.ballot_id.in_(list(changes)))
            .order_by(BallotChange.at, BallotChange.id)
        ).scalars():
            changes[change.ballot_id].append(change)
    return {ballot.motion_id: (ballot, changes[ballot.id]) for ballot in ballots}
