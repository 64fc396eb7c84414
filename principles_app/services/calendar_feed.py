"""A person's calendar feed at a secret address: the deadlines that concern them, as iCalendar.

The address holds a random token; only its SHA-256 is stored, and renewing it replaces the hash,
so the old address stops at once. Events come from ``EVENT_SOURCES``: each is a function of the
reader returning ``FeedEvent`` items: rounds closing and General Meetings.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event
from sqlalchemy import select

from principles_app import permissions
from principles_app.db import utcnow
from principles_app.domain.rounds import RoundState
from principles_app.extensions import db
from principles_app.models import CalendarFeed, Document, Meeting, Round, User
from principles_app.services import audit
from principles_app.services import meetings as meeting_service
from principles_app.services.notifications import absolute_url, link_to

TOKEN_BYTES = 32


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def has_feed(user: User) -> bool:
    """Tell whether the user has made a calendar address."""
    return db.session.get(CalendarFeed, user.id) is not None


def renew(user: User) -> str:
    """Make (or replace) the user's secret feed token; return it, the only time it is known."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    feed = db.session.get(CalendarFeed, user.id)
    if feed is None:
        db.session.add(CalendarFeed(user_id=user.id, token_hash=_hash(token)))
    else:
        feed.token_hash = _hash(token)
        feed.created_at = utcnow()
    audit.record("calendar_feed.renew", "user", user.id, {}, user)
    db.session.flush()
    return token


def user_for_token(token: str) -> User | None:
    """Return the active user whose feed address holds this token, or None."""
    if not token or len(token) > 200:
        return None
    user = db.session.execute(
        select(User).join(CalendarFeed, CalendarFeed.user_id == User.id).where(CalendarFeed.token_hash == _hash(token))
    ).scalar_one_or_none()
    return user if user is not None and user.active else None


def feed_path(token: str) -> str:
    """The feed's address on this site."""
    return f"/calendar/{token}.ics"


@dataclass(frozen=True)
class FeedEvent:
    """One entry of a feed: a moment (UTC) with what it is and where to act."""

    uid: str
    summary: str
    starts_at: datetime
    ends_at: datetime | None
    url: str
    description: str = ""
    location: str = ""


def round_deadlines(user: User) -> list[FeedEvent]:
    """Rounds open or scheduled in the documents the user reads, at their closing time."""
    if not permissions.can_read_drafts(user):
        return []
    rows = db.session.execute(
        select(Round, Document.title)
        .join(Document, Document.id == Round.document_id)
        .where(Round.state.in_((RoundState.OPEN, RoundState.SCHEDULED)))
        .order_by(Round.closes_at, Round.id)
    ).all()
    return [
        FeedEvent(
            uid=f"round-{found.id}-closes",
            summary=_("%(round)s closes (%(document)s)", round=found.title, document=title),
            starts_at=found.closes_at,
            ends_at=None,
            url=link_to("voting.round_page", round_id=found.id),
            description=_("The round closes at this time."),
        )
        for found, title in rows
    ]


def meetings_ahead(user: User) -> list[FeedEvent]:
    """General Meetings not yet over in the documents the user reads, from start to end."""
    if not permissions.can_read_drafts(user):
        return []
    rows = db.session.execute(
        meeting_service.meetings_not_over(utcnow(), Meeting, Document.title).join(
            Document, Document.id == Meeting.document_id
        )
    ).all()
    return [
        FeedEvent(
            uid=f"meeting-{found.id}",
            summary=_("%(meeting)s (%(document)s)", meeting=found.title, document=title),
            starts_at=found.starts_at,
            ends_at=found.ends_at,
            url=link_to("meetings.meeting_page", meeting_id=found.id),
            description="\n".join(
                part
                for part in (
                    _("General Meeting in %(place)s (%(zone)s).", place=found.place, zone=found.time_zone),
                    _("Join online: %(url)s", url=found.online_url) if found.online_url else "",
                )
                if part
            ),
            location=found.place,
        )
        for found, title in rows
    ]


# Where a feed's events come from.
EVENT_SOURCES: list[Callable[[User], list[FeedEvent]]] = [round_deadlines, meetings_ahead]


def build_feed(user: User) -> bytes:
    """Return the user's feed as iCalendar, in their language, every time in UTC."""
    with force_locale(user.language or "en"):
        calendar = Calendar()
        calendar.add("prodid", "-//Principles for Collaboration//Calendar//EN")
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("x-wr-calname", _("Principles for Collaboration: %(name)s", name=user.name))
        host = absolute_url("/").split("//", 1)[-1].strip("/") or "localhost"
        stamp = utcnow()
        for source in EVENT_SOURCES:
            for item in source(user):
                event = Event()
                event.add("uid", f"{item.uid}@{host}")
                event.add("dtstamp", stamp)
                event.add("dtstart", item.starts_at)
                if item.ends_at is not None:
                    event.add("dtend", item.ends_at)
                event.add("summary", item.summary)
                event.add("url", item.url)
                if item.description:
                    event.add("description", item.description)
                if item.location:
                    event.add("location", item.location)
                calendar.add_component(event)
    return calendar.to_ical()


def meeting_ics(meeting: Meeting) -> bytes:
    """Return one General Meeting as an iCalendar event: times in UTC, the zone where it is held named."""
    calendar = Calendar()
    calendar.add("prodid", "-//Principles for Collaboration//Meeting//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    # Calendar programs show the times in the reader's zone; this names the zone where it is held.
    calendar.add("x-wr-timezone", meeting.time_zone)
    host = absolute_url("/").split("//", 1)[-1].strip("/") or "localhost"
    page = link_to("meetings.meeting_page", meeting_id=meeting.id)
    event = Event()
    event.add("uid", f"meeting-{meeting.id}@{host}")
    event.add("dtstamp", utcnow())
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    event.add("summary", meeting.title)
    event.add("location", meeting.place)
    event.add("url", meeting.online_url or page)
    lines = [_("Held in the time zone %(zone)s.", zone=meeting.time_zone)]
    if meeting.online_url:
        lines.append(_("Join online: %(url)s", url=meeting.online_url))
    lines.append(_("Meeting page: %(url)s", url=page))
    event.add("description", "\n".join(lines))
    calendar.add_component(event)
    return calendar.to_ical()
