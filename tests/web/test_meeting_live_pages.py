"""The live view's pages: the motion on the floor, the refresh link, the projector layout, the region's ETag."""

from __future__ import annotations

import pytest

from principles_app.extensions import db
from principles_app.services import ballots, closing
from tests.api.test_meeting_live_api import live_meeting
from tests.factories import sign_in


@pytest.fixture
def live():
    return live_meeting()


def test_the_live_page_shows_the_motion_its_timer_and_turnout_and_a_refresh_link(client, live):
    scene, meeting, target, motions = live
    ballots.cast_ballot(scene.delegates[1], motions[1].id, "yes")
    db.session.commit()
    sign_in(client, scene.delegates[0])
    page = client.get(f"/meetings/{meeting.id}/live")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'aria-live="polite"' in html and 'role="timer"' in html
    assert f'data-closes-at="{target.closes_at.isoformat()}"' in html
    assert 'class="line-number"' in html and "<ins>" in html
    assert "Organisations voted: 1 of 3, weight 2.0000 of 6.0000." in html
    assert f'href="/meetings/{meeting.id}/live"' in html  # Refresh, without JavaScript
    assert f'href="/meetings/{meeting.id}/live?projector=1"' in html
    assert 'src="/static/live.js"' in html and "<script>" not in html


def test_the_projector_layout_has_no_navigation_and_mirrors_in_arabic(client, live):
    scene, meeting, _target, _motions = live
    scene.delegates[0].language = "ar"
    db.session.commit()
    sign_in(client, scene.delegates[0])
    html = client.get(f"/meetings/{meeting.id}/live?projector=1").get_data(as_text=True)
    assert 'dir="rtl"' in html and 'lang="ar"' in html
    assert "<nav" not in html and 'class="projector"' in html


def test_the_region_answers_304_until_a_ballot_or_the_close_changes_it(client, live):
    scene, meeting, target, motions = live
    sign_in(client, scene.delegates[0])
    url = f"/meetings/{meeting.id}/live/region"
    first = client.get(url)
    etag = first.headers["ETag"]
    assert first.status_code == 200 and 'id="live-region"' in first.get_data(as_text=True)
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    ballots.cast_ballot(scene.delegates[2], motions[1].id, "no")
    db.session.commit()
    second = client.get(url, headers={"If-None-Match": etag})
    assert second.status_code == 200 and second.headers["ETag"] != etag
    closing.close_round(scene.secretariat, target)
    db.session.commit()
    closed = client.get(url, headers={"If-None-Match": second.headers["ETag"]})
    assert closed.status_code == 200
    html = closed.get_data(as_text=True)
    assert 'data-state="closed"' in html and "Result: " in html and "<svg" in html


def test_an_anonymous_visitor_is_sent_to_sign_in_and_an_unknown_meeting_is_404(client, live):
    scene, meeting, _target, _motions = live
    assert client.get(f"/meetings/{meeting.id}/live").status_code == 302
    sign_in(client, scene.delegates[0])
    assert client.get("/meetings/999999/live").status_code == 404
    assert client.get("/meetings/999999/live/region").status_code == 404


def test_the_timer_counts_hours_minutes_and_seconds_and_stops_at_zero():
    from datetime import UTC, datetime, timedelta

    from principles_app.web.meetings.live import countdown

    now = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
    assert countdown(now + timedelta(hours=2, minutes=5, seconds=9), now) == "2:05:09"
    assert countdown(now + timedelta(seconds=59), now) == "0:00:59"
    assert countdown(now - timedelta(minutes=3), now) == "0:00:00"
