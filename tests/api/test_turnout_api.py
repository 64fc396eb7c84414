"""Who has voted, reminders and paper ballots through the JSON API, as the secretariat uses them at a meeting."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from principles_app.extensions import db
from principles_app.models import AuditEntry, Ballot, BallotChange, MotionReminder, OutboxMessage
from principles_app.services import motions as motion_service
from tests.factories import auth_header, error_of, make_organisation, make_scene, token_for, voting_round


@pytest.fixture
def scene():
    return make_scene(weights=("1", "2", "3"), regions=("africa", "americas", "mena"))


@pytest.fixture
def desk(scene):
    target = voting_round(scene)
    return {
        "scene": scene,
        "round": target,
        "motion": motion_service.motions_of(target)[0],
        "headers": auth_header(token_for(scene.secretariat)),
    }


def _counts():
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Ballot, BallotChange, MotionReminder, AuditEntry)
    ) + (db.session.scalar(select(func.count()).where(OutboxMessage.event == "motion_reminder")),)


def test_participation_lists_the_electorate_with_who_voted_and_no_choice(client, desk):
    scene, motion = desk["scene"], desk["motion"]
    voter = scene.delegates[2]
    cast = client.put(
        f"/api/v1/motions/{motion.id}/ballot", json={"choice": "no"}, headers=auth_header(token_for(voter))
    )
    assert cast.status_code == 200
    response = client.get(f"/api/v1/motions/{motion.id}/participation", headers=desk["headers"])
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    rows = response.get_json()
    assert isinstance(rows, list) and all(set(row) == {"organisation_id", "name", "voted"} for row in rows)
    assert {row["organisation_id"]: row["voted"] for row in rows} == {
        scene.organisations[0].id: False,
        scene.organisations[1].id: False,
        voter.organisation_id: True,
    }
    assert "no" not in {str(value) for row in rows for value in row.values()}


def test_a_reminder_is_queued_then_refused_for_ten_minutes_with_retry_after(client, desk):
    motion = desk["motion"]
    first = client.post(f"/api/v1/motions/{motion.id}/reminders", headers=desk["headers"])
    assert first.status_code == 202
    body = first.get_json()
    assert body["motion_id"] == motion.id and len(body["organisation_ids"]) == 3 and body["recipients"] == 3
    before = _counts()
    again = client.post(f"/api/v1/motions/{motion.id}/reminders", headers=desk["headers"])
    error = error_of(again, 429)
    assert error["code"] == "rate_limited" and "10 minutes" in error["message"]
    assert 590 <= int(again.headers["Retry-After"]) <= 600
    assert _counts() == before
    entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "motion.reminded")).scalar_one()
    assert entry.actor_id == desk["scene"].secretariat.id


def test_a_reminder_speaks_the_callers_language_when_refused(client, desk):
    motion = desk["motion"]
    client.post(f"/api/v1/motions/{motion.id}/reminders", headers=desk["headers"])
    again = client.post(f"/api/v1/motions/{motion.id}/reminders", headers={**desk["headers"], "Accept-Language": "fr"})
    assert "10 minutes" in error_of(again, 429)["message"] and "rappel" in again.get_json()["error"]["message"]


def test_reminders_and_paper_ballots_need_an_open_round(client, scene):
    scheduled = voting_round(scene, open_it=False)
    motion = motion_service.motions_of(scheduled)[0]
    headers = auth_header(token_for(scene.secretariat))
    before = _counts()
    assert error_of(client.post(f"/api/v1/motions/{motion.id}/reminders", headers=headers), 409)
    paper = client.put(
        f"/api/v1/motions/{motion.id}/ballots/{scene.organisations[0].id}",
        json={"choice": "yes", "paper": True},
        headers=headers,
    )
    assert error_of(paper, 409)
    assert _counts() == before
    listed = client.get(f"/api/v1/motions/{motion.id}/participation", headers=headers)
    assert listed.status_code == 200 and not any(row["voted"] for row in listed.get_json())


def test_a_closed_round_refuses_reminders_and_paper_ballots(client, desk):
    from principles_app.services import closing

    closing.close_round(desk["scene"].secretariat, desk["round"])
    db.session.commit()
    motion = desk["motion"]
    before = _counts()
    assert error_of(client.post(f"/api/v1/motions/{motion.id}/reminders", headers=desk["headers"]), 409)
    paper = client.put(
        f"/api/v1/motions/{motion.id}/ballots/{desk['scene'].organisations[0].id}",
        json={"choice": "yes", "paper": True},
        headers=desk["headers"],
    )
    assert error_of(paper, 409)
    assert _counts() == before


def test_no_reminder_once_everyone_has_voted(client, desk):
    motion = desk["motion"]
    for organisation in desk["scene"].organisations:
        client.put(
            f"/api/v1/motions/{motion.id}/ballots/{organisation.id}",
            json={"choice": "abstain", "paper": True},
            headers=desk["headers"],
        )
    before = _counts()
    assert (
        "voted"
        in error_of(client.post(f"/api/v1/motions/{motion.id}/reminders", headers=desk["headers"]), 409)["message"]
    )
    assert _counts() == before


def test_a_paper_ballot_returns_a_receipt_and_the_delegate_can_change_it(client, desk):
    scene, motion = desk["scene"], desk["motion"]
    delegate = scene.delegates[1]
    paper = client.put(
        f"/api/v1/motions/{motion.id}/ballots/{delegate.organisation_id}",
        json={"choice": "yes", "paper": True},
        headers=desk["headers"],
    )
    assert paper.status_code == 200
    body = paper.get_json()
    assert body["paper"] is True and body["choice"] == "yes" and body["weight"] == "2.0000" and body["receipt"]
    delegate_headers = auth_header(token_for(delegate))
    seen = client.get(f"/api/v1/motions/{motion.id}/ballot", headers=delegate_headers).get_json()
    assert seen["receipt"] == body["receipt"] and seen["choice"] == "yes"
    changed = client.put(f"/api/v1/motions/{motion.id}/ballot", json={"choice": "no"}, headers=delegate_headers)
    assert changed.status_code == 200 and changed.get_json()["receipt"] != body["receipt"]
    history = db.session.execute(select(BallotChange).order_by(BallotChange.id)).scalars().all()
    assert [(h.paper, h.user_id, h.to_choice) for h in history] == [
        (True, scene.secretariat.id, "yes"),
        (False, delegate.id, "no"),
    ]
    entries = db.session.execute(
        select(AuditEntry).where(AuditEntry.action.in_(["ballot.cast", "ballot.changed"])).order_by(AuditEntry.seq)
    ).scalars()
    assert [(e.action, e.actor_id, e.payload.get("paper")) for e in entries] == [
        ("ballot.cast", scene.secretariat.id, True),
        ("ballot.changed", delegate.id, None),
    ]


@pytest.mark.parametrize(
    "body, status",
    [
        ({"choice": "maybe", "paper": True}, 422),
        ({"choice": "yes"}, 422),
        ({"choice": "yes", "paper": False}, 422),
        ({"choice": "yes", "paper": "true"}, 422),
        ({"choice": None, "paper": True}, 422),
        ({"choice": "yes", "paper": True, "extra": 1}, 422),
        ({}, 422),
        ([1], 400),
        ("not json", 400),
    ],
)
def test_bad_paper_ballots_are_refused_and_change_nothing(client, desk, body, status):
    before = _counts()
    path = f"/api/v1/motions/{desk['motion'].id}/ballots/{desk['scene'].organisations[0].id}"
    response = client.put(path, json=body, headers=desk["headers"])
    error_of(response, status)
    assert _counts() == before


def test_a_paper_ballot_for_an_organisation_outside_the_electorate_is_422(client, desk):
    late = make_organisation("Joined Later", weight="4")
    db.session.commit()
    before = _counts()
    for organisation_id in (late.id, 999999, 2**31 - 1, 2**40):
        response = client.put(
            f"/api/v1/motions/{desk['motion'].id}/ballots/{organisation_id}",
            json={"choice": "yes", "paper": True},
            headers=desk["headers"],
        )
        assert response.status_code in (404, 422), organisation_id
        if organisation_id < 2**31:
            assert "organisation_id" in error_of(response, 422)["fields"]
    assert _counts() == before


@pytest.mark.parametrize("path", ["participation", "reminders", "ballots/1"])
def test_an_unknown_motion_is_404(client, desk, path):
    method = {"participation": "GET", "reminders": "POST", "ballots/1": "PUT"}[path]
    response = client.open(
        f"/api/v1/motions/999999/{path}",
        method=method,
        headers=desk["headers"],
        json={"choice": "yes", "paper": True} if method == "PUT" else None,
    )
    error_of(response, 404)


def test_a_member_cannot_record_a_paper_ballot_even_for_their_own_organisation(client, desk):
    delegate = desk["scene"].delegates[0]
    before = _counts()
    response = client.put(
        f"/api/v1/motions/{desk['motion'].id}/ballots/{delegate.organisation_id}",
        json={"choice": "yes", "paper": True},
        headers=auth_header(token_for(delegate)),
    )
    error_of(response, 403)
    assert _counts()[:2] == before[:2]


def test_a_reminder_after_ten_minutes_goes_again(client, desk):
    from principles_app.services import turnout

    motion = desk["motion"]
    assert client.post(f"/api/v1/motions/{motion.id}/reminders", headers=desk["headers"]).status_code == 202
    row = db.session.execute(select(MotionReminder)).scalar_one()
    row.sent_at = row.sent_at - turnout.REMINDER_INTERVAL - timedelta(seconds=1)
    db.session.commit()
    assert client.post(f"/api/v1/motions/{motion.id}/reminders", headers=desk["headers"]).status_code == 202
    assert db.session.scalar(select(func.count()).where(OutboxMessage.event == "motion_reminder")) == 6


def test_the_new_routes_are_documented(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "429" in paths["/api/v1/motions/{motion_id}/reminders"]["post"]["responses"]
    assert paths["/api/v1/motions/{motion_id}/participation"]["get"]["responses"]["200"]
    assert "put" in paths["/api/v1/motions/{motion_id}/ballots/{organisation_id}"]
