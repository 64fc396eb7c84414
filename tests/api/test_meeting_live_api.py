"""The live view of a General Meeting over JSON: the motion on the floor, turnout, result, ETag/304."""

from __future__ import annotations

from datetime import timedelta

import pytest

from principles_app.db import utcnow
from principles_app.extensions import db
from principles_app.services import ballots, closing, recommendations
from principles_app.services import meetings as meeting_service
from principles_app.services import motions as motion_service
from tests.factories import auth_header, error_of, make_meeting, make_scene, token_for, voting_round


def live_meeting(secrecy: str = "named"):
    """A running meeting, every organisation in the room, with an open round of two motions attached."""
    scene = make_scene(weights=("1", "2", "3"))
    starts = utcnow() - timedelta(hours=1)
    meeting = make_meeting(scene, starts, title="General Meeting 2027", time_zone="Africa/Nairobi", place="Nairobi")
    recommendations.recommend(scene.secretariat, scene.amendments[1], "vote", "The meeting decides.")
    target = voting_round(scene, open_it=False, secrecy=secrecy)
    meeting_service.attach_round(scene.secretariat, meeting, target)
    for delegate in scene.delegates:
        meeting_service.set_attendance(scene.secretariat, meeting, delegate.organisation_id, "in_room")
    closing.open_round(scene.secretariat, target)
    db.session.commit()
    return scene, meeting, target, motion_service.motions_of(target)


@pytest.fixture
def live():
    return live_meeting()


def _get(client, meeting_id, user, etag=None):
    headers = auth_header(token_for(user))
    if etag:
        headers["If-None-Match"] = etag
    return client.get(f"/api/v1/meetings/{meeting_id}/live", headers=headers)


def test_the_live_view_shows_the_newest_open_motion_with_numbered_redline_and_turnout(client, live):
    scene, meeting, target, motions = live
    ballots.cast_ballot(scene.delegates[2], motions[1].id, "no")
    db.session.commit()
    response = _get(client, meeting.id, scene.delegates[0])
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["meeting"]["title"] == "General Meeting 2027" and body["meeting"]["time_zone"] == "Africa/Nairobi"
    motion = body["motion"]
    assert motion["id"] == motions[1].id and motion["state"] == "open" and motion["result"] is None
    assert motion["amendment_ids"] == [scene.amendments[1].id]
    assert 'class="line-number"' in motion["redline_html"] and "<ins>" in motion["redline_html"]
    assert motion["recommendation"] == {
        "amendment_id": scene.amendments[1].id,
        "procedure": "vote",
        "reason": "The meeting decides.",
        "text": None,
        "covered_by_id": None,
        "answer": None,
    }
    assert motion["closes_at"].startswith(target.closes_at.isoformat()[:16])
    participation = motion["participation"]
    assert (participation["count"], participation["weight"]) == (1, "3.0000")
    assert participation["eligible_weight"] == "6.0000"
    assert {"region", "count", "weight"} == set(participation["by_region"][0])
    assert sum(r["count"] for r in participation["by_region"]) == 1
    assert '"choice"' not in response.get_data(as_text=True)


def test_an_unchanged_view_answers_304_without_a_body_and_a_ballot_changes_the_etag(client, live):
    scene, meeting, _target, motions = live
    first = _get(client, meeting.id, scene.delegates[0])
    etag = first.headers["ETag"]
    assert etag and not etag.startswith("W/")
    again = _get(client, meeting.id, scene.delegates[1], etag)
    assert again.status_code == 304 and again.get_data() == b""
    assert again.headers["ETag"] == etag
    ballots.cast_ballot(scene.delegates[0], motions[1].id, "yes")
    db.session.commit()
    after = _get(client, meeting.id, scene.delegates[1], etag)
    assert after.status_code == 200 and after.headers["ETag"] != etag
    assert after.get_json()["motion"]["participation"]["count"] == 1


def test_once_closed_the_last_motion_shows_its_result_as_the_result_api_does(client, live):
    scene, meeting, target, motions = live
    for delegate in scene.delegates:
        ballots.cast_ballot(delegate, motions[1].id, "yes")
    closing.close_round(scene.secretariat, target)
    db.session.commit()
    body = _get(client, meeting.id, scene.delegates[0]).get_json()
    motion = body["motion"]
    assert motion["state"] == "closed" and motion["id"] == motions[1].id
    expected = client.get(
        f"/api/v1/motions/{motions[1].id}/result", headers=auth_header(token_for(scene.delegates[0]))
    ).get_json()
    assert motion["result"]["passed"] is True
    assert motion["result"]["tally"] == expected["tally"]
    assert motion["result"]["bulletin"] == expected["bulletin"]


def test_a_meeting_without_motions_has_none_on_the_floor(client):
    scene = make_scene(weights=("1",), amendments=0)
    starts = utcnow() + timedelta(days=1)
    meeting = make_meeting(scene, starts, hours=2, time_zone="UTC", place="Online")
    db.session.commit()
    body = _get(client, meeting.id, scene.delegates[0]).get_json()
    assert body["motion"] is None and body["meeting"]["id"] == meeting.id


def test_unknown_meeting_is_404_and_anonymous_is_401(client, live):
    scene, meeting, _target, _motions = live
    error_of(_get(client, 999999, scene.delegates[0]), 404)
    error_of(client.get(f"/api/v1/meetings/{meeting.id}/live"), 401)


