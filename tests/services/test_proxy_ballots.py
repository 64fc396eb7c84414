"""Ballots cast by proxy at a General Meeting: the holder casts the giver's ballot, the giver cannot (SPEC §11)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from principles_app.db import utcnow
from principles_app.extensions import db
from principles_app.models import Ballot
from principles_app.services import closing
from principles_app.services import meetings as meeting_service
from principles_app.services import motions as motion_service
from principles_app.services import proxies as proxy_service
from tests.factories import auth_header, error_of, make_meeting, make_scene, token_for, voting_round


@pytest.fixture
def proxied():
    scene = make_scene(weights=("1", "2", "3"))
    starts = utcnow() + timedelta(days=2)
    meeting = make_meeting(scene, starts, hours=6)
    giver, holder, third = scene.delegates
    proxy_service.give_proxy(giver, meeting, holder.organisation_id)
    target = voting_round(scene, open_it=False)
    meeting_service.attach_round(scene.secretariat, meeting, target)
    for delegate in scene.delegates:
        meeting_service.set_attendance(scene.secretariat, meeting, delegate.organisation_id, "in_room")
    closing.open_round(scene.secretariat, target)
    db.session.commit()
    return scene, meeting, target, motion_service.motions_of(target)[0]


def test_the_giver_cannot_vote_and_is_told_who_holds_its_proxy(client, proxied):
    scene, _meeting, _target, motion = proxied
    giver, holder, _third = scene.delegates
    response = client.put(
        f"/api/v1/motions/{motion.id}/ballot", json={"choice": "yes"}, headers=auth_header(token_for(giver))
    )
    assert holder.organisation.name in error_of(response, 409)["message"]
    assert db.session.query(Ballot).count() == 0


def test_the_holder_casts_the_givers_ballot_with_its_weight_and_own_receipt(client, proxied):
    scene, _meeting, _target, motion = proxied
    giver, holder, _third = scene.delegates
    headers = auth_header(token_for(holder))
    own = client.put(f"/api/v1/motions/{motion.id}/ballot", json={"choice": "no"}, headers=headers)
    assert own.status_code == 200 and own.get_json()["weight"] == "2.0000"
    proxy = client.put(
        f"/api/v1/motions/{motion.id}/ballot",
        json={"choice": "yes", "on_behalf_of": giver.organisation_id},
        headers=headers,
    )
    assert proxy.status_code == 200, proxy.get_json()
    body = proxy.get_json()
    assert body["weight"] == "1.0000" and body["receipt"] != own.get_json()["receipt"]
    ballot = db.session.query(Ballot).filter_by(organisation_id=giver.organisation_id).one()
    assert (ballot.choice, ballot.proxy_organisation_id) == ("yes", holder.organisation_id)


def test_on_behalf_of_without_a_standing_proxy_is_forbidden(client, proxied):
    scene, _meeting, _target, motion = proxied
    giver, holder, third = scene.delegates
    response = client.put(
        f"/api/v1/motions/{motion.id}/ballot",
        json={"choice": "yes", "on_behalf_of": giver.organisation_id},
        headers=auth_header(token_for(third)),
    )
    error_of(response, 403)
    response = client.put(
        f"/api/v1/motions/{motion.id}/ballot",
        json={"choice": "yes", "on_behalf_of": third.organisation_id},
        headers=auth_header(token_for(holder)),
    )
    error_of(response, 403)
    assert db.session.query(Ballot).count() == 0


def test_rounds_outside_the_meeting_ignore_the_proxy(client, proxied):
    scene, _meeting, target, _motion = proxied
    closing.close_round(scene.secretariat, target)
    other = voting_round(scene, kind="adoption")
    motion = motion_service.motions_of(other)[0]
    giver = scene.delegates[0]
    response = client.put(
        f"/api/v1/motions/{motion.id}/ballot", json={"choice": "yes"}, headers=auth_header(token_for(giver))
    )
    assert response.status_code == 200
