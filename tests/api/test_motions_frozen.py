"""An amendment being voted on cannot change under the vote; the secretariat removes its motion first."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from principles_app.domain.amendments import AmendmentStatus
from principles_app.extensions import db
from principles_app.models import Amendment, AuditEntry, Motion
from principles_app.services import ballots, closing, motions
from tests.factories import auth_header, make_scene, sign_in, token_for, voting_round


@pytest.fixture
def scene():
    return make_scene(weights=("1", "2", "3"), amendments=2)


def _status(amendment_id: int) -> AmendmentStatus:
    db.session.expire_all()
    return db.session.get(Amendment, amendment_id).status


def _api_actions(scene, amendment):
    secretariat = auth_header(token_for(scene.secretariat))
    proposer = auth_header(token_for(scene.delegates[0]))
    return [
        ("post", f"/api/v1/amendments/{amendment.id}/merge", None, secretariat),
        ("post", f"/api/v1/amendments/{amendment.id}/reject", None, secretariat),
        ("post", f"/api/v1/amendments/{amendment.id}/withdraw", None, proposer),
        ("patch", f"/api/v1/amendments/{amendment.id}", {"rationale": "A better reason."}, proposer),
    ]


@pytest.mark.parametrize("open_it", [False, True], ids=["scheduled", "open"])
def test_a_motion_cannot_be_merged_rejected_withdrawn_or_revised_over_the_api(client, scene, open_it):
    target = voting_round(scene, open_it=open_it)
    amendment = scene.amendments[0]
    version = scene.document.current_version
    for method, path, body, headers in _api_actions(scene, amendment):
        response = getattr(client, method)(path, json=body, headers=headers)
        assert response.status_code == 409, (path, response.json)
        assert target.title in response.json["error"]["message"], (path, response.json)
        assert _status(amendment.id) == AmendmentStatus.OPEN
    db.session.expire_all()
    assert scene.document.current_version == version


def test_the_html_buttons_refuse_with_the_round_named(client, scene):
    target = voting_round(scene, open_it=False)
    sign_in(client, scene.secretariat)
    for action in ("merge", "reject"):
        response = client.post(f"/amendments/{scene.amendments[0].id}/{action}")
        assert response.status_code == 409
        assert target.title in response.get_data(as_text=True)
    assert _status(scene.amendments[0].id) == AmendmentStatus.OPEN


def test_a_failed_vote_never_leaves_a_merged_amendment(client, scene):
    target = voting_round(scene)
    motion = motions.motions_of(target)[0]
    for delegate in scene.delegates:
        ballots.cast_ballot(delegate, motion.id, "no")
    db.session.commit()
    merge = client.post(
        f"/api/v1/amendments/{scene.amendments[0].id}/merge", headers=auth_header(token_for(scene.secretariat))
    )
    assert merge.status_code == 409
    closing.close_round(scene.secretariat, target)
    db.session.commit()
    assert _status(scene.amendments[0].id) == AmendmentStatus.REJECTED
    assert db.session.get(Motion, motion.id).effect == "rejected"


def test_the_secretariat_removes_a_motion_while_scheduled_and_the_amendment_is_free_again(client, scene):
    target = voting_round(scene, open_it=False)
    motion = motions.motions_of(target)[0]
    headers = auth_header(token_for(scene.secretariat))
    member = client.delete(f"/api/v1/motions/{motion.id}", headers=auth_header(token_for(scene.delegates[0])))
    assert member.status_code == 403
    response = client.delete(f"/api/v1/motions/{motion.id}", headers=headers)
    assert response.status_code == 204
    assert db.session.scalar(select(func.count()).select_from(Motion).where(Motion.id == motion.id)) == 0
    assert (
        db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "motion.removed"))
        == 1
    )
    merged = client.post(f"/api/v1/amendments/{scene.amendments[0].id}/merge", headers=headers)
    assert merged.status_code == 200, merged.json
    again = client.delete(f"/api/v1/motions/{motion.id}", headers=headers)
    assert again.status_code == 404 and again.json["error"]["code"]


def test_a_motion_of_an_open_round_cannot_be_removed(client, scene):
    target = voting_round(scene)
    motion = motions.motions_of(target)[0]
    response = client.delete(f"/api/v1/motions/{motion.id}", headers=auth_header(token_for(scene.secretariat)))
    assert response.status_code == 409 and target.title in response.json["error"]["message"]
    assert db.session.get(Motion, motion.id) is not None


def test_the_round_page_removes_a_motion_with_its_button(client, scene):
    target = voting_round(scene, open_it=False)
    motion_id = motions.motions_of(target)[0].id
    sign_in(client, scene.secretariat)
    page = client.get(f"/rounds/{target.id}/").get_data(as_text=True)
    assert f"/motions/{motion_id}/remove" in page
    response = client.post(f"/motions/{motion_id}/remove")
    assert response.status_code == 302
    db.session.expire_all()
    assert [m.amendment_id for m in motions.motions_of(target)] == [scene.amendments[1].id]
