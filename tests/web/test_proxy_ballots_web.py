"""The proxy holder's second ballot on the ballot page, the giver's notice, and proxies named in the bulletin."""

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
from tests.factories import auth_header, error_of, make_meeting, make_scene, sign_in, token_for, voting_round


def _proxied(secrecy: str):
    scene = make_scene(weights=("1", "2", "3"))
    starts = utcnow() + timedelta(days=2)
    meeting = make_meeting(scene, starts, hours=6)
    giver, holder, _third = scene.delegates
    proxy_service.give_proxy(giver, meeting, holder.organisation_id)
    target = voting_round(scene, open_it=False, secrecy=secrecy)
    meeting_service.attach_round(scene.secretariat, meeting, target)
    for delegate in scene.delegates:
        meeting_service.set_attendance(scene.secretariat, meeting, delegate.organisation_id, "in_room")
    closing.open_round(scene.secretariat, target)
    db.session.commit()
    return scene, target, motion_service.motions_of(target)[0]


@pytest.fixture
def proxied():
    return _proxied("named")


def test_the_holder_sees_and_casts_a_second_ballot_on_behalf_of_the_giver(client, proxied):
    scene, target, motion = proxied
    giver, holder, _third = scene.delegates
    sign_in(client, holder)
    page = client.get(f"/rounds/{target.id}/ballot")
    text = page.get_data(as_text=True)
    assert f"On behalf of {giver.organisation.name}" in text
    assert f'name="on_behalf_of" value="{giver.organisation_id}"' in text
    response = client.post(
        f"/motions/{motion.id}/ballot",
        data={
            f"m{motion.id}o{giver.organisation_id}-motion_id": str(motion.id),
            f"m{motion.id}o{giver.organisation_id}-choice": "no",
            "on_behalf_of": str(giver.organisation_id),
        },
    )
    assert response.status_code == 302, response.data
    ballot = db.session.query(Ballot).filter_by(organisation_id=giver.organisation_id).one()
    assert (ballot.choice, ballot.proxy_organisation_id) == ("no", holder.organisation_id)
    # The holder's own ballot is still to cast: the proxy's was a separate one.
    assert db.session.query(Ballot).filter_by(organisation_id=holder.organisation_id).count() == 0
    again = client.get(f"/rounds/{target.id}/ballot").get_data(as_text=True)
    assert ballot.receipt in again


def test_the_givers_delegates_are_told_who_votes_for_them_instead_of_a_form(client, proxied):
    scene, target, motion = proxied
    giver, holder, _third = scene.delegates
    sign_in(client, giver)
    text = client.get(f"/rounds/{target.id}/ballot").get_data(as_text=True)
    assert f"given its proxy for this meeting to {holder.organisation.name}" in text
    assert f'action="/motions/{motion.id}/ballot"' not in text
    refused = client.post(
        f"/motions/{motion.id}/ballot", data={f"m{motion.id}-motion_id": str(motion.id), f"m{motion.id}-choice": "yes"}
    )
    assert refused.status_code == 409 and holder.organisation.name.encode() in refused.data
    assert db.session.query(Ballot).count() == 0


def test_a_third_organisation_cannot_post_on_behalf_of_the_giver(client, proxied):
    scene, target, motion = proxied
    giver, _holder, third = scene.delegates
    sign_in(client, third)
    assert "On behalf of" not in client.get(f"/rounds/{target.id}/ballot").get_data(as_text=True)
    prefix = f"m{motion.id}o{giver.organisation_id}"
    response = client.post(
        f"/motions/{motion.id}/ballot",
        data={
            f"{prefix}-motion_id": str(motion.id),
            f"{prefix}-choice": "yes",
            "on_behalf_of": str(giver.organisation_id),
        },
    )
    assert response.status_code == 403
    bad = client.post(f"/motions/{motion.id}/ballot", data={"on_behalf_of": "99999999999999"})
    assert bad.status_code == 422
    assert db.session.query(Ballot).count() == 0


def test_the_holder_reads_the_givers_ballot_and_nobody_else_does(client, proxied):
    scene, _target, motion = proxied
    giver, holder, third = scene.delegates
    path = f"/api/v1/motions/{motion.id}/ballot"
    error_of(client.get(f"{path}?on_behalf_of={giver.organisation_id}", headers=auth_header(token_for(holder))), 404)
    cast = client.put(
        path, json={"choice": "abstain", "on_behalf_of": giver.organisation_id}, headers=auth_header(token_for(holder))
    )
    read = client.get(f"{path}?on_behalf_of={giver.organisation_id}", headers=auth_header(token_for(holder)))
    assert read.status_code == 200
    assert read.get_json()["receipt"] == cast.get_json()["receipt"] and read.get_json()["weight"] == "1.0000"
    error_of(client.get(f"{path}?on_behalf_of={giver.organisation_id}", headers=auth_header(token_for(third))), 403)
    error_of(client.get(f"{path}?on_behalf_of={third.organisation_id}", headers=auth_header(token_for(holder))), 403)
    error_of(client.get(f"{path}?on_behalf_of=abc", headers=auth_header(token_for(holder))), 422)
    # Its own ballot is read as before.
    error_of(client.get(path, headers=auth_header(token_for(holder))), 404)


@pytest.mark.parametrize("secrecy", ["named", "secret"])
def test_the_bulletin_names_the_proxy_only_in_a_named_round(client, secrecy):
    scene, target, motion = _proxied(secrecy)
    giver, holder, _third = scene.delegates
    client.put(
        f"/api/v1/motions/{motion.id}/ballot",
        json={"choice": "yes", "on_behalf_of": giver.organisation_id},
        headers=auth_header(token_for(holder)),
    )
    closing.close_round(scene.secretariat, target)
    db.session.commit()
    result = client.get(f"/api/v1/motions/{motion.id}/result", headers=auth_header(token_for(holder))).get_json()
    (entry,) = result["bulletin"]
    sign_in(client, holder)
    page = client.get(f"/motions/{motion.id}/result").get_data(as_text=True)
    said = f"cast by {holder.organisation.name} as proxy"
    if secrecy == "named":
        assert entry["cast_by_proxy"] == holder.organisation.name and entry["organisation"] == giver.organisation.name
        assert said in page
    else:
        assert "cast_by_proxy" not in entry and "organisation" not in entry
        assert said not in page and "as proxy" not in page
