"""The live view of a General Meeting (SPEC §11): the motion on the floor, its countdown and turnout.

Screens in the room and delegates abroad ask every two seconds whether anything changed, so
the question has a cheap answer: ``live_fingerprint`` reads one aggregate row (which motion is
on the floor, its round's state and deadline, how many ballots it has) and hashes it. Only when
that fingerprint is new is the full state built: the redline cut into numbered lines, the
recommendation, turnout by region (never a choice) and, once the round is closed, the result.
Each ballot makes a new fingerprint that a thousand screens then ask for within two seconds, so
each worker keeps the bodies it built by fingerprint (``RENDERED``): the state is built once per
worker and ballot, and every other screen gets the same bytes.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import bindparam, case, func, select

from principles_app.domain import tally as tally_domain
from principles_app.domain.diffing import word_diff
from principles_app.domain.redline_lines import redline_lines
from principles_app.domain.rounds import RoundState
from principles_app.extensions import db
from principles_app.models import Amendment, Ballot, Meeting, Motion, Recommendation, Round
from principles_app.services import amendments as amendment_service
from principles_app.services import blocks as block_service
from principles_app.services import commit_signal, results
from principles_app.services import drafts as drafts_service
from principles_app.services.amendment_headings import heading
from principles_app.services.meetings import get_meeting

# Bumped when what the fingerprint covers changes shape, so no client keeps a stale ETag.
FINGERPRINT_VERSION = "2"


@dataclass(frozen=True)
class FloorRow:
    """The one aggregate row the fingerprint is made of.

    Besides the floor it carries what of the meeting the view shows (title, place, times, zone)
    and how far the document's recommendations have got (how many, the latest change), so an
    edit the secretariat makes while screens watch is never hidden behind an old ETag.
    """

    meeting: tuple[str, ...] = ()
    recommendations: tuple[str, ...] = ()
    motion_id: int | None = None
    round_id: int | None = None
    state: str | None = None
    closes_at: datetime | None = None
    decided: bool = False
    ballots: int = 0
    last_ballot_id: int | None = None


@dataclass(frozen=True)
class LiveAmendment:
    """One amendment of the motion on the floor, its redline in the numbered lines it changes."""

    id: int
    heading: str
    lines: list[tuple[int, str]]
    title_redline: str | None
    recommendation: dict[str, Any] | None


@dataclass(frozen=True)
class LiveMotion:
    """The motion on the floor (open), or the last one decided."""

    motion: Motion
    round: Round
    title: str
    amendments: list[LiveAmendment]
    version_number: int | None
    open: bool
    closes_at: datetime
    participation: dict[str, Any]
    result: dict[str, Any] | None


@dataclass(frozen=True)
class LiveState:
    """Everything the live view shows, and the fingerprint it was built for."""

    meeting: Meeting
    fingerprint: str
    motion: LiveMotion | None = None


def _meeting_columns():
    # created_at tells a meeting from one made anew under the same id (a database loaded again).
    return (Meeting.created_at, Meeting.title, Meeting.place, Meeting.starts_at, Meeting.ends_at, Meeting.time_zone)


def _floor_query():
    """Select the open round's newest motion, else the most recently decided one, with its ballot count.

    Built once: every poll runs the same statement with its own ``meeting_id``.
    """
    meeting_id = bindparam("meeting_id")
    count = select(func.count(Ballot.id)).where(Ballot.motion_id == Motion.id).correlate(Motion).scalar_subquery()
    last = select(func.max(Ballot.id)).where(Ballot.motion_id == Motion.id).correlate(Motion).scalar_subquery()

    def advice(column):
        return (
            select(column)
            .join(Amendment, Amendment.id == Recommendation.amendment_id)
            .where(Amendment.document_id == Meeting.document_id)
            .correlate(Meeting)
            .scalar_subquery()
        )

    return (
        select(
            Motion.id,
            Round.id,
            Round.state,
            Round.closes_at,
            Motion.result.is_not(None),
            count,
            last,
            advice(func.count(Recommendation.id)),
            advice(func.max(Recommendation.updated_at)),
            *_meeting_columns(),
        )
        .join(Round, Round.id == Motion.round_id)
        .join(Meeting, Meeting.id == Round.meeting_id)
        .where(Round.meeting_id == meeting_id, Round.state.in_([RoundState.OPEN, RoundState.CLOSED]))
        .order_by(
            case((Round.state == RoundState.OPEN, 0), else_=1),
            case((Round.closed_at.is_(None), 1), else_=0),
            Round.closed_at.desc(),
            Motion.position.desc(),
            Motion.id.desc(),
        )
        .limit(1)
    )


_FLOOR = _floor_query()
_MEETING = select(*_meeting_columns()).where(Meeting.id == bindparam("meeting_id"))


def _texts(values) -> tuple[str, ...]:
    return tuple(value.isoformat() if isinstance(value, datetime) else str(value) for value in values)


def floor_row(meeting_id: int) -> FloorRow:
    """Read which motion is on the floor and how far its vote has got, in one query.

    With no motion on the floor yet the meeting is read instead (NotFound when there is none).
    """
    row = db.session.execute(_FLOOR, {"meeting_id": meeting_id}).first()
    if row is None:
        meeting = db.session.execute(_MEETING, {"meeting_id": meeting_id}).first()
        if meeting is None:
            get_meeting(meeting_id)  # raises the API's and the pages' NotFound
        return FloorRow(meeting=_texts(meeting))
    motion_id, round_id, state, closes_at, decided, ballots, last, advised, advised_at, *meeting = row
    return FloorRow(
        _texts(meeting),
        _texts((advised, advised_at)),
        motion_id,
        round_id,
        str(getattr(state, "value", state)),
        closes_at,
        bool(decided),
        ballots,
        last,
    )


def _fingerprint(meeting_id: int, row: FloorRow, variant: tuple[str, ...]) -> str:
    parts = [
        FINGERPRINT_VERSION,
        str(meeting_id),
        str(row.motion_id),
        str(row.round_id),
        str(row.state),
        row.closes_at.isoformat() if row.closes_at else "",
        str(row.decided),
        str(row.ballots),
        str(row.last_ballot_id),
        *row.meeting,
        *row.recommendations,
        *variant,
    ]
    return hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()


def live_fingerprint(meeting_id: int, *variant: str) -> str:
    """Return the strong ETag of the live view: it changes with a new motion, a ballot or a close.

    ``variant`` names what else the rendering depends on (language, time zone, layout).
    Raises NotFound for an unknown meeting, without building anything else. While nothing was
    committed on this host, the floor comes from this process's last reading (``FLOOR_READINGS``).
    """
    row = FLOOR_READINGS.get_or_read(meeting_id, lambda: floor_row(meeting_id))
    return _fingerprint(meeting_id, row, variant)


def _recommendation(amendment: Amendment) -> dict[str, Any] | None:
    found = amendment.recommendation
    if found is None:
        return None
    return {
        "procedure": found.procedure.value,
        "reason": found.reason,
        "text": found.text,
        "covered_by_id": found.covered_by_id,
        "answer": found.answer.value if found.answer else None,
    }


def _live_amendment(amendment: Amendment, width: int) -> LiveAmendment:

    deleted, inserted = _("deleted:"), _("inserted:")
    title_redline = None
    if amendment.proposed_title != amendment.base_title:
        title_redline = "".join(
            html
            for _n, html in redline_lines(
                amendment.base_title,
                word_diff(amendment.base_title, amendment.proposed_title),
                10_000,
                deleted,
                inserted,
            )
        )
    return LiveAmendment(
        id=amendment.id,
        heading=heading(amendment, amendment_service.amendment_lines(amendment)),
        lines=redline_lines(amendment.base_text, amendment_service.amendment_diff(amendment), width, deleted, inserted),
        title_redline=title_redline,
        recommendation=_recommendation(amendment),
    )


def _participation(motion: Motion) -> dict[str, Any]:
    turnout = tally_domain.participation_to_jsonable(results.participation_of(motion))
    return {
        "count": turnout["count"],
        "weight": turnout["weight"],
        "eligible_count": turnout["eligible_count"],
        "eligible_weight": turnout["eligible_weight"],
        "by_region": [
            {"region": region, "count": group["count"], "weight": group["weight"]}
            for region, group in turnout["by_region"].items()
        ],
    }


def motion_title(motion: Motion, amendment_count: int) -> str:
    """Say what the motion asks, in the reader's language."""
    if motion.version_number is not None:
        return _("Motion %(n)s: adopt version %(v)s of the working draft", n=motion.position, v=motion.version_number)
    if amendment_count > 1:
        return _(
            "Motion %(n)s: a block of %(count)s amendments, passing or falling together",
            n=motion.position,
            count=amendment_count,
        )
    return _("Motion %(n)s", n=motion.position)


