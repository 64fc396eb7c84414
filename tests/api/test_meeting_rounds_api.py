"""Rounds voted at a General Meeting: attached when scheduled, opened only at quorum (SPEC §11)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from principles_app.db import utcnow
from principles_app.domain.rounds import RoundState
from principles_app.extensions import db
from principles_app.models import AuditEntry, Round
from principles_app.services import closing
from principles_app.services import drafts as draft_service
from principles_app.services import meetings as meeting_service
from principles_app.services import proxies as proxy_service
from principles_app.services.errors import Conflict
from tests.factories import auth_header, error_of, make_meeting, make_scene, sign_in, token_for


def _meeting(scene, title="GM"):
    starts = utcnow() + timedelta(days=2)
    return make_meeting(scene, starts, hours=6, title=title)


@pytest.fixture
def scene():
    # Weights 1 + 2 + 3 = 6; the default quorum 0.5 needs 3.
    found = make_scene(weights=("1", "2", "3"), amendments=0)
    found.meeting = _meeting(found)
    db.session.commit()
    return found


def _h(user):
    return auth_header(token_for(user))


def _round_body(**changes):
    body = {"kind": "adoption", "title": "Adoption", "closes_at": (utcnow() + timedelta(days=3)).isoformat()}
    return body | changes


def test_a_round_is_scheduled_at_a_meeting_and_shows_it(client, scene):
    response = client.post(
        f"/api/v1/documents/{scene.document.slug}/rounds",
        json=_round_body(meeting_id=scene.meeting.id),
        headers=_h(scene.secretariat),
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["meeting_id"] == scene.meeting.id
    read = client.get(f"/api/v1/rounds/{response.get_json()['id']}", headers=_h(scene.delegates[0]))
    assert read.get_json()["meeting_id"] == scene.meeting.id


def test_a_meeting_of_another_document_is_refused_with_422(client, scene):
    other = draft_service.create_document(scene.secretariat, "other", "Other", "", [{"title": "T", "text": "Text."}])
    elsewhere = _meeting(type("S", (), {"secretariat": scene.secretariat, "document": other})(), title="Elsewhere")
    db.session.commit()
    for meeting_id in (elsewhere.id, 999_999):
        response = client.post(
            f"/api/v1/documents/{scene.document.slug}/rounds",
            json=_round_body(meeting_id=meeting_id),
            headers=_h(scene.secretariat),
        )
        assert "meeting_id" in error_of(response, 422)["fields"]
    assert db.session.query(Round).count() == 0


def test_the_meeting_changes_while_scheduled_and_not_once_open(client, scene):
    created = client.post(
        f"/api/v1/documents/{scene.document.slug}/rounds", json=_round_body(), headers=_h(scene.secretariat)
    ).get_json()
    path = f"/api/v1/rounds/{created['id']}"
    attached = client.patch(path, json={"meeting_id": scene.meeting.id}, headers=_h(scene.secretariat))
    assert attached.status_code == 200 and attached.get_json()["meeting_id"] == scene.meeting.id
    detached = client.patch(path, json={"meeting_id": None}, headers=_h(scene.secretariat))
    assert detached.get_json()["meeting_id"] is None
    assert db.session.query(AuditEntry).filter_by(action="round.meeting").count() == 2
    error_of(client.patch(path, json={}, headers=_h(scene.secretariat)), 422)
    error_of(client.patch(path, json={"meeting_id": scene.meeting.id}, headers=_h(scene.delegates[0])), 403)
    client.post(f"{path}/open", headers=_h(scene.secretariat))
    refused = client.patch(path, json={"meeting_id": scene.meeting.id}, headers=_h(scene.secretariat))
    error_of(refused, 409)
    assert db.session.get(Round, created["id"]).meeting_id is None


def _attached_round(client, scene):
    created = client.post(
        f"/api/v1/documents/{scene.document.slug}/rounds",
        json=_round_body(meeting_id=scene.meeting.id),
        headers=_h(scene.secretariat),
    )
    return created.get_json()["id"]


def test_without_quorum_the_round_stays_scheduled_and_the_409_names_the_weights(client, scene):
    round_id = _attached_round(client, scene)
    first, second, third = scene.delegates
    meeting_service.set_attendance(scene.secretariat, scene.meeting, first.organisation_id, "in_room")
    db.session.commit()
    refused = client.post(f"/api/v1/rounds/{round_id}/open", headers=_h(scene.secretariat))
    assert error_of(refused, 409)["message"] == ("Quorum not reached: 1 of 6 present or represented; 3 required.")
    assert db.session.get(Round, round_id).state == RoundState.SCHEDULED
    # Weight 1 online and weight 2 represented by it: exactly 3 of 6 reaches a quorum of 0.5.
    meeting_service.set_attendance(scene.secretariat, scene.meeting, first.organisation_id, "online")
    proxy_service.give_proxy(second, scene.meeting, first.organisation_id)
    db.session.commit()
    opened = client.post(f"/api/v1/rounds/{round_id}/open", headers=_h(scene.secretariat))
    assert opened.status_code == 200 and opened.get_json()["state"] == "open"


def test_the_secretariat_sees_why_the_round_page_cannot_open_it(client, scene):
    round_id = _attached_round(client, scene)
    sign_in(client, scene.secretariat)
    response = client.post(f"/rounds/{round_id}/open", data={})
    assert response.status_code == 409
    assert b"Quorum not reached: 0 of 6 present or represented; 3 required." in response.data
    assert db.session.get(Round, round_id).state == RoundState.SCHEDULED
    # While it waits, the round page says what holds it back.
    page = client.get(f"/rounds/{round_id}/").get_data(as_text=True)
    assert "Quorum not reached: 0 of 6" in page and "stays scheduled until the meeting" in page
    for delegate in scene.delegates:
        meeting_service.set_attendance(scene.secretariat, scene.meeting, delegate.organisation_id, "online")
    db.session.commit()
    assert "Quorum not reached" not in client.get(f"/rounds/{round_id}/").get_data(as_text=True)


def test_rounds_outside_a_meeting_open_without_a_quorum(scene):
    from principles_app.services import rounds as round_service

    target = round_service.create_round(
        scene.secretariat, scene.document, "adoption", "Adoption", utcnow() + timedelta(days=1)
    )
    assert closing.open_round(scene.secretariat, target).state == RoundState.OPEN


def test_the_service_refuses_an_attached_round_without_quorum(scene):
    from principles_app.services import rounds as round_service

    target = round_service.create_round(
        scene.secretariat,
        scene.document,
        "adoption",
        "Adoption",
        utcnow() + timedelta(days=1),
        meeting_id=scene.meeting.id,
    )
    with pytest.raises(Conflict):
        closing.open_round(scene.secretariat, target)


def test_round_and_meeting_pages_link_each_other_and_the_form_attaches(client, scene):
    sign_in(client, scene.secretariat)
    form = client.get(f"/documents/{scene.document.slug}/rounds/")
    assert b'name="meeting_id"' in form.data and b"GM (" in form.data
    response = client.post(
        f"/documents/{scene.document.slug}/rounds/",
        data={
            "kind": "voting",
            "title": "Motions at the GM",
            "closes_at": (utcnow() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
            "majority": "",
            "quorum": "",
            "secrecy": "named",
            "meeting_id": str(scene.meeting.id),
        },
    )
    assert response.status_code == 302, response.data
    target = db.session.query(Round).filter_by(title="Motions at the GM").one()
    assert target.meeting_id == scene.meeting.id
    round_page = client.get(f"/rounds/{target.id}/")
    assert f"/meetings/{scene.meeting.id}/".encode() in round_page.data
    meeting_page = client.get(f"/meetings/{scene.meeting.id}/")
    assert b"Motions at the GM" in meeting_page.data
    # Detached from the round page while it is scheduled.
    assert client.post(f"/rounds/{target.id}/meeting", data={"meeting_id": ""}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Round, target.id).meeting_id is None
    assert client.post(f"/rounds/{target.id}/meeting", data={"meeting_id": "x"}).status_code == 422
