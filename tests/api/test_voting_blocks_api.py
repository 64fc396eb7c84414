"""Voting blocks (SPEC §12): one motion carrying several amendments, passing or falling together."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from principles_app.extensions import db
from principles_app.models import Motion, MotionAmendment
from tests.factories import (
    auth_header,
    draft_in_round,
    error_of,
    make_scene,
    propose,
    sign_in,
    token_for,
    voting_round,
)


def _headers(user):
    return auth_header(token_for(user))


@pytest.fixture
def scene():
    return make_scene(weights=("1", "2", "3"), amendments=3)


def put(client, scene, target, body):
    return client.post(f"/api/v1/rounds/{target.id}/motions", json=body, headers=_headers(scene.secretariat))


def vote_and_close(client, scene, target, choice):
    client.post(f"/api/v1/rounds/{target.id}/open", headers=_headers(scene.secretariat))
    for motion in client.get(f"/api/v1/rounds/{target.id}", headers=_headers(scene.secretariat)).json["motions"]:
        for delegate in scene.delegates:
            cast = client.put(
                f"/api/v1/motions/{motion['id']}/ballot", json={"choice": choice}, headers=_headers(delegate)
            )
            assert cast.status_code == 200, cast.json
    closed = client.post(f"/api/v1/rounds/{target.id}/close", headers=_headers(scene.secretariat))
    assert closed.status_code == 200, closed.json
    return closed.json


def test_a_block_is_one_motion_with_its_amendments_in_order(client, scene):
    target = voting_round(scene, motions=False, open_it=False)
    first, second, _ = scene.amendments
    block = put(client, scene, target, {"amendment_ids": [second.id, first.id]})
    assert block.status_code == 201, block.json
    assert block.json["amendment_ids"] == [second.id, first.id] and block.json["amendment_id"] == second.id
    single = put(client, scene, target, {"amendment_id": scene.amendments[2].id})
    assert single.status_code == 201 and single.json["amendment_ids"] == [scene.amendments[2].id]
    shown = client.get(f"/api/v1/rounds/{target.id}", headers=_headers(scene.delegates[0])).json
    assert [m["amendment_ids"] for m in shown["motions"]] == [[second.id, first.id], [scene.amendments[2].id]]
    # An amendment of the block cannot be put again, alone or in another block.
    assert error_of(put(client, scene, target, {"amendment_id": first.id}), 409)
    assert error_of(put(client, scene, target, {"amendment_ids": [first.id, scene.amendments[2].id]}), 409)


def test_bad_blocks_are_refused_and_change_nothing(client, scene):
    target = voting_round(scene, motions=False, open_it=False)
    first, second, third = scene.amendments
    elsewhere_document = draft_in_round()
    elsewhere = propose(scene.delegates[0], elsewhere_document, number=1)
    before = db.session.scalar(select(func.count(Motion.id)))
    for body in (
        {"amendment_ids": [first.id, first.id]},
        {"amendment_ids": [first.id, 999_999]},
        {"amendment_ids": [first.id, elsewhere.id]},
        {"amendment_ids": [elsewhere.id]},
        {"amendment_ids": []},
        {"amendment_ids": [first.id], "amendment_id": second.id},
        {"amendment_ids": ["1"]},
    ):
        response = put(client, scene, target, body)
        assert response.status_code == 422, (body, response.json)
        assert "error" in response.json
    assert db.session.scalar(select(func.count(Motion.id))) == before
    assert db.session.scalar(select(func.count(MotionAmendment.id))) == 0
    refused = client.post(
        f"/api/v1/rounds/{target.id}/motions", json={"amendment_ids": [first.id]}, headers=_headers(scene.delegates[0])
    )
    assert refused.status_code == 403


def test_a_passing_block_merges_its_amendments_in_order_into_one_version(client, scene):
    target = voting_round(scene, motions=False, open_it=False)
    first, second, _ = scene.amendments
    assert put(client, scene, target, {"amendment_ids": [first.id, second.id]}).status_code == 201
    closed = vote_and_close(client, scene, target, "yes")
    assert closed["motions"][0]["outcome"] == "passed" and closed["motions"][0]["effect"] == "merged"
    version = client.get("/api/v1/documents/principles/versions/2", headers=_headers(scene.secretariat)).json
    assert version["merged_amendment_ids"] == [first.id, second.id]
    for amendment in (first, second):
        read = client.get(f"/api/v1/amendments/{amendment.id}", headers=_headers(scene.secretariat)).json
        assert read["status"] == "merged" and read["merged_in_version"] == 2


def test_a_failing_block_rejects_every_amendment(client, scene):
    target = voting_round(scene, motions=False, open_it=False)
    first, second, _ = scene.amendments
    put(client, scene, target, {"amendment_ids": [first.id, second.id]})
    closed = vote_and_close(client, scene, target, "no")
    assert closed["motions"][0]["effect"] == "rejected"
    for amendment in (first, second):
        assert (
            client.get(f"/api/v1/amendments/{amendment.id}", headers=_headers(scene.secretariat)).json["status"]
            == "rejected"
        )


def test_a_block_that_cannot_apply_is_reported_and_merges_nothing(client, scene):
    target = voting_round(scene, motions=False, open_it=False)
    first, _, rival = scene.amendments
    put(client, scene, target, {"amendment_ids": [first.id, rival.id]})
    closed = vote_and_close(client, scene, target, "yes")
    assert closed["motions"][0]["outcome"] == "passed" and closed["motions"][0]["effect"] == "conflicted"
    document = client.get("/api/v1/documents/principles", headers=_headers(scene.secretariat)).json
    assert document["version"] == 1
    for amendment in (first, rival):
        assert (
            client.get(f"/api/v1/amendments/{amendment.id}", headers=_headers(scene.secretariat)).json["status"]
            == "open"
        )


def test_the_ballot_page_shows_the_block_with_every_redline(app, client, scene):
    target = voting_round(scene, motions=False, open_it=False)
    first, second, _ = scene.amendments
    put(client, scene, target, {"amendment_ids": [first.id, second.id]})
    client.post(f"/api/v1/rounds/{target.id}/open", headers=_headers(scene.secretariat))
    browser = app.test_client()
    sign_in(browser, scene.delegates[0])
    page = browser.get(f"/rounds/{target.id}/ballot").get_data(as_text=True)
    assert "a block of 2 amendments, passing or falling together" in page
    assert f'href="/amendments/{first.id}"' in page and f'href="/amendments/{second.id}"' in page
    assert page.count('class="redline"') >= 2


def test_the_secretariat_puts_a_block_from_the_round_page(app, scene):
    target = voting_round(scene, motions=False, open_it=False)
    first, second, _ = scene.amendments
    browser = app.test_client()
    sign_in(browser, scene.secretariat)
    page = browser.get(f"/rounds/{target.id}/").get_data(as_text=True)
    assert f'action="/rounds/{target.id}/blocks"' in page
    refused = browser.post(f"/rounds/{target.id}/blocks", data={"amendment_ids": f"{first.id}, {first.id}"})
    assert refused.status_code == 422 and "Each amendment once" in refused.get_data(as_text=True)
    put = browser.post(f"/rounds/{target.id}/blocks", data={"amendment_ids": f"{second.id} {first.id}"})
    assert put.status_code == 302
    shown = browser.get(f"/rounds/{target.id}/").get_data(as_text=True)
    assert "a block of 2 amendments, passing or falling together" in shown
    assert db.session.scalar(select(func.count(MotionAmendment.id))) == 2
    member = app.test_client()
    sign_in(member, scene.delegates[0])
    assert member.post(f"/rounds/{target.id}/blocks", data={"amendment_ids": str(first.id)}).status_code == 403


def test_every_amendment_of_a_block_is_frozen_while_it_is_voted_on(client, scene):
    target = voting_round(scene, motions=False, open_it=False)
    first, second, _ = scene.amendments
    put(client, scene, target, {"amendment_ids": [first.id, second.id]})
    proposer = next(d for d in scene.delegates if d.organisation_id == second.organisation_id)
    refused = client.post(f"/api/v1/amendments/{second.id}/withdraw", headers=_headers(proposer))
    assert "cannot change while it is voted on" in error_of(refused, 409)["message"]
    merged = client.post(
        "/api/v1/documents/principles/merge", json={"amendment_ids": [second.id]}, headers=_headers(scene.secretariat)
    )
    assert error_of(merged, 409)
    motion_id = client.get(f"/api/v1/rounds/{target.id}", headers=_headers(scene.secretariat)).json["motions"][0]["id"]
    assert client.delete(f"/api/v1/motions/{motion_id}", headers=_headers(scene.secretariat)).status_code == 204
    assert db.session.scalar(select(func.count(MotionAmendment.id))) == 0
    withdrawn = client.post(f"/api/v1/amendments/{second.id}/withdraw", headers=_headers(proposer))
    assert withdrawn.status_code == 200 and withdrawn.json["status"] == "withdrawn"
