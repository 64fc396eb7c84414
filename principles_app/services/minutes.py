"""Minutes of a General Meeting (SPEC §11), drawn from the records alone.

Attendance (in the room, online, represented and by whom, absent), the proxies, every motion of
the meeting's rounds in order with its recommendation, its result and, for named rounds, the
roll call; times in the meeting's own zone. Nothing reads the clock: the minutes say "as of" the
latest record they contain, so the same records give the same minutes, byte for byte.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from flask_babel import get_locale
from sqlalchemy import func, select

from principles_app.domain import tally as tally_domain
from principles_app.domain.languages import DEFAULT_LANGUAGE, direction_of
from principles_app.domain.rounds import RoundState
from principles_app.domain.voting import Secrecy
from principles_app.extensions import db
from principles_app.formatting import time_in_zone
from principles_app.models import (
    Attendance,
    Ballot,
    Meeting,
    MeetingProxy,
    Motion,
    Organisation,
    Publication,
    Round,
    Version,
)
from principles_app.services import amendments as amendment_service
from principles_app.services import blocks as block_service
from principles_app.services import disclosure
from principles_app.services import meetings as meeting_service
from principles_app.services.amendment_headings import heading
from principles_app.services.generated_files import fingerprint_of
from principles_app.services.live import motion_title
from principles_app.services.motions import electorate_of, motions_of


@dataclass(frozen=True)
class AttendanceLine:
    """One eligible organisation and how it attended."""

    organisation: str
    weight: str
    mode: str  # in_room, online, represented, absent
    represented_by: str | None


@dataclass(frozen=True)
class ProxyLine:
    """A proxy standing at the meeting."""

    giver: str
    holder: str
    given_at: str


@dataclass(frozen=True)
class RollCallLine:
    """One organisation's ballot in a named round, and who cast it."""

    organisation: str
    choice: str
    weight: str
    proxy_holder: str | None
    paper: bool


@dataclass(frozen=True)
class MotionRecord:
    """One motion as the minutes record it."""

    position: int
    title: str
    amendments: list[str]
    recommendations: list[dict[str, Any]]
    decided: bool
    passed: bool | None
    outcome: str | None
    effect: str | None
    majority: str | None
    quorum: str | None
    quorum_reached: bool | None
    tally: dict[str, dict[str, Any]] | None
    participation: dict[str, Any] | None
    decided_at: str | None
    roll_call: list[RollCallLine] | None
    version_number: int | None
    adopted_sha256: str | None
    publication_label: str | None


@dataclass(frozen=True)
class RoundRecord:
    """One round of the meeting and its motions in order."""

    title: str
    kind: str
    secrecy: str
    state: str
    opened_at: str | None
    closed_at: str | None
    motions: list[MotionRecord]


@dataclass(frozen=True)
class Minutes:
    """Everything the minutes of one meeting say, every time already in the meeting's zone."""

    meeting_id: int
    title: str
    document: str
    place: str
    online_url: str | None
    time_zone: str
    starts_at: str
    ends_at: str
    quorum: str
    present_count: int
    present_weight: str
    represented_count: int
    represented_weight: str
    eligible_count: int
    eligible_weight: str
    attending_weight: str
    quorum_reached: bool
    attendance: list[AttendanceLine]
    proxies: list[ProxyLine]
    rounds: list[RoundRecord]
    as_of: str
    as_of_utc: str
    language: str
    direction: str


def _names(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = db.session.execute(select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids))).all()
    return {row[0]: row[1] for row in rows}


def _roll_call(motion: Motion) -> list[RollCallLine]:
    weights = {e.organisation_id: tally_domain.format_weight(e.weight) for e in electorate_of(motion.round)}
    rows = db.session.execute(
        select(Ballot.organisation_id, Ballot.choice, Ballot.proxy_organisation_id, Ballot.paper).where(
            Ballot.motion_id == motion.id
        )
    ).all()
    names = _names({r[0] for r in rows} | {r[2] for r in rows if r[2]})
    lines = [
        RollCallLine(names[org], choice, weights.get(org, ""), names.get(holder) if holder else None, bool(paper))
        for org, choice, holder, paper in rows
    ]
    return sorted(lines, key=lambda line: (line.organisation, line.choice))


def _recommendations(amendment) -> list[dict[str, Any]]:
    found = amendment.recommendation
    if found is None:
        return []
    return [
        {
            "amendment_id": amendment.id,
            "procedure": found.procedure.value,
            "reason": found.reason,
            "text": found.text,
            "covered_by_id": found.covered_by_id,
            "answer": found.answer.value if found.answer else None,
        }
    ]


def _adopted(meeting: Meeting, motion: Motion, passed: bool | None) -> tuple[str | None, str | None]:
    """Return the SHA-256 of a version the motion adopted, and the label it was published under."""
    if motion.version_number is None or not passed:
        return None, None
    version = db.session.execute(
        select(Version).where(Version.document_id == meeting.document_id, Version.number == motion.version_number)
    ).scalar_one_or_none()
    publication = db.session.execute(
        select(Publication)
        .where(Publication.document_id == meeting.document_id, Publication.version_number == motion.version_number)
        .order_by(Publication.id)
        .limit(1)
    ).scalar_one_or_none()
    sha256 = publication.sha256 if publication is not None else (version.sha256 if version is not None else None)
    return sha256, publication.label if publication is not None else None