def test_the_304_path_renders_nothing_and_asks_the_database_little(client, live, monkeypatch, count_queries):
    from principles_app.services import live as live_service

    scene, meeting, _target, _motions = live
    etag = _get(client, meeting.id, scene.delegates[0]).headers["ETag"]
    headers = {**auth_header(token_for(scene.delegates[0])), "If-None-Match": etag}
    path = f"/api/v1/meetings/{meeting.id}/live"
    client.get(path, headers=headers)  # the token's first use is recorded once

    def refuse(*args, **kwargs):
        raise AssertionError("the redline was rendered on the cheap path")

    monkeypatch.setattr(live_service, "redline_lines", refuse)
    monkeypatch.setattr(live_service, "live_state", refuse)
    with count_queries() as counted:
        response = client.get(path, headers=headers)
    assert response.status_code == 304
    # The token's user and one aggregate row for the motion on the floor (which proves the meeting exists).
    assert counted.count <= 2, "\n".join(s[:90] for s in counted.statements)


def test_an_edit_to_the_meeting_or_an_answer_to_a_recommendation_is_never_hidden_behind_an_old_etag(client, live):
    scene, meeting, _target, _motions = live
    etag = _get(client, meeting.id, scene.delegates[0]).headers["ETag"]
    meeting_service.update_meeting(scene.secretariat, meeting, title="General Meeting 2027, day two", place="Kisumu")
    db.session.commit()
    renamed = _get(client, meeting.id, scene.delegates[0], etag)
    assert renamed.status_code == 200, "the new title was hidden behind the old ETag"
    assert (renamed.get_json()["meeting"]["title"], renamed.get_json()["meeting"]["place"]) == (
        "General Meeting 2027, day two",
        "Kisumu",
    )
    amendment = scene.amendments[1]
    proposer = next(d for d in scene.delegates if d.organisation_id == amendment.organisation_id)
    recommendations.answer(proposer, amendment, True, "We agree.")
    db.session.commit()
    answered = _get(client, meeting.id, scene.delegates[0], renamed.headers["ETag"])
    assert answered.status_code == 200, "the proposer's answer was hidden behind the old ETag"
    assert answered.get_json()["motion"]["recommendation"]["answer"] == "agree"


def test_a_new_state_is_built_once_and_every_other_screen_gets_the_same_bytes(client, live, monkeypatch):
    from principles_app.services import live as live_service

    scene, meeting, _target, motions = live
    before = _get(client, meeting.id, scene.delegates[0]).headers["ETag"]
    ballots.cast_ballot(scene.delegates[2], motions[1].id, "yes")
    db.session.commit()
    first = _get(client, meeting.id, scene.delegates[0], before)

    def refuse(*args, **kwargs):
        raise AssertionError("the same state was built twice")

    monkeypatch.setattr(live_service, "live_state", refuse)
    second = _get(client, meeting.id, scene.delegates[1], before)
    assert second.status_code == first.status_code == 200
    assert second.headers["ETag"] == first.headers["ETag"] != before
    assert second.get_data() == first.get_data()
    assert second.get_json()["motion"]["participation"]["count"] == 1


def test_the_sites_own_page_reads_the_live_view_with_its_session_and_nothing_else_does(client, live):
    from tests.factories import sign_in

    scene, meeting, _target, _motions = live
    sign_in(client, scene.delegates[0])
    path = f"/api/v1/meetings/{meeting.id}/live"
    response = client.get(path)
    assert response.status_code == 200 and response.get_json()["meeting"]["id"] == meeting.id
    assert client.get(path, headers={"If-None-Match": response.headers["ETag"]}).status_code == 304
    # Every other endpoint still wants a token, and so does anything that is not a read.
    error_of(client.get("/api/v1/me"), 401)
    error_of(client.post(path), 405)


@pytest.mark.committed
def test_a_commit_anywhere_on_this_host_shows_at_once_and_one_elsewhere_within_a_second(client, live, monkeypatch):
    from sqlalchemy import update

    from principles_app.models import Meeting
    from principles_app.services import commit_signal
    from principles_app.services import live as live_service

    scene, meeting, _target, motions = live
    clock = [1000.0]
    monkeypatch.setattr(commit_signal.time, "monotonic", lambda: clock[0])
    path, token = f"/api/v1/meetings/{meeting.id}/live", auth_header(token_for(scene.delegates[0]))

    def poll(etag):
        return client.get(path, headers={**token, "If-None-Match": etag})

    client.get(path, headers=token)  # the token's first use is recorded once
    etag = client.get(path, headers=token).headers["ETag"]

    def committed_elsewhere(place):
        # Straight to the database on a connection of its own, as another worker or host commits.
        with db.engine.connect() as other:
            other.execute(update(Meeting).where(Meeting.id == meeting.id).values(place=place))
            other.commit()

    # Another host: nothing here hears of it, and the reading is trusted for a second at most.
    committed_elsewhere("Mombasa")
    assert poll(etag).status_code == 304
    clock[0] += live_service.FLOOR_READINGS.seconds
    moved = poll(etag)
    assert moved.status_code == 200 and moved.get_json()["meeting"]["place"] == "Mombasa"
    # Another worker of this host raises the shared signal with its commit: seen at once.
    committed_elsewhere("Kisumu")
    commit_signal.SIGNAL.raise_signal(commit_signal.signal_path())
    again = poll(moved.headers["ETag"])
    assert again.status_code == 200 and again.get_json()["meeting"]["place"] == "Kisumu"
    # And a ballot committed by this process is on its very next answer.
    ballots.cast_ballot(scene.delegates[1], motions[1].id, "no")
    db.session.commit()
    counted = poll(again.headers["ETag"])
    assert counted.status_code == 200 and counted.get_json()["motion"]["participation"]["count"] == 1
