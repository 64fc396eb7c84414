"""Another organisation's secret ballot and a hidden comment stay out of reach, and their existence does not leak."""

from __future__ import annotations

import json

from principles_app.extensions import db
from principles_app.services import motions as motion_service
from tests.factories import auth_header, make_principle, make_scene, make_user, sign_in, token_for, voting_round

SECRET_TEXT = "Our partner in the capital is Ms Example at the old mill"


def _headers(user):
    return auth_header(token_for(user))


def test_a_secret_ballot_is_never_shown_to_another_organisation(client):
    scene = make_scene(weights=("1", "2", "3"), amendments=1)
    target = voting_round(scene, secrecy="secret")
    motion_id = motion_service.motions_of(target)[0].id
    first, second = scene.delegates[0], scene.delegates[1]
    cast = client.put(f"/api/v1/motions/{motion_id}/ballot", json={"choice": "yes"}, headers=_headers(first))
    assert cast.status_code == 200
    receipt = cast.get_json()["receipt"]

    # Another organisation asks for "the" ballot: it only ever gets its own, and before voting a 404
    # that reads exactly like the one for a motion that does not exist.
    not_yet = client.get(f"/api/v1/motions/{motion_id}/ballot", headers=_headers(second))
    missing = client.get(f"/api/v1/motions/{2**31 - 1}/ballot", headers=_headers(second))
    assert not_yet.status_code == missing.status_code == 404
    assert not_yet.get_json()["error"]["code"] == missing.get_json()["error"]["code"] == "not_found"
    assert receipt not in not_yet.get_data(as_text=True)
    own = client.put(f"/api/v1/motions/{motion_id}/ballot", json={"choice": "no"}, headers=_headers(second))
    mine = client.get(f"/api/v1/motions/{motion_id}/ballot", headers=_headers(second)).get_json()
    assert mine["choice"] == "no" and mine["receipt"] == own.get_json()["receipt"] != receipt

    # Nobody else reads a member's ballot: observers and the secretariat are refused outright.
    for outsider in (make_user("observer"), scene.secretariat):
        refused = client.get(f"/api/v1/motions/{motion_id}/ballot", headers=_headers(outsider))
        assert refused.status_code == 403 and receipt not in refused.get_data(as_text=True)

    # While open, the result shows participation only; at close the bulletin names no organisation.
    open_result = client.get(f"/api/v1/motions/{motion_id}/result", headers=_headers(scene.delegates[2]))
    assert "tally" not in open_result.get_json() and "bulletin" not in open_result.get_json()
    closed = client.post(f"/api/v1/rounds/{target.id}/close", headers=_headers(scene.secretariat))
    assert closed.status_code == 200
    result = client.get(f"/api/v1/motions/{motion_id}/result", headers=_headers(scene.secretariat)).get_json()
    assert result["bulletin"] and all("organisation" not in entry for entry in result["bulletin"])
    names = [o.name for o in scene.organisations]
    assert not any(name in json.dumps(result) for name in names)


def test_a_hidden_comment_text_reaches_nobody_but_the_secretariat(client):
    staff, author, other, observer = (make_user("secretariat"), make_user(), make_user(), make_user("observer"))
    principle = make_principle()
    posted = client.post(
        "/api/v1/comments",
        json={"target_type": "principle", "target_id": principle.id, "body": SECRET_TEXT},
        headers=_headers(author),
    )
    assert posted.status_code == 201
    comment_id = posted.get_json()["id"]
    reply = client.post(
        "/api/v1/comments",
        json={
            "target_type": "principle",
            "target_id": principle.id,
            "parent_id": comment_id,
            "body": "A reply that stays",
        },
        headers=_headers(other),
    )
    assert reply.status_code == 201
    hidden = client.post(
        f"/api/v1/comments/{comment_id}/hide", json={"reason": "Names a person at risk"}, headers=_headers(staff)
    )
    assert hidden.status_code == 200
    db.session.expire_all()

    for reader in (other, observer, author):
        thread = client.get(f"/api/v1/threads/principle/{principle.id}", headers=_headers(reader))
        assert thread.status_code == 200
        assert SECRET_TEXT not in thread.get_data(as_text=True), reader.role
        assert "A reply that stays" in thread.get_data(as_text=True)
        # The same through the pages a browser sees.
        browser = client.application.test_client()
        sign_in(browser, reader)
        for path in (f"/threads/principle/{principle.id}", f"/comments/{comment_id}", "/activity"):
            page = browser.get(path)
            assert page.status_code in (200, 404), (path, page.status_code)
            assert SECRET_TEXT not in page.get_data(as_text=True), (reader.role, path)
        if reader is not author:  # nor does trying to edit someone else's comment
            edit = browser.get(f"/comments/{comment_id}/edit")
            assert SECRET_TEXT not in edit.get_data(as_text=True)

    public = client.application.test_client()
    assert SECRET_TEXT not in public.get(f"/threads/principle/{principle.id}").get_data(as_text=True)

    moderator = client.get(f"/api/v1/threads/principle/{principle.id}", headers=_headers(staff))
    assert SECRET_TEXT in moderator.get_data(as_text=True)