def _motion_record(meeting: Meeting, motion: Motion, amendment_ids: list[int], zone: str) -> MotionRecord:

    amendments = [amendment_service.get_amendment(i) for i in amendment_ids]
    headings = [heading(a, amendment_service.amendment_lines(a)) for a in amendments]
    decided = motion.round.state == RoundState.CLOSED and motion.result is not None
    stored = disclosure.disclosed_result(motion) if decided else {}
    passed = stored.get("passed") if decided else None
    sha256, label = _adopted(meeting, motion, passed)
    named = motion.round.secrecy != Secrecy.SECRET
    title = motion_title(motion, len(amendments))
    if len(headings) == 1:  # one amendment: its heading is the motion's title; a block lists them
        title, headings = f"{title}: {headings[0]}", []
    return MotionRecord(
        position=motion.position,
        title=title,
        amendments=headings,
        recommendations=[r for a in amendments for r in _recommendations(a)],
        decided=decided,
        passed=passed,
        outcome=motion.outcome,
        effect=motion.effect,
        majority=stored.get("majority"),
        quorum=stored.get("quorum"),
        quorum_reached=stored.get("quorum_reached"),
        tally=stored.get("tally"),
        participation={
            "count": stored.get("participation_count"),
            "weight": stored.get("participation_weight"),
            "eligible_count": stored.get("eligible_count"),
            "eligible_weight": stored.get("eligible_weight"),
        }
        if decided
        else None,
        decided_at=time_in_zone(motion.decided_at, zone) if motion.decided_at else None,
        roll_call=_roll_call(motion) if decided and named else None,
        version_number=motion.version_number,
        adopted_sha256=sha256,
        publication_label=label,
    )


def _rounds(meeting: Meeting) -> list[Round]:
    return list(
        db.session.execute(
            select(Round)
            .where(Round.meeting_id == meeting.id)
            .order_by(Round.opened_at.is_(None), Round.opened_at, Round.id)
        ).scalars()
    )


def _latest_record(meeting: Meeting, rounds: list[Round]) -> datetime:
    """Return the time of the latest record the minutes draw on."""
    moments = [meeting.created_at]
    moments.append(
        db.session.execute(select(func.max(Attendance.recorded_at)).where(Attendance.meeting_id == meeting.id)).scalar()
    )
    moments.append(
        db.session.execute(
            select(func.max(MeetingProxy.given_at)).where(MeetingProxy.meeting_id == meeting.id)
        ).scalar()
    )
    for target in rounds:
        moments += [target.opened_at, target.closed_at]
    if rounds:
        moments.append(
            db.session.execute(
                select(func.max(Ballot.cast_at))
                .join(Motion, Motion.id == Ballot.motion_id)
                .where(Motion.round_id.in_([r.id for r in rounds]))
            ).scalar()
        )
    return max(m for m in moments if m is not None)


def build_minutes(meeting: Meeting) -> Minutes:
    """Assemble the minutes of a meeting from its records, in the current language."""
    zone = meeting.time_zone
    summary = meeting_service.summary(meeting)
    rows = meeting_service.attendance_of(meeting)
    names = {row.organisation_id: row.name for row in rows}
    proxies = meeting_service.proxies_of(meeting)
    names.update(_names({p.giver_organisation_id for p in proxies} | {p.holder_organisation_id for p in proxies}))
    rounds = _rounds(meeting)
    round_records = []
    for target in rounds:
        found = motions_of(target)
        blocks = block_service.block_ids(found)
        round_records.append(
            RoundRecord(
                title=target.title,
                kind=target.kind.value,
                secrecy=target.secrecy,
                state=target.state.value,
                opened_at=time_in_zone(target.opened_at, zone) if target.opened_at else None,
                closed_at=time_in_zone(target.closed_at, zone) if target.closed_at else None,
                motions=[_motion_record(meeting, m, blocks[m.id], zone) for m in found],
            )
        )
    latest = _latest_record(meeting, rounds)
    language = str(get_locale() or DEFAULT_LANGUAGE)
    weight = tally_domain.format_weight
    return Minutes(
        meeting_id=meeting.id,
        title=meeting.title,
        document=meeting.document.title,
        place=meeting.place,
        online_url=meeting.online_url,
        time_zone=zone,
        starts_at=time_in_zone(meeting.starts_at, zone),
        ends_at=time_in_zone(meeting.ends_at, zone),
        quorum=weight(meeting.quorum),
        present_count=summary.present_count,
        present_weight=weight(summary.present_weight),
        represented_count=summary.represented_count,
        represented_weight=weight(summary.represented_weight),
        eligible_count=summary.eligible_count,
        eligible_weight=weight(summary.eligible_weight),
        attending_weight=weight(summary.present_weight + summary.represented_weight),
        quorum_reached=summary.quorum_reached,
        attendance=[
            AttendanceLine(
                row.name,
                weight(row.weight),
                row.mode,
                names.get(row.proxy_holder_id) if row.mode == "represented" else None,
            )
            for row in rows
        ],
        proxies=[
            ProxyLine(names[p.giver_organisation_id], names[p.holder_organisation_id], time_in_zone(p.given_at, zone))
            for p in proxies
        ],
        rounds=round_records,
        as_of=time_in_zone(latest, zone),
        as_of_utc=latest.isoformat(),
        language=language,
        direction=direction_of(language),
    )


def minutes_fingerprint(minutes: Minutes, layout: str) -> str:
    """Return a key that changes whenever the minutes would read differently."""
    return fingerprint_of({"minutes": asdict(minutes), "layout": layout})
