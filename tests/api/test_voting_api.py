"""Motions, ballots and results through the JSON API, as delegates and the secretariat use them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from principles_app.db import utcnow
from principles_app.extensions import db
from principles_app.models import Ballot, BallotChange, Motion, Round
from principles_app.services import motions as motion_service
from tests.factories import auth_header, make_organisation, make_scene, make_user, token_for, voting_round


def _headers(user):
    return auth_header(token_for(user))


def _counts():
    return tuple(db.session.scalar(select(func.count()).select_from(model)) for model in (Motion, Ballot, BallotChange))


@pytest.fixture
def scene():
    return make_scene(weights=("1", "2", "3"), regions=("africa", "africa", "mena"), amendments=3)


def test_the_secretariat_puts_motions_in_order_and_the_round_lists_them(client, scene):
    target = voting_round(scene, motions=False, open_it=False)
    headers = _headers(scene.secretariat)
    for expected, amendment in enumerate(scene.amendments[:2], start=1):
        response = client.post(
            f"/api/v1/rounds/{target.id}/motions", json={"amendment_id": amendment.id}, headers=headers
        )
        assert response.status_code == 201
        assert response.json["position"] == expected and response.json["outcome"] is None
    again = client.post(
        f"/api/v1/rounds/{target.id}/motions", json={"amendment_id": scene.amendments[0].id}, headers=headers
    )
    assert again.status_code == 409 and again.json["error"]["code"]
    shown = client.get(f"/api/v1/rounds/{target.id}", headers=_headers(scene.delegates[0])).json
    assert [m["amendment_id"] for m in shown["motions"]] == [a.id for a in scene.amendments[:2]]


@pytest.mark.parametrize(
    "body, status",
    [
        ({}, 422),
        ({"amendment_id": "1"}, 422),
        ({"amendment_id": 1, "extra": 1}, 422),
        ([1], 400),
        ("not json", 400),
        ({"amendment_id": 999999}, 404),
    ],
)
def test_bad_motions_are_refused_and_change_nothing(client, scene, body, status):
    target = voting_round(scene, motions=False, open_it=False)
    before = _counts()
    headers = _headers(scene.secretariat)
    if isinstance(body, str):
        response = client.post(
            f"/api/v1/rounds/{target.id}/motions", data=body, headers=headers, content_type="application/json"
        )
    else:
        response = client.post(f"/api/v1/rounds/{target.id}/motions", json=body, headers=headers)
    assert response.status_code == status and "error" in response.json
    assert _counts() == before


def test_only_the_secretariat_puts_motions(client, scene):
    target = voting_round(scene, motions=False, open_it=False)
    response = client.post(
        f"/api/v1/rounds/{target.id}/motions",
        json={"amendment_id": scene.amendments[0].id},
        headers=_headers(scene.delegates[0]),
    )
    assert response.status_code == 403
    assert client.post(f"/api/v1/rounds/{target.id}/motions", json={"amendment_id": 1}).status_code == 401
    assert _counts() == (0, 0, 0)


def test_a_delegate_casts_and_changes_a_ballot_with_a_new_receipt_each_time(client, scene):
    target = voting_round(scene)
    motion = motion_service.motions_of(target)[0]
    headers = _headers(scene.delegates[1])
    first = client.put(f"/api/v1/motions/{motion.id}/ballot", json={"choice": "yes"}, headers=headers)
    assert first.status_code == 200
    assert set(first.json) == {"choice", "weight", "receipt", "cast_at"}
    assert first.json["weight"] == "2.0000" and first.json["choice"] == "yes"
    second = client.put(f"/api/v1/motions/{motion.id}/ballot", json={"choice": "abstain"}, headers=headers)
    assert second.json["receipt"] != first.json["receipt"]
    mine = client.get(f"/api/v1/motions/{motion.id}/ballot", headers=headers)
    assert mine.json == second.json
    other = client.get(f"/api/v1/motions/{motion.id}/ballot", headers=_headers(scene.delegates[0]))
    assert other.status_code == 404


@pytest.mark.parametrize("who", ["observer", "secretariat", "outsider", "inactive"])
def test_who_may_not_vote_gets_403_and_nothing_changes(client, scene, who):
    inactive = make_organisation(weight="1")
    inactive_user = make_user("member", organisation=inactive)
    target = voting_round(scene)
    motion = motion_service.motions_of(target)[0]
    inactive.active = False
    db.session.commit()
    user = {
        "observer": lambda: make_user("observer"),
        "secretariat": lambda: scene.secretariat,
        "outsider": lambda: make_user("member", organisation=make_organisation(weight="4")),
        "inactive": lambda: inactive_user,
    }[who]()
    headers = _headers(user)
    response = client.put(f"/api/v1/motions/{motion.id}/ballot", json={"choice": "yes"}, headers=headers)
    assert response.status_code == 403 and response.json["error"]["code"]
    assert client.get(f"/api/v1/motions/{motion.id}/ballot", headers=headers).status_code == 403
    assert _counts()[1:] == (0, 0)


@pytest.mark.parametrize(
    "body, status",
    [
        ({"choice": "maybe"}, 422),
        ({}, 422),
        ({"choice": 1}, 422),
        ({"choice": "yes", "x": 1}, 422),
        ("[]", 400),
        ("{", 400),
    ],
)
def test_bad_ballots_are_refused_and_change_nothing(client, scene, body, status):
    target = voting_round(scene)
    motion = motion_service.motions_of(target)[0]
    headers = _headers(scene.delegates[0])
    if isinstance(body, str):
        response = client.put(
            f"/api/v1/motions/{motion.id}/ballot", data=body, headers=headers, content_type="application/json"
        )
    else:
        response = client.put(f"/api/v1/motions/{motion.id}/ballot", json=body, headers=headers)
    assert response.status_code == status and "error" in response.json
    assert _counts()[1:] == (0, 0)
    assert client.put("/api/v1/motions/999999/ballot", json={"choice": "yes"}, headers=headers).status_code == 404


def test_a_ballot_after_the_closing_time_is_409_even_before_anyone_closes(client, scene):
    target = voting_round(scene)
    motion = motion_service.motions_of(target)[0]
    db.session.execute(
        Round.__table__.update().where(Round.id == target.id).values(closes_at=utcnow() - timedelta(seconds=1))
    )
    db.session.commit()
    response = client.put(
        f"/api/v1/motions/{motion.id}/ballot", json={"choice": "yes"}, headers=_headers(scene.delegates[0])
    )
    assert response.status_code == 409
    # Still only participation: nobody closed it yet.
    result = client.get(f"/api/v1/motions/{motion.id}/result", headers=_headers(scene.secretariat)).json
    assert result["state"] == "open" and "tally" not in result


def test_a_closed_round_refuses_ballots_with_409(client, scene):
    target = voting_round(scene)
    motion = motion_service.motions_of(target)[0]
    secretariat = _headers(scene.secretariat)
    assert client.post(f"/api/v1/rounds/{target.id}/close", headers=secretariat).status_code == 200
    response = client.put(
        f"/api/v1/motions/{motion.id}/ballot", json={"choice": "yes"}, headers=_headers(scene.delegates[0])
    )
    assert response.status_code == 409


def test_while_open_results_reveal_nothing_that_depends_on_the_choices(client, scene):
    target = voting_round(scene)
    first, second, _third = motion_service.motions_of(target)
    for delegate, choices in zip(scene.delegates[:2], (("yes", "no"), ("no", "abstain"))):
        headers = _headers(delegate)
        client.put(f"/api/v1/motions/{first.id}/ballot", json={"choice": choices[0]}, headers=headers)
        client.put(f"/api/v1/motions/{second.id}/ballot", json={"choice": choices[1]}, headers=headers)
    reader = _headers(make_user("observer"))
    a = client.get(f"/api/v1/motions/{first.id}/result", headers=reader)
    b = client.get(f"/api/v1/motions/{second.id}/result", headers=reader)
    assert a.status_code == b.status_code == 200
    assert set(a.json) == {"motion_id", "state", "participation"}
    assert a.json["participation"] == b.json["participation"]
    assert a.data.replace(b'"motion_id":%d' % first.id, b"") == b.data.replace(b'"motion_id":%d' % second.id, b"")
    assert "ETag" not in a.headers and a.headers["Cache-Control"] == "no-store"
    assert a.json["participation"]["by_region"]["africa"] == {
        "count": 2,
        "weight": "3.0000",
        "eligible_count": 2,
        "eligible_weight": "3.0000",
    }
    assert client.get(f"/api/v1/motions/{first.id}/result").status_code == 401


def test_at_close_the_result_has_the_contract_shape(client, scene):
    target = voting_round(scene)
    motion = motion_service.motions_of(target)[0]
    receipts = {}
    for delegate, choice in zip(scene.delegates[:2], ("yes", "no")):
        response = client.put(
            f"/api/v1/motions/{motion.id}/ballot", json={"choice": choice}, headers=_headers(delegate)
        )
        receipts[response.json["receipt"]] = (choice, delegate.organisation.name)
    client.post(f"/api/v1/rounds/{target.id}/close", headers=_headers(scene.secretariat))
    result = client.get(f"/api/v1/motions/{motion.id}/result", headers=_headers(make_user("observer"))).json
    assert result["state"] == "closed"
    assert {
        "motion_id",
        "participation",
        "tally",
        "majority",
        "quorum",
        "quorum_reached",
        "passed",
        "by_region",
        "by_category",
        "bulletin",
    } <= set(result)
    assert result["tally"] == {
        "yes": {"count": 1, "weight": "1.0000"},
        "no": {"count": 1, "weight": "2.0000"},
        "abstain": {"count": 0, "weight": "0.0000"},
    }
    assert (result["majority"], result["quorum"], result["passed"], result["quorum_reached"]) == (
        "simple",
        "0.5000",
        False,
        True,
    )  # exactly half the weight cast: quorum reached; yes < no
    assert result["by_region"]["mena"]["no_participation"] is True
    assert "no_participation" not in result["by_region"]["africa"]
    assert result["by_category"]["member"]["eligible_weight"] == "6.0000"
    assert {e["receipt"]: (e["choice"], e["organisation"]) for e in result["bulletin"]} == receipts


def test_a_secret_bulletin_names_no_organisation(client, scene):
    target = voting_round(scene, secrecy="secret")
    motion = motion_service.motions_of(target)[0]
    client.put(f"/api/v1/motions/{motion.id}/ballot", json={"choice": "yes"}, headers=_headers(scene.delegates[0]))
    client.post(f"/api/v1/rounds/{target.id}/close", headers=_headers(scene.secretariat))
    result = client.get(f"/api/v1/motions/{motion.id}/result", headers=_headers(scene.secretariat)).json
    assert [set(e) for e in result["bulletin"]] == [{"receipt", "choice"}]
    body = client.get(f"/api/v1/rounds/{target.id}", headers=_headers(scene.secretariat)).data
    assert scene.delegates[0].organisation.name.encode() not in body
