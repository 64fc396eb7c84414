"""Changing a General Meeting over JSON: checked like scheduling; the passed proxy deadline stays (SPEC §11)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from principles_app.db import utcnow
from principles_app.extensions import db
from principles_app.models import Meeting
from tests.factories import auth_header, error_of, make_meeting, make_scene, token_for


@pytest.fixture
def scene():
    found = make_scene(weights=("1", "2"), amendments=0)
    starts = utcnow() + timedelta(days=5)
    found.meeting = make_meeting(found, starts)
    db.session.commit()
    return found


def _patch(client, scene, body, user=None):
    return client.patch(
        f"/api/v1/meetings/{scene.meeting.id}", json=body, headers=auth_header(token_for(user or scene.secretariat))
    )


def test_the_secretariat_changes_some_fields_and_the_rest_stay(client, scene):
    response = _patch(client, scene, {"place": "Berlin, Kreuzberg", "quorum": "0.6", "online_url": "https://x.example"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["place"], body["quorum"], body["title"]) == ("Berlin, Kreuzberg", "0.6000", "GM")
    assert body["online_url"] == "https://x.example"
    assert _patch(client, scene, {"online_url": None}).get_json()["online_url"] is None


@pytest.mark.parametrize(
    "body, field",
    [
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"quorum": "0"}, "quorum"),
        ({"proxy_limit": 0}, "proxy_limit"),
        ({"title": None}, "title"),
        ({"online_url": "ftp://x.example"}, "online_url"),
        ({"ends_at": "2000-01-01T00:00:00Z"}, "ends_at"),
        ({"unknown": 1}, "unknown"),
    ],
)
def test_a_change_is_checked_like_a_new_meeting(client, scene, body, field):
    assert field in error_of(_patch(client, scene, body), 422)["fields"]
    db.session.expire_all()
    assert db.session.get(Meeting, scene.meeting.id).place == "Berlin"


def test_only_the_secretariat_changes_a_meeting(client, scene):
    error_of(_patch(client, scene, {"place": "Paris"}, user=scene.delegates[0]), 403)
    assert client.patch(f"/api/v1/meetings/{scene.meeting.id}", json={"place": "Paris"}).status_code == 401
    error_of(client.patch("/api/v1/meetings/999999", json={}, headers=auth_header(token_for(scene.secretariat))), 404)


def test_the_proxy_deadline_cannot_move_once_passed(client, scene):
    meeting = scene.meeting
    meeting.starts_at = utcnow() - timedelta(hours=1)
    meeting.proxies_close_at = meeting.starts_at
    db.session.commit()
    moved = _patch(client, scene, {"proxies_close_at": (utcnow() + timedelta(hours=1)).isoformat()})
    assert "deadline can no longer move" in error_of(moved, 409)["message"]
    # Other details still change.
    assert _patch(client, scene, {"place": "Online only"}).status_code == 200
