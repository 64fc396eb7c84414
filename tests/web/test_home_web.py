"""The signed-in home page says what needs the user, with deadlines, links and a count in the navigation."""

from __future__ import annotations

from principles_app.extensions import db
from principles_app.services import ballots as ballot_service
from principles_app.services import comments as comment_service
from principles_app.services import motions as motion_service
from principles_app.services import translations as translation_service
from tests.factories import make_document, make_meeting, make_scene, make_user, principle, sign_in, voting_round


def test_a_delegate_sees_the_vote_waiting_with_its_deadline_and_a_link(client):
    scene = make_scene(weights=("1", "2"))
    target = voting_round(scene)
    delegate = scene.delegates[0]
    delegate.time_zone = "Asia/Tokyo"
    db.session.commit()
    sign_in(client, delegate)
    html = client.get("/").get_data(as_text=True)
    assert "What needs you" in html
    assert f'href="/rounds/{target.id}/ballot"' in html
    assert "voting round: 2 motions wait for your organisation's vote" in html
    assert "(Asia/Tokyo), in 23 hours" in html
    assert "(2 things need you)" in html  # the badge on the home link, in words
    for motion in motion_service.motions_of(target):
        ballot_service.cast_ballot(delegate, motion.id, "yes")
    db.session.commit()
    html = client.get("/").get_data(as_text=True)
    assert "Nothing needs you right now." in html and "things need you" not in html


def test_a_reply_shows_once_then_the_home_page_remembers_it_was_seen(client):
    scene = make_scene(weights=("1", "2"), amendments=1)
    author, replier = scene.delegates
    principle_id = scene.amendments[0].principle_id
    mine = comment_service.post_comment(author, target_type="principle", target_id=principle_id, body="Mine.")
    reply = comment_service.post_comment(
        replier, target_type="principle", target_id=principle_id, body="Yours.", parent_id=mine.id
    )
    db.session.commit()
    sign_in(client, author)
    html = client.get("/").get_data(as_text=True)
    assert f'href="/comments/{reply.id}"' in html and "(1 thing needs you)" in html
    db.session.expire_all()
    assert db.session.get(type(author), author.id).home_seen_at is not None
    html = client.get("/").get_data(as_text=True)
    assert f'href="/comments/{reply.id}"' not in html


def test_the_secretariat_sees_its_queues(client):
    scene = make_scene(weights=("1",), amendments=2)
    voting_round(scene)
    sign_in(client, scene.secretariat)
    html = client.get("/").get_data(as_text=True)
    assert "2 amendments have no recommendation yet" in html and "voting round closes soon" in html
    assert 'href="/moderation"' not in html.split("What needs you")[1]  # nothing flagged, so no item


def test_the_home_page_in_arabic_and_for_an_observer(client):
    observer = make_user("observer")
    sign_in(client, observer)
    client.post("/language", data={"language": "ar"})
    html = client.get("/").get_data(as_text=True)
    assert 'dir="rtl"' in html and "ما ينتظرك" in html and "لا شيء ينتظرك الآن." in html


def test_a_translator_sees_out_of_date_translations_in_their_language(client):
    translator = make_user()
    translator.language = "fr"
    document = make_document("translated")
    first = principle(document, 1)
    translation_service.put_translation(translator, first, "fr", "Écouter", "Nous écoutons.")
    first.text = first.text + " Always."
    db.session.commit()
    sign_in(client, translator)
    html = client.get("/").get_data(as_text=True)
    assert 'href="/documents/translated/?text_lang=fr"' in html
    assert "Our charter : 1 traduction n’est plus à jour" in html


def test_a_meeting_ahead_and_invitations_waiting_link_where_the_work_is_done(client):
    from datetime import timedelta

    from principles_app.db import utcnow
    from principles_app.services import invitations as invitation_service

    scene = make_scene(weights=("1",))
    starts = utcnow() + timedelta(days=5)
    meeting = make_meeting(scene, starts, hours=5, title="Berlin General Meeting")
    invitation_service.create_invitation(
        scene.secretariat, email="a@example.org", name="A", role="member", organisation=scene.organisations[0]
    )
    db.session.commit()
    sign_in(client, scene.secretariat)
    html = client.get("/").get_data(as_text=True)
    assert f'href="/meetings/{meeting.id}/"' in html and "General Meeting: Berlin General Meeting" in html
    assert "— starts " in html
    assert 'href="/admin/invitations"' in html and "1 invitation has not been accepted" in html
    sign_in(client, scene.delegates[0])
    html = client.get("/").get_data(as_text=True)
    assert "invitation" not in html and f'href="/meetings/{meeting.id}/"' in html
