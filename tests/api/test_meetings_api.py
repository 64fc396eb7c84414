"""General Meetings over JSON: scheduling, attendance, quorum, proxies (SPEC §11)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from principles_app.db import utcnow
from principles_app.extensions import db
from principles_app.models import AuditEntry, Meeting, MeetingProxy, OutboxMessage
from tests.factories import auth_header, error_of, make_scene, make_user, token_for


def _iso(moment):
    return moment.isoformat()


def _meeting(client, scene, starts_in=timedelta(days=7), **changes):
    starts = utcnow() + starts_in
    body = {
        "title": "General Meeting 2027",
        "starts_at": _iso(starts),
        "ends_at": _iso(starts + timedelta(hours=8)),
        "time_zone": "Europe/Berlin",
        "place": "Berlin, Haus der Demokratie",
        "online_url": "https://meet.example.org/gm",
    }
    body.update(changes)
    return client.post(
        f"/api/v1/documents/{scene.document.slug}/meetings",
        json=body,
        headers=auth_header(token_for(scene.secretariat)),
    )


@pytest.fixture
def scene():
    return make_scene(weights=("1", "2", "3", "4"), amendments=0)


def _h(user):
    return auth_header(token_for(user))


def test_secretariat_schedules_a_meeting_with_defaults_and_everyone_signed_in_reads_it(client, scene):
    created = _meeting(client, scene)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["quorum"] == "0.5000" and body["proxy_limit"] == 2
    assert body["proxies_close_at"] == body["starts_at"]
    assert body["attendance_summary"] == {
        "present_count": 0,
        "present_weight": "0.0000",
        "represented_count": 0,
        "represented_weight": "0.0000",
        "eligible_count": 4,
        "eligible_weight": "10.0000",
        "quorum": "0.5000",
        "quorum_reached": False,
    }
    read = client.get(f"/api/v1/meetings/{body['id']}", headers=_h(scene.delegates[0]))
    assert read.status_code == 200 and read.get_json()["title"] == "General Meeting 2027"
    listed = client.get(f"/api/v1/documents/{scene.document.slug}/meetings", headers=_h(scene.delegates[0]))
    assert [m["id"] for m in listed.get_json()] == [body["id"]]
    assert db.session.query(AuditEntry).filter_by(action="meeting.created").count() == 1


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"quorum": "0"}, "quorum"),
        ({"quorum": "1.5"}, "quorum"),
        ({"proxy_limit": 0}, "proxy_limit"),
        ({"starts_at": "2027-03-01T09:00:00"}, "starts_at"),
        ({"online_url": "javascript:alert(1)"}, "online_url"),
        ({"title": ""}, "title"),
        ({"unknown": 1}, "unknown"),
    ],
)
def test_bad_meetings_are_refused_with_422(client, scene, changes, field):
    response = _meeting(client, scene, **changes)
    error = error_of(response, 422)
    assert field in str(error), error
    assert db.session.query(Meeting).count() == 0


def test_a_meeting_ending_before_it_starts_is_refused(client, scene):
    starts = utcnow() + timedelta(days=3)
    error_of(_meeting(client, scene, starts_at=_iso(starts), ends_at=_iso(starts - timedelta(hours=1))), 422)


def test_unknown_meeting_and_document_are_404(client, scene):
    error_of(client.get("/api/v1/meetings/999999", headers=_h(scene.delegates[0])), 404)
    error_of(
        client.post("/api/v1/documents/nope/meetings", json={}, headers=_h(scene.secretariat)),
        422,
    )


def test_members_check_in_their_own_organisation_only_while_the_meeting_runs(client, scene):
    early = _meeting(client, scene).get_json()
    delegate, other = scene.delegates[0], scene.delegates[1]
    path = f"/api/v1/meetings/{early['id']}/attendance/{delegate.organisation_id}"
    error_of(client.put(path, json={"mode": "in_room"}, headers=_h(delegate)), 409)
    running = _meeting(client, scene, starts_in=timedelta(hours=-1)).get_json()
    path = f"/api/v1/meetings/{running['id']}/attendance/{delegate.organisation_id}"
    checked = client.put(path, json={"mode": "online"}, headers=_h(delegate))
    assert checked.status_code == 200, checked.get_json()
    assert checked.get_json()["attendance_summary"]["present_weight"] == "1.0000"
    # Another organisation is not theirs to check in.
    error_of(
        client.put(
            f"/api/v1/meetings/{running['id']}/attendance/{other.organisation_id}",
            json={"mode": "in_room"},
            headers=_h(delegate),
        ),
        403,
    )
    error_of(client.put(path, json={"mode": "asleep"}, headers=_h(delegate)), 422)
    absent = client.put(path, json={"mode": "absent"}, headers=_h(delegate))
    assert absent.get_json()["attendance_summary"]["present_count"] == 0
    assert db.session.query(AuditEntry).filter_by(action="meeting.attendance").count() == 2


def test_secretariat_checks_in_anyone_any_time_and_quorum_follows_exact_weights(client, scene):
    meeting = _meeting(client, scene).get_json()
    secretariat = _h(scene.secretariat)
    for delegate in scene.delegates[:2]:  # weights 1 and 2 of 10
        client.put(
            f"/api/v1/meetings/{meeting['id']}/attendance/{delegate.organisation_id}",
            json={"mode": "in_room"},
            headers=secretariat,
        )
    summary = client.get(f"/api/v1/meetings/{meeting['id']}", headers=secretariat).get_json()["attendance_summary"]
    assert (summary["present_weight"], summary["quorum_reached"]) == ("3.0000", False)
    # Weight 4 gives its proxy to a present organisation: 3 + 4 = 7 of 10 is a quorum.
    given = client.post(
        f"/api/v1/meetings/{meeting['id']}/proxies",
        json={"holder_organisation_id": scene.delegates[0].organisation_id},
        headers=_h(scene.delegates[3]),
    )
    assert given.status_code == 201, given.get_json()
    summary = client.get(f"/api/v1/meetings/{meeting['id']}", headers=secretariat).get_json()["attendance_summary"]
    assert (summary["represented_count"], summary["represented_weight"]) == (1, "4.0000")
    assert summary["quorum_reached"] is True
    # A secretariat organisation is not eligible.
    error_of(
        client.put(
            f"/api/v1/meetings/{meeting['id']}/attendance/{scene.secretariat.organisation_id}",
            json={"mode": "in_room"},
            headers=secretariat,
        ),
        422,
    )
    error_of(
        client.put(
            f"/api/v1/meetings/{meeting['id']}/attendance/999999", json={"mode": "in_room"}, headers=secretariat
        ),
        404,
    )


def test_proxy_rules_over_the_api(client, scene):
    meeting = _meeting(client, scene).get_json()
    a, b, c, d = scene.delegates
    path = f"/api/v1/meetings/{meeting['id']}/proxies"

    def give(giver, holder):
        return client.post(path, json={"holder_organisation_id": holder.organisation_id}, headers=_h(giver))

    assert "itself" in error_of(give(a, a), 422)["message"]
    assert give(a, b).status_code == 201
    assert "chain" in error_of(give(c, a), 409)["message"]  # a has given: it holds none
    assert "chain" in error_of(give(b, c), 409)["message"]  # b holds: it gives none
    assert give(c, b).status_code == 201
    assert "as many proxies" in error_of(give(d, b), 409)["message"]  # limit 2
    assert "revoke" in error_of(give(a, c), 409)["message"]
    error_of(client.post(path, json={"holder_organisation_id": scene.secretariat.organisation_id}, headers=_h(d)), 422)
    error_of(client.post(path, json={"holder_organisation_id": "x"}, headers=_h(d)), 422)
    listed = client.get(path, headers=_h(d)).get_json()
    assert [(p["giver_organisation_id"], p["holder_organisation_id"]) for p in listed] == [
        (a.organisation_id, b.organisation_id),
        (c.organisation_id, b.organisation_id),
    ]
    # Both organisations' users are told, in their language.
    assert db.session.query(OutboxMessage).filter(OutboxMessage.event == "proxy_given").count() == 4
    # Revoking: only one's own organisation (or the secretariat).
    error_of(client.delete(f"{path}/{a.organisation_id}", headers=_h(d)), 403)
    assert client.delete(f"{path}/{a.organisation_id}", headers=_h(a)).status_code == 204
    error_of(client.delete(f"{path}/{a.organisation_id}", headers=_h(a)), 404)
    assert db.session.query(MeetingProxy).count() == 1
    actions = {e.action for e in db.session.query(AuditEntry)}
    assert {"meeting.proxy_given", "meeting.proxy_revoked"} <= actions


def test_proxies_close_at_their_deadline(client, scene):
    meeting = _meeting(client, scene, starts_in=timedelta(minutes=-5)).get_json()
    a, b = scene.delegates[:2]
    response = client.post(
        f"/api/v1/meetings/{meeting['id']}/proxies",
        json={"holder_organisation_id": b.organisation_id},
        headers=_h(a),
    )
    assert "closed" in error_of(response, 409)["message"]


def test_secretariat_gives_a_proxy_naming_the_giver(client, scene):
    meeting = _meeting(client, scene).get_json()
    a, b = scene.delegates[:2]
    path = f"/api/v1/meetings/{meeting['id']}/proxies"
    error_of(client.post(path, json={"holder_organisation_id": b.organisation_id}, headers=_h(scene.secretariat)), 422)
    given = client.post(
        path,
        json={"holder_organisation_id": b.organisation_id, "giver_organisation_id": a.organisation_id},
        headers=_h(scene.secretariat),
    )
    assert given.status_code == 201


def test_observers_give_no_proxy(client, scene):
    meeting = _meeting(client, scene).get_json()
    observer = make_user("observer")
    error_of(
        client.post(
            f"/api/v1/meetings/{meeting['id']}/proxies",
            json={"holder_organisation_id": scene.delegates[0].organisation_id},
            headers=_h(observer),
        ),
        403,
    )
