"""Schedule, find, lock and extend rounds; every move goes through domain/rounds.py.

Opening and closing, with everything they set in motion, are in services/closing.py.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from principles_app.db import utcnow
from principles_app.domain.rounds import (
    IllegalTransition,
    RoundKind,
    RoundState,
    accepts_input,
    can_extend,
    next_state,
)
from principles_app.domain.tally import MAJORITIES
from principles_app.domain.voting import DEFAULT_SECRECY, Secrecy, default_settings
from principles_app.extensions import db
from principles_app.labels import ROUND_STATE_NAMES, name_of
from principles_app.models import Document, Round, User
from principles_app.services import audit
from principles_app.services import meetings as meeting_service
from principles_app.services.errors import Conflict, NotFound, ValidationFailed


def get_round(round_id: int) -> Round:
    """Return the round or raise NotFound."""
    found = db.session.get(Round, round_id)
    if found is None:
        raise NotFound(_l("No such round."))
    return found


def list_rounds(document: Document) -> list[Round]:
    """Return every round of a document, newest first."""
    return list(
        db.session.execute(
            select(Round).where(Round.document_id == document.id).order_by(Round.created_at.desc(), Round.id.desc())
        ).scalars()
    )


def open_round_of(document: Document) -> Round | None:
    """Return the document's open round, if any."""
    return db.session.execute(
        select(Round).where(Round.document_id == document.id, Round.state == RoundState.OPEN)
    ).scalar_one_or_none()


def accepting_amendments(document: Document, now: datetime | None = None) -> Round | None:
    """Return the amendments round that takes proposals right now, by the server's clock."""
    current = open_round_of(document)
    if current is None or current.kind != RoundKind.AMENDMENTS:
        return None
    return current if accepts_input(current.state, current.closes_at, now or utcnow()) else None


def _check_closes_at(closes_at: datetime, now: datetime) -> None:
    if not isinstance(closes_at, datetime) or closes_at.tzinfo is None:
        raise ValidationFailed(fields={"closes_at": str(_l("Give a date and time with its time zone."))})
    if closes_at <= now:
        raise ValidationFailed(fields={"closes_at": str(_l("The closing time must be in the future."))})


def create_round(
    actor: User | None,
    document: Document,
    kind: str,
    title: str,
    closes_at: datetime,
    majority: str | None = None,
    quorum: Decimal | str | None = None,
    secrecy: str | None = None,
    meeting_id: int | None = None,
) -> Round:
    """Schedule a round of a document, attached to one of its General Meetings if ``meeting_id`` is given."""
    try:
        kind = RoundKind(kind)
    except ValueError:
        raise ValidationFailed(fields={"kind": str(_l("Choose amendments, voting or adoption."))}) from None
    title = (title or "").strip()
    if not title or len(title) > 200:
        raise ValidationFailed(fields={"title": str(_l("Give a title of at most 200 characters."))})
    _check_closes_at(closes_at, utcnow())
    defaults = default_settings(kind)
    majority = majority or defaults.majority.value
    if majority not in MAJORITIES:
        raise ValidationFailed(fields={"majority": str(_l("Choose simple, two_thirds, three_quarters or absolute."))})
    try:
        quorum = defaults.quorum if quorum is None else Decimal(str(quorum))
    except InvalidOperation:
        quorum = Decimal("-1")
    if (
        not quorum.is_finite()
        or not Decimal("0") <= quorum <= Decimal("1")
        or quorum != quorum.quantize(Decimal("0.0001"))
    ):
        raise ValidationFailed(
            fields={"quorum": str(_l("A quorum is a fraction between 0 and 1 with at most 4 decimals."))}
        )
    secrecy = secrecy or DEFAULT_SECRECY.value
    if secrecy not in set(Secrecy):
        raise ValidationFailed(fields={"secrecy": str(_l("Choose named or secret."))})
    meeting = meeting_service.meeting_of_document(document.id, meeting_id)
    new_round = Round(
        document_id=document.id,
        kind=kind,
        title=title,
        closes_at=closes_at,
        majority=majority,
        quorum=quorum,
        secrecy=secrecy,
        state=RoundState.SCHEDULED,
        meeting_id=meeting.id if meeting is not None else None,
        created_by_id=actor.id if actor is not None else None,
    )
    db.session.add(new_round)
    db.session.flush()
    audit.record(
        "round.created",
        "round",
        new_round.id,
        {
            "document": document.slug,
            "kind": kind.value,
            "title": title,
            "closes_at": closes_at.isoformat(),
            "majority": majority,
            "quorum": quorum,
            "secrecy": secrecy,
        }
        | ({"meeting_id": new_round.meeting_id} if new_round.meeting_id is not None else {}),
        actor,
    )
    return new_round


def next_state_for(target: Round, action: str) -> RoundState:
    """Return the state an action moves the round to, or raise a 409 naming the state it is in."""
    try:
        return next_state(target.state, action)
    except IllegalTransition as illegal:
        raise Conflict(
            _l(
                "This round is %(state)s and cannot be changed this way.",
                state=name_of(ROUND_STATE_NAMES, illegal.state),
            )
        ) from None


def lock_round(target: Round) -> Round:
    """Lock the round row for this transaction and return it re-read from the database."""
    query = select(Round).where(Round.id == target.id).execution_options(populate_existing=True)
    if db.engine.dialect.name == "postgresql":
        # Ballots take this row's shared lock (ballots._BALLOT_TARGET), so they never block each
        # other; this exclusive lock waits for ballots in flight, which then see the round closed.
        query = query.with_for_update()
    else:
        # SQLite has one writer at a time: writing first takes that lock before anything is read.
        db.session.execute(update(Round).where(Round.id == target.id).values(state=Round.state))
    return db.session.execute(query).scalar_one()


def extend_round(actor: User | None, target: Round, closes_at: datetime) -> Round:
    """Move an open round's closing time later."""
    next_state_for(target, "extend")
    if not isinstance(closes_at, datetime) or closes_at.tzinfo is None:
        raise ValidationFailed(fields={"closes_at": str(_l("Give a date and time with its time zone."))})
    now = utcnow()
    if target.closes_at <= now:
        raise Conflict(_l("This round has run out; it can no longer be extended."))
    if not can_extend(target.state, target.closes_at, closes_at, now):
        raise ValidationFailed(
            fields={"closes_at": str(_l("The new closing time must be later than the current one."))}
        )
    previous = target.closes_at
    target.closes_at = closes_at
    db.session.flush()
    audit.record(
        "round.extended", "round", target.id, {"from": previous.isoformat(), "to": closes_at.isoformat()}, actor
    )
    return target
