"""General Meetings (SPEC §11): scheduling, attendance and the quorum it makes with the proxies.

The rules are pure (domain.meetings); this module loads the rows, checks who may act, writes,
audits and notifies. Giving and revoking proxies is services.proxies.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from principles_app import permissions
from principles_app.db import utcnow
from principles_app.domain import meetings as rules
from principles_app.domain.times import is_known_zone
from principles_app.extensions import db
from principles_app.formatting import time_in_zone
from principles_app.models import Attendance, Document, Meeting, MeetingProxy, Organisation, Role, User
from principles_app.services import audit
from principles_app.services.errors import Conflict, Forbidden, NotFound, ValidationFailed


@dataclass(frozen=True)
class AttendanceRow:
    """One eligible organisation at a meeting: how it attends and who holds its proxy."""

    organisation_id: int
    name: str
    region: str
    weight: Decimal
    mode: str  # in_room, online, represented or absent
    proxy_holder_id: int | None


def get_meeting(meeting_id: int) -> Meeting:
    """Return the meeting or raise NotFound."""
    found = db.session.get(Meeting, meeting_id)
    if found is None:
        raise NotFound(_l("No such meeting."))
    return found


def meetings_of(document: Document) -> list[Meeting]:
    """Return the document's meetings, earliest first."""
    return list(
        db.session.execute(
            select(Meeting).where(Meeting.document_id == document.id).order_by(Meeting.starts_at, Meeting.id)
        ).scalars()
    )


MEETING_FIELDS = (
    "title",
    "starts_at",
    "ends_at",
    "time_zone",
    "place",
    "online_url",
    "quorum",
    "proxy_limit",
    "proxies_close_at",
)


def _checked(
    *,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    time_zone: str,
    place: str,
    online_url: str | None,
    quorum: Decimal | None,
    proxy_limit: int | None,
    proxies_close_at: datetime | None,
    failure=None,
) -> dict:
    """Check a meeting's fields together; return them clean, or raise ValidationFailed naming each field."""
    fields: dict[str, str] = {}
    if not (title or "").strip() or len(title.strip()) > rules.MAX_TITLE:
        fields["title"] = str(_l("Give the meeting a title."))
    if not (place or "").strip() or len(place.strip()) > rules.MAX_PLACE:
        fields["place"] = str(_l("Say where the meeting is held."))
    if not is_known_zone(time_zone or ""):
        fields["time_zone"] = str(_l("Choose a time zone from the list (for example Europe/Berlin)."))
    url = (online_url or "").strip()
    if url and (not url.lower().startswith("https://") or len(url) > rules.MAX_URL):
        fields["online_url"] = str(_l("The online link must start with https://."))
    close = starts_at
    try:
        close = rules.check_times(starts_at, ends_at, proxies_close_at)
    except (ValueError, TypeError):
        fields["ends_at"] = str(_l("The meeting must end after it starts, and proxies close before it ends."))
    try:
        quorum_value = rules.check_quorum_fraction(rules.DEFAULT_QUORUM if quorum is None else quorum)
    except (ValueError, ArithmeticError):
        fields["quorum"] = str(_l("The quorum is a fraction above 0 and at most 1, for example 0.5."))
        quorum_value = rules.DEFAULT_QUORUM
    limit = rules.DEFAULT_PROXY_LIMIT if proxy_limit is None else proxy_limit
    if not 1 <= limit <= 1000:
        fields["proxy_limit"] = str(_l("An organisation holds at least one proxy (at most 1000)."))
    if fields:
        raise ValidationFailed(failure or _l("The meeting could not be saved."), fields=fields)
    return {
        "title": title.strip(),
        "starts_at": starts_at,
        "ends_at": ends_at,
        "time_zone": time_zone,
        "place": place.strip(),
        "online_url": url or None,
        "quorum": quorum_value,
        "proxy_limit": limit,
        "proxies_close_at": close,
    }


def create_meeting(
    actor: User,
    document: Document,
    *,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    time_zone: str,
    place: str,
    online_url: str | None = None,
    quorum: Decimal | None = None,
    proxy_limit: int | None = None,
    proxies_close_at: datetime | None = None,
) -> Meeting:
    """Schedule a General Meeting of the document (secretariat)."""
    if not permissions.is_secretariat(actor):
        raise Forbidden(_l("Only the secretariat schedules meetings."))
    clean = _checked(
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        time_zone=time_zone,
        place=place,
        online_url=online_url,
        quorum=quorum,
        proxy_limit=proxy_limit,
        proxies_close_at=proxies_close_at,
        failure=_l("The meeting could not be scheduled."),
    )
    meeting = Meeting(document_id=document.id, created_by_id=actor.id, **clean)
    db.session.add(meeting)
    db.session.flush()
    audit.record(
        "meeting.created",
        "meeting",
        meeting.id,
        {"document": document.slug, "title": meeting.title, "starts_at": starts_at, "ends_at": ends_at},
        actor,
    )
    return meeting


