"""The secretariat schedules and changes a General Meeting from its pages; anyone signed in takes it as .ics."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from principles_app.db import utcnow
from principles_app.extensions import db
from principles_app.models import AuditEntry, Meeting
from principles_app.services import meetings as meeting_service
from tests.factories import make_meeting, make_scene, make_user, sign_in


@pytest.fixture
def scene():
    return make_scene(weights=("1", "2"), amendments=0)


def _form(**changes):
    year = utcnow().year + 1
    data = {
        "title": "Berlin General Meeting",
        "time_zone": "Europe/Berlin",
        "starts_at": f"{year}-03-10T09:00",
        "ends_at": f"{year}-03-10T17:30",
        "place": "Berlin",
        "online_url": "https://meet.example.org/gm",
        "quorum": "0.5",
        "proxy_limit": "2",
        "proxies_close_at": "",
    }
    return data | changes


def test_the_secretariat_schedules_a_meeting_in_its_own_zone_from_the_document(client, scene):
    sign_in(client, scene.secretariat)
    document_page = client.get(f"/documents/{scene.document.slug}/").get_data(as_text=True)
    assert f"/documents/{scene.document.slug}/meetings/new" in document_page
    assert client.get(f"/documents/{scene.document.slug}/meetings/new").status_code == 200
    response = client.post(f"/documents/{scene.document.slug}/meetings/new", data=_form())
    assert response.status_code == 302, response.data
    meeting = db.session.query(Meeting).one()
    year = utcnow().year + 1
    # 09:00 in Berlin in March (winter time, UTC+1) is 08:00 UTC.
    assert meeting.starts_at == datetime(year, 3, 10, 8, 0, tzinfo=UTC)
    assert meeting.proxies_close_at == meeting.starts_at
    assert meeting.online_url == "https://meet.example.org/gm"
    listed = client.get(f"/documents/{scene.document.slug}/").get_data(as_text=True)
    assert f"/meetings/{meeting.id}/" in listed and "Berlin General Meeting" in listed


def test_a_refused_meeting_form_says_why_beside_each_field(client, scene):
    sign_in(client, scene.secretariat)
    response = client.post(
        f"/documents/{scene.document.slug}/meetings/new",
        data=_form(time_zone="Mars/Olympus", quorum="2", online_url="http://plain.example.org"),
    )
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Choose a time zone from the list" in text
    assert "The quorum is a fraction above 0 and at most 1" in text
    assert "The online link must start with https://." in text
    assert db.session.query(Meeting).count() == 0
    ended_first = client.post(
        f"/documents/{scene.document.slug}/meetings/new", data=_form(ends_at=f"{utcnow().year + 1}-03-10T08:00")
    )
    assert ended_first.status_code == 422 and db.session.query(Meeting).count() == 0


def test_the_edit_page_shows_and_takes_times_in_the_meetings_zone(client, scene):
    starts = datetime(utcnow().year + 1, 7, 1, 7, 0, tzinfo=UTC)  # 09:00 in Berlin (summer time)
    meeting = make_meeting(scene, starts)
    db.session.commit()
    sign_in(client, scene.secretariat)
    page = client.get(f"/meetings/{meeting.id}/edit").get_data(as_text=True)
    assert f'value="{starts.year}-07-01T09:00"' in page
    data = _form(
        title="GM (moved)",
        time_zone="Africa/Nairobi",
        starts_at=f"{starts.year}-07-01T10:00",
        ends_at=f"{starts.year}-07-01T18:00",
        place="Nairobi",
        online_url="",
    )
    response = client.post(f"/meetings/{meeting.id}/edit", data=data)
    assert response.status_code == 302, response.data
    db.session.expire_all()
    moved = db.session.get(Meeting, meeting.id)
    assert (moved.title, moved.place, moved.online_url) == ("GM (moved)", "Nairobi", None)
    assert moved.starts_at == starts  # 10:00 in Nairobi (UTC+3) is 07:00 UTC
    assert db.session.query(AuditEntry).filter_by(action="meeting.updated").count() == 1


def test_members_may_not_schedule_or_change_meetings(client, scene):
    starts = utcnow() + timedelta(days=3)
    meeting = make_meeting(scene, starts)
    db.session.commit()
    sign_in(client, scene.delegates[0])
    assert client.get(f"/documents/{scene.document.slug}/meetings/new").status_code == 403
    assert client.post(f"/documents/{scene.document.slug}/meetings/new", data=_form()).status_code == 403
    assert client.post(f"/meetings/{meeting.id}/edit", data=_form()).status_code == 403
    page = client.get(f"/meetings/{meeting.id}/").get_data(as_text=True)
    assert f"/meetings/{meeting.id}/edit" not in page and f"/meetings/{meeting.id}.ics" in page


def test_the_meeting_as_ics_parses_back_with_its_times_zone_and_links(client, scene):
    starts = datetime(utcnow().year + 1, 3, 10, 8, 0, tzinfo=UTC)
    meeting = meeting_service.create_meeting(
        scene.secretariat,
        scene.document,
        title="Berlin General Meeting",
        starts_at=starts,
        ends_at=starts + timedelta(hours=8, minutes=30),
        time_zone="Europe/Berlin",
        place="Berlin, Haus der Demokratie",
        online_url="https://meet.example.org/gm",
    )
    db.session.commit()
    assert client.get(f"/meetings/{meeting.id}.ics").status_code == 302  # signed in only, like the page
    sign_in(client, make_user("observer"))
    response = client.get(f"/meetings/{meeting.id}.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    assert str(calendar["X-WR-TIMEZONE"]) == "Europe/Berlin"
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]).startswith(f"meeting-{meeting.id}@")
    assert event.decoded("DTSTART") == starts
    assert event.decoded("DTEND") == starts + timedelta(hours=8, minutes=30)
    assert event.decoded("DTSTART").utcoffset() == timedelta(0)
    assert str(event["LOCATION"]) == "Berlin, Haus der Demokratie"
    assert str(event["URL"]) == "https://meet.example.org/gm"
    assert "https://meet.example.org/gm" in str(event["DESCRIPTION"])
    assert str(event["SUMMARY"]) == "Berlin General Meeting"
    assert client.get("/meetings/999999.ics").status_code == 404


def test_bad_meeting_input_on_the_pages_gets_a_reason_never_a_server_error(client, scene):
    starts = utcnow() + timedelta(days=3)
    meeting = make_meeting(scene, starts)
    db.session.commit()
    own, other = scene.delegates
    sign_in(client, own)
    # Check-in opens two hours before the start: days ahead it is refused, with the reason.
    early = client.post(f"/meetings/{meeting.id}/attendance/{own.organisation_id}", data={"mode": "online"})
    assert early.status_code == 409 and b"Check-in opens two hours before" in early.data
    assert (
        client.post(f"/meetings/{meeting.id}/attendance/{other.organisation_id}", data={"mode": "online"}).status_code
        == 403
    )
    assert (
        client.post(f"/meetings/{meeting.id}/attendance/{own.organisation_id}", data={"mode": "asleep"}).status_code
        == 422
    )
    to_itself = client.post(
        f"/meetings/{meeting.id}/proxies", data={"holder_organisation_id": str(own.organisation_id)}
    )
    assert to_itself.status_code == 422 and b"cannot give its proxy to itself" in to_itself.data
    assert client.post(f"/meetings/{meeting.id}/proxies", data={"holder_organisation_id": "x"}).status_code == 422
    assert (
        client.post(f"/meetings/{meeting.id}/proxies", data={"holder_organisation_id": "99999999999"}).status_code
        == 422
    )
    assert meeting_service.proxies_of(meeting) == []
    assert meeting_service.summary(meeting).present_count == 0


def test_after_proxies_closed_the_edit_form_still_changes_other_details(client, scene):
    starts = utcnow() - timedelta(minutes=30, seconds=17)  # running, created with seconds over the API
    meeting = make_meeting(scene, starts)
    db.session.commit()
    sign_in(client, scene.secretariat)
    page = client.get(f"/meetings/{meeting.id}/edit")
    form = {
        name: page.get_data(as_text=True).split(f'id="{name}" name="{name}"')[1].split('value="')[1].split('"')[0]
        for name in ("starts_at", "ends_at", "proxies_close_at")
    }
    data = _form(place="Berlin, Mitte", online_url="", **form)
    assert client.post(f"/meetings/{meeting.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    kept = db.session.get(Meeting, meeting.id)
    assert (kept.place, kept.proxies_close_at, kept.starts_at) == ("Berlin, Mitte", starts, starts)
    moved = client.post(f"/meetings/{meeting.id}/edit", data=data | {"proxies_close_at": form["ends_at"]})
    assert moved.status_code == 409 and b"can no longer move" in moved.data


def test_the_meeting_page_states_the_weight_the_quorum_requires_as_the_refusal_to_open_does(client, scene):
    starts = utcnow() - timedelta(minutes=30)
    meeting = meeting_service.create_meeting(
        scene.secretariat,
        scene.document,
        title="GM",
        starts_at=starts,
        ends_at=starts + timedelta(hours=8),
        time_zone="Europe/Berlin",
        place="Berlin",
        quorum="0.25",
    )
    meeting_service.set_attendance(scene.secretariat, meeting, scene.delegates[0].organisation_id, "in_room")
    db.session.commit()
    sign_in(client, scene.secretariat)
    page = client.get(f"/meetings/{meeting.id}/").get_data(as_text=True)
    # Eligible weight 3 at a quorum of 0.25: 0.75 is required, not its product's eight decimal places.
    assert "Present and represented weight: 1 of 3; required: 0.75." in page
