"""The personal calendar feed: a secret, renewable address; valid iCalendar in UTC (SPEC §15)."""

from __future__ import annotations

from datetime import UTC, timedelta

from icalendar import Calendar
from sqlalchemy import select

from principles_app.db import utcnow
from principles_app.extensions import db
from principles_app.models import CalendarFeed
from principles_app.services import calendar_feed, closing
from principles_app.services import rounds as round_service
from tests.factories import make_document, make_meeting, make_user, sign_in


def _rounds():
    document = make_document()
    closes = (utcnow() + timedelta(days=3)).replace(microsecond=0)
    opened = round_service.create_round(None, document, "amendments", "Amendments to the charter", closes)
    closing.open_round(None, opened)
    scheduled = round_service.create_round(None, document, "voting", "Vote on the charter", closes + timedelta(days=7))
    db.session.commit()
    return opened, scheduled


def _events(body: bytes):
    calendar = Calendar.from_ical(body)
    return [component for component in calendar.walk("VEVENT")]


def test_the_feed_lists_open_and_scheduled_rounds_in_utc(client):
    opened, scheduled = _rounds()
    user = make_user("observer")
    token = calendar_feed.renew(user)
    db.session.commit()
    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    events = _events(response.data)
    assert [str(event["summary"]) for event in events] == [
        "Amendments to the charter closes (Our charter)",
        "Vote on the charter closes (Our charter)",
    ]
    start = events[0].decoded("dtstart")
    assert start.tzinfo is not None and start.utcoffset() == timedelta(0)
    assert start == opened.closes_at.astimezone(UTC)
    assert str(events[0]["url"]).endswith(f"/rounds/{opened.id}/")
    assert len({str(event["uid"]) for event in events}) == 2
    assert b"Z\r\n" in response.data  # times written as UTC


def test_closed_rounds_leave_the_feed(client):
    opened, _scheduled = _rounds()
    closing.close_round(None, opened)
    db.session.commit()
    user = make_user()
    token = calendar_feed.renew(user)
    db.session.commit()
    summaries = [str(event["summary"]) for event in _events(client.get(f"/calendar/{token}.ics").data)]
    assert summaries == ["Vote on the charter closes (Our charter)"]


def test_the_token_is_stored_hashed_and_renewal_stops_the_old_address(client):
    _rounds()
    user = make_user()
    old = calendar_feed.renew(user)
    db.session.commit()
    stored = db.session.execute(select(CalendarFeed.token_hash).where(CalendarFeed.user_id == user.id)).scalar_one()
    assert old not in stored and len(stored) == 64
    new = calendar_feed.renew(user)
    db.session.commit()
    assert client.get(f"/calendar/{old}.ics").status_code == 404
    assert client.get(f"/calendar/{new}.ics").status_code == 200
    assert client.get("/calendar/not-a-token.ics").status_code == 404
    assert client.get(f"/calendar/{'x' * 500}.ics").status_code == 404


def test_a_deactivated_account_has_no_feed(client):
    user = make_user()
    token = calendar_feed.renew(user)
    user.active = False
    db.session.commit()
    assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_the_account_page_shows_the_address_once_and_renews_it(client):
    _rounds()
    user = make_user()
    sign_in(client, user)
    page = client.get("/account").get_data(as_text=True)
    assert "Make my calendar address" in page
    response = client.post("/account/calendar")
    assert response.status_code == 302 and response.headers["Location"].endswith("/account#calendar")
    page = client.get("/account").get_data(as_text=True)
    address = page.split('id="calendar-address" type="url" readonly value="', 1)[1].split('"', 1)[0]
    assert "/calendar/" in address and address.endswith(".ics")
    path = address[address.index("/calendar/") :]
    assert _events(client.get(path).data)
    again = client.get("/account").get_data(as_text=True)
    assert address not in again and "Renew the calendar address" in again
    client.post("/account/calendar")
    assert client.get(path).status_code == 404


def test_the_feed_speaks_the_readers_language(client):
    _rounds()
    user = make_user()
    user.language = "fr"
    token = calendar_feed.renew(user)
    db.session.commit()
    calendar = Calendar.from_ical(client.get(f"/calendar/{token}.ics").data)
    assert str(calendar.walk("VEVENT")[0]["summary"]) == "Amendments to the charter : clôture (Our charter)"


def test_a_general_meeting_ahead_is_in_the_feed_with_its_place_and_times_in_utc(client):
    from principles_app.services import meetings as meeting_service

    document = make_document()
    secretariat = make_user("secretariat")
    starts = (utcnow() + timedelta(days=10)).replace(microsecond=0)
    meeting = meeting_service.create_meeting(
        secretariat,
        document,
        title="General Meeting 2027",
        starts_at=starts,
        ends_at=starts + timedelta(hours=6),
        time_zone="Europe/Berlin",
        place="Berlin",
        online_url="https://meet.example.org/gm",
    )
    db.session.commit()
    token = calendar_feed.renew(make_user("member"))
    db.session.commit()
    (event,) = [e for e in _events(client.get(f"/calendar/{token}.ics").data) if "General Meeting" in e["summary"]]
    assert str(event["summary"]) == "General Meeting 2027 (Our charter)"
    assert event.decoded("dtstart") == starts.astimezone(UTC)
    assert event.decoded("dtend") == (starts + timedelta(hours=6)).astimezone(UTC)
    assert str(event["location"]) == "Berlin" and str(event["url"]).endswith(f"/meetings/{meeting.id}/")
    assert "https://meet.example.org/gm" in str(event["description"]) and "Europe/Berlin" in str(event["description"])


def test_the_feed_holds_meetings_until_they_end_with_the_uid_of_their_own_ics(client):
    from tests.factories import make_scene

    scene = make_scene(weights=("1",), amendments=0)
    starts = (utcnow() + timedelta(days=10)).replace(microsecond=0)
    coming = make_meeting(scene, starts, title="Berlin General Meeting")
    past = utcnow() - timedelta(days=3)
    make_meeting(scene, past, title="Last year's meeting")
    user = make_user("observer")
    token = calendar_feed.renew(user)
    db.session.commit()
    (event,) = _events(client.get(f"/calendar/{token}.ics").data)
    assert str(event["summary"]) == "Berlin General Meeting (Principles)"
    assert event.decoded("dtstart") == starts and event.decoded("dtend") == starts + timedelta(hours=8)
    sign_in(client, user)
    (own,) = _events(client.get(f"/meetings/{coming.id}.ics").data)
    assert str(own["uid"]) == str(event["uid"])