def update_meeting(actor: User, meeting: Meeting, now: datetime | None = None, **changes) -> Meeting:
    """Change a meeting's details (secretariat); fields not given keep their value.

    The proxy deadline cannot move once it has passed (409): proxies given or refused under it stand.
    """
    if not permissions.is_secretariat(actor):
        raise Forbidden(_l("Only the secretariat changes meetings."))
    unknown = set(changes) - set(MEETING_FIELDS)
    if unknown:
        raise ValidationFailed(fields={name: str(_l("Unknown field.")) for name in sorted(unknown)})
    now = now or utcnow()
    current = {name: getattr(meeting, name) for name in MEETING_FIELDS}
    clean = _checked(**(current | changes))
    if clean["proxies_close_at"] != meeting.proxies_close_at and not rules.proxies_open(now, meeting.proxies_close_at):
        raise Conflict(_l("Proxies for this meeting closed at its deadline; the deadline can no longer move."))
    changed = {name: value for name, value in clean.items() if value != current[name]}
    for name, value in changed.items():
        setattr(meeting, name, value)
    db.session.flush()
    if changed:
        audit.record(
            "meeting.updated",
            "meeting",
            meeting.id,
            {name: {"from": current[name], "to": value} for name, value in changed.items()},
            actor,
        )
    return meeting


# --- Who is eligible, who is here -----------------------------------------------------------


def eligible_organisations() -> list[Organisation]:
    """Return the member organisations eligible to vote now, by name (the electorate a round would freeze)."""
    return list(
        db.session.execute(
            select(Organisation).where(Organisation.eligible_to_vote).order_by(Organisation.name, Organisation.id)
        ).scalars()
    )


def eligible_weights() -> dict[int, Decimal]:
    """Map each eligible organisation to its vote weight."""
    return {o.id: o.vote_weight for o in eligible_organisations()}


def _present(meeting: Meeting) -> dict[int, str]:
    rows = db.session.execute(
        select(Attendance.organisation_id, Attendance.mode).where(Attendance.meeting_id == meeting.id)
    ).all()
    return {row[0]: row[1] for row in rows}


def proxies_of(meeting: Meeting) -> list[MeetingProxy]:
    """Return the meeting's standing proxies, oldest first."""
    return list(
        db.session.execute(
            select(MeetingProxy).where(MeetingProxy.meeting_id == meeting.id).order_by(MeetingProxy.id)
        ).scalars()
    )


def proxy_map(meeting: Meeting) -> dict[int, int]:
    """Map each organisation that gave its proxy for the meeting to the one holding it."""
    return {p.giver_organisation_id: p.holder_organisation_id for p in proxies_of(meeting)}


def summary(meeting: Meeting) -> rules.Summary:
    """Return the meeting's presence and whether its quorum is reached."""
    return rules.summarise(eligible_weights(), _present(meeting), proxy_map(meeting), meeting.quorum)


def attendance_of(meeting: Meeting) -> list[AttendanceRow]:
    """List every eligible organisation with its attendance mode (represented when its holder is present)."""
    present = _present(meeting)
    proxies = proxy_map(meeting)
    by_proxy = rules.represented(present, proxies)
    rows = []
    for o in eligible_organisations():
        mode = present.get(o.id) or ("represented" if o.id in by_proxy else rules.Mode.ABSENT.value)
        rows.append(AttendanceRow(o.id, o.name, o.region.value, o.vote_weight, mode, proxies.get(o.id)))
    return rows


def standing_proxy(meeting_id: int, giver_organisation_id: int) -> MeetingProxy | None:
    """Return the proxy the organisation gave for the meeting, if one stands."""
    return db.session.execute(
        select(MeetingProxy).where(
            MeetingProxy.meeting_id == meeting_id, MeetingProxy.giver_organisation_id == giver_organisation_id
        )
    ).scalar_one_or_none()


# --- Attendance ---------------------------------------------------------------------------


