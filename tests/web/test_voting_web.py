"""Voting in the browser, without JavaScript: put motions, cast ballots, watch turnout, read results."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from principles_app.extensions import db
from principles_app.models import Ballot, Motion
from principles_app.services import ballots as ballot_service
from principles_app.services import motions as motion_service
from tests.factories import make_organisation, make_scene, make_user, sign_in, voting_round


def _ballot_form(motion, choice):
    return {f"m{motion.id}-motion_id": str(motion.id), f"m{motion.id}-choice": choice}


def test_the_secretariat_puts_an_amendment_to_the_vote_from_the_round_page(client):
    scene = make_scene(amendments=2)
    target = voting_round(scene, motions=False, open_it=False)
    sign_in(client, scene.secretariat)
    page = client.get(f"/rounds/{target.id}/")
    assert page.status_code == 200 and b"Put an amendment to the vote" in page.data
    response = client.post(f"/rounds/{target.id}/motions", data={"amendment_id": scene.amendments[1].id})
    assert response.status_code == 302
    assert [m.amendment_id for m in motion_service.motions_of(target)] == [scene.amendments[1].id]


def test_a_member_cannot_put_motions(client):
    scene = make_scene()
    target = voting_round(scene, motions=False, open_it=False)
    sign_in(client, scene.delegates[0])
    response = client.post(f"/rounds/{target.id}/motions", data={"amendment_id": scene.amendments[0].id})
    assert response.status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Motion)) == 0


def test_a_delegate_sees_each_redline_next_to_the_choice_and_votes(client):
    scene = make_scene()
    target = voting_round(scene)
    motion = motion_service.motions_of(target)[0]
    sign_in(client, scene.delegates[0])
    page = client.get(f"/rounds/{target.id}/ballot")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<ins" in html and 'value="abstain"' in html
    response = client.post(f"/motions/{motion.id}/ballot", data=_ballot_form(motion, "no"), follow_redirects=True)
    assert response.status_code == 200
    ballot = db.session.execute(select(Ballot)).scalar_one()
    assert ballot.choice == "no" and ballot.receipt in response.get_data(as_text=True)


def test_a_bad_choice_is_refused_and_changes_nothing(client):
    scene = make_scene()
    target = voting_round(scene)
    motion = motion_service.motions_of(target)[0]
    sign_in(client, scene.delegates[0])
    response = client.post(f"/motions/{motion.id}/ballot", data=_ballot_form(motion, "perhaps"))
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 0


def test_observers_and_outsiders_have_no_ballot_page(client):
    scene = make_scene()
    target = voting_round(scene)
    motion = motion_service.motions_of(target)[0]
    for user in (make_user("observer"), scene.secretariat, make_user("member", organisation=make_organisation())):
        client.post("/sign-out")
        sign_in(client, user)
        assert client.get(f"/rounds/{target.id}/ballot").status_code == 403
        assert client.post(f"/motions/{motion.id}/ballot", data=_ballot_form(motion, "yes")).status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 0


def test_while_open_the_pages_show_participation_by_region_but_no_choice(client):
    scene = make_scene(weights=("1", "2", "3"), regions=("africa", "africa", "mena"))
    target = voting_round(scene)
    motion = motion_service.motions_of(target)[0]
    ballot_service.cast_ballot(scene.delegates[0], motion.id, "yes")
    db.session.commit()
    sign_in(client, scene.secretariat)
    for url in (f"/rounds/{target.id}/", f"/motions/{motion.id}/result"):
        html = client.get(url).get_data(as_text=True)
        assert "Participation by region" in html and "no ballots yet" in html  # MENA has not voted
        assert "Bulletin" not in html and not re.search(r">\s*Passed\s*<", html)
        assert "<svg" in html and "<table" in html


def test_after_close_the_result_page_has_charts_with_tables_and_the_bulletin(client):
    scene = make_scene(weights=("1", "2", "3"), regions=("africa", "africa", "mena"))
    target = voting_round(scene)
    motion = motion_service.motions_of(target)[0]
    cast = ballot_service.cast_ballot(scene.delegates[0], motion.id, "yes")
    db.session.commit()
    sign_in(client, scene.secretariat)
    assert client.post(f"/rounds/{target.id}/close").status_code == 302
    html = client.get(f"/motions/{motion.id}/result").get_data(as_text=True)
    assert 'role="img"' in html and "By region" in html and "By category" in html
    assert "no participation" in html  # MENA cast nothing
    assert cast.receipt in html and scene.organisations[0].name in html


def test_a_secret_result_page_names_no_organisation(client):
    scene = make_scene()
    target = voting_round(scene, secrecy="secret")
    motion = motion_service.motions_of(target)[0]
    ballot_service.cast_ballot(scene.delegates[0], motion.id, "yes")
    db.session.commit()
    sign_in(client, scene.secretariat)
    client.post(f"/rounds/{target.id}/close")
    html = client.get(f"/motions/{motion.id}/result").get_data(as_text=True)
    assert "Bulletin" in html and scene.organisations[0].name not in html


def test_the_secretariat_schedules_a_secret_voting_round_with_its_settings_in_the_browser(client):
    from datetime import timedelta

    from principles_app.db import utcnow
    from principles_app.models import Round

    scene = make_scene(amendments=0)
    sign_in(client, scene.secretariat)
    closes = (utcnow() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        f"/documents/{scene.document.slug}/rounds/",
        data={
            "kind": "voting",
            "title": "Final vote",
            "closes_at": closes,
            "majority": "three_quarters",
            "quorum": "0.6",
            "secrecy": "secret",
        },
    )
    assert response.status_code == 302
    created = db.session.execute(select(Round).where(Round.title == "Final vote")).scalar_one()
    assert (created.majority, str(created.quorum), created.secrecy) == ("three_quarters", "0.6000", "secret")
    bad = client.post(
        f"/documents/{scene.document.slug}/rounds/",
        data={"kind": "voting", "title": "Bad", "closes_at": closes, "quorum": "2"},
    )
    assert bad.status_code == 422
    assert db.session.execute(select(Round).where(Round.title == "Bad")).first() is None