def live_state(meeting_id: int, *variant: str) -> LiveState:
    """Build everything the live view shows for the meeting, with its fingerprint."""
    meeting = get_meeting(meeting_id)
    row = floor_row(meeting_id)
    # One reading of the floor for both, so the ETag always names the state it is sent with.
    fingerprint = _fingerprint(meeting_id, row, variant)
    if row.motion_id is None:
        return LiveState(meeting, fingerprint)
    motion = db.session.get(Motion, row.motion_id)
    width = drafts_service.line_width()
    amendment_ids = block_service.block_ids([motion])[motion.id]
    amendments = [_live_amendment(amendment_service.get_amendment(i), width) for i in amendment_ids]
    title = motion_title(motion, len(amendments))
    if len(amendments) == 1:
        title = f"{title}: {amendments[0].heading}"
    decided = results.is_decided(motion)
    result = results.result_for(motion) if decided else None
    return LiveState(
        meeting,
        fingerprint,
        LiveMotion(
            motion=motion,
            round=motion.round,
            title=title,
            amendments=amendments,
            version_number=motion.version_number,
            open=motion.round.state == RoundState.OPEN,
            closes_at=motion.round.closes_at,
            participation=_participation(motion),
            result=result,
        ),
    )


# The floor of each meeting as this process last read it: a thousand screens ask every two
# seconds, and between two commits the answer cannot change.
FLOOR_READINGS = commit_signal.UntilCommit()


class RenderedBodies:
    """The bodies this process last rendered, by the fingerprint (and variant) they show.

    A fingerprint names everything a body is made of, so a body found here is the one a rebuild
    would give; the oldest are forgotten first.
    """

    def __init__(self, size: int = 64) -> None:
        self._size = size
        self._bodies: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_build(self, fingerprint: str, build: Callable[[], tuple[str, bytes]]) -> tuple[str, bytes]:
        """Return (fingerprint, body) for the state named, building it when this process has not yet.

        ``build`` returns the fingerprint of the state it actually read with its body: a ballot
        cast in between makes that a newer one, and the body is kept under the name it shows.
        """
        with self._lock:
            body = self._bodies.get(fingerprint)
            if body is not None:
                self._bodies.move_to_end(fingerprint)
                return fingerprint, body
        built, body = build()
        with self._lock:
            self._bodies[built] = body
            self._bodies.move_to_end(built)
            while len(self._bodies) > self._size:
                self._bodies.popitem(last=False)
        return built, body

    def clear(self) -> None:
        with self._lock:
            self._bodies.clear()


RENDERED = RenderedBodies()