def check_organisation_actor(actor: User, organisation_id: int, what: str) -> None:
    """Let the secretariat act for anyone, a member only for its own organisation (403 otherwise)."""
    if permissions.is_secretariat(actor):
        return
    if actor is None or actor.role != Role.MEMBER or actor.organisation_id != organisation_id:
        raise Forbidden(
            _l("You may check in only your own organisation.")
            if what == "attendance"
            else _l("You may give or revoke only your own organisation's proxy.")
        )


def set_attendance(actor: User, meeting: Meeting, organisation_id: int, mode: str, now: datetime | None = None) -> str:
    """Record how an organisation attends; a member for its own organisation while the meeting runs.

    The secretariat records anyone at any time (a paper sign-in sheet). Returns the mode stored.
    """
    check_organisation_actor(actor, organisation_id, "attendance")
    now = now or utcnow()
    if not permissions.is_secretariat(actor) and not rules.check_in_open(now, meeting.starts_at, meeting.ends_at):
        raise Conflict(_l("Check-in opens two hours before the meeting starts and closes when it ends."))
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound(_l("No such organisation."))
    if not organisation.eligible_to_vote:
        raise ValidationFailed(_l("Only eligible member organisations are checked in."))
    mode = rules.Mode(mode)
    before = _present(meeting).get(organisation_id, rules.Mode.ABSENT.value)
    if mode == rules.Mode.ABSENT:
        db.session.execute(
            delete(Attendance).where(Attendance.meeting_id == meeting.id, Attendance.organisation_id == organisation_id)
        )
    else:
        dialect = db.session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = insert(Attendance).values(
            meeting_id=meeting.id,
            organisation_id=organisation_id,
            mode=mode.value,
            recorded_by_id=actor.id,
            recorded_at=now,
        )
        statement = statement.on_conflict_do_update(
            index_elements=["meeting_id", "organisation_id"],
            set_={"mode": mode.value, "recorded_by_id": actor.id, "recorded_at": now},
        )
        db.session.execute(statement)
    audit.record(
        "meeting.attendance",
        "meeting",
        meeting.id,
        {"organisation_id": organisation_id, "from": before, "to": mode.value},
        actor,
    )
    return mode.value


def meetings_not_over(now: datetime, *columns: Any) -> Select:
    """Select the General Meetings not yet over, the soonest first: the columns given, else the meetings."""
    return select(*(columns or (Meeting,))).where(Meeting.ends_at > now).order_by(Meeting.starts_at, Meeting.id)


def next_meeting(now: datetime | None = None) -> Meeting | None:
    """Return the General Meeting that starts next (or is under way), for the public home page."""
    return db.session.execute(meetings_not_over(now or utcnow()).limit(1)).scalar_one_or_none()


def local_time(meeting: Meeting, moment: datetime) -> str:
    """Return a time of the meeting in the meeting's own zone."""
    return time_in_zone(moment, meeting.time_zone)


def meeting_of_document(document_id: int, meeting_id: int | None) -> Meeting | None:
    """Return the meeting a round of the document may be attached to (None for none), or refuse with 422."""
    if meeting_id is None:
        return None
    found = db.session.get(Meeting, meeting_id)
    if found is None or found.document_id != document_id:
        raise ValidationFailed(
            _l("The round and the meeting belong to different documents."),
            fields={"meeting_id": str(_l("Choose a meeting of this document."))},
        )
    return found


def attach_round(actor: User, meeting: Meeting | int | None, target) -> None:
    """Attach a scheduled round to a meeting (or its id) of its document, or detach it with None."""
    from principles_app.domain.rounds import RoundState

    meeting_id = meeting.id if isinstance(meeting, Meeting) else meeting
    if not permissions.is_secretariat(actor):
        raise Forbidden(_l("Only the secretariat attaches rounds to a meeting."))
    meeting = meeting_of_document(target.document_id, meeting_id)
    if target.state != RoundState.SCHEDULED:
        raise Conflict(_l("A round is attached to a meeting only while it is scheduled."))
    if target.meeting_id == (meeting.id if meeting is not None else None):
        return
    target.meeting_id = meeting.id if meeting is not None else None
    db.session.flush()
    audit.record("round.meeting", "round", target.id, {"meeting_id": target.meeting_id}, actor)


def rounds_of(meeting: Meeting) -> list:
    """Return the rounds attached to the meeting, in the order they were scheduled."""
    from principles_app.models import Round

    return list(
        db.session.execute(
            select(Round).where(Round.meeting_id == meeting.id).order_by(Round.created_at, Round.id)
        ).scalars()
    )
