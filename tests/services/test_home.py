"""What needs a member on the home page (SPEC §15): each item appears with its cause and leaves with it."""

from __future__ import annotations

from datetime import timedelta

from principles_app.db import utcnow
from principles_app.extensions import db
from principles_app.services import ballots as ballot_service
from principles_app.services import closing, home
from principles_app.services import comments as comment_service
from principles_app.services import motions as motion_service
from principles_app.services import recommendations as recommendation_service
from principles_app.services import rounds as round_service
from principles_app.services import translations as translation_service
from principles_app.services.home import ItemKind
from tests.factories import make_document, make_scene, make_user, principle, voting_round


def _round_elsewhere(slug: str, hours: int):
    """An open amendments round on another document (one open round per document)."""
    target = round_service.create_round(
        None, make_document(slug), "amendments", slug, utcnow() + timedelta(hours=hours)
    )
    closing.open_round(None, target)
    db.session.commit()
    return target


def _of(user, kind):
    return [item for item in home.needs(user) if item.kind == kind]


def test_an_open_round_waits_for_the_organisations_vote_until_it_is_cast():
    scene = make_scene(weights=("1", "2"))
    target = voting_round(scene)
    delegate = scene.delegates[0]
    (item,) = _of(delegate, ItemKind.VOTE)
    assert item.count == 2 and item.deadline == target.closes_at and item.endpoint == "voting.ballot_page"
    assert item.arguments == {"round_id": target.id}
    motions = [m.id for m in motion_service.motions_of(target)]
    ballot_service.cast_ballot(delegate, motions[0], "yes")
    db.session.commit()
    assert _of(delegate, ItemKind.VOTE)[0].count == 1
    ballot_service.cast_ballot(delegate, motions[1], "no")
    db.session.commit()
    assert _of(delegate, ItemKind.VOTE) == []
    # Observers and the secretariat do not vote.
    assert _of(scene.secretariat, ItemKind.VOTE) == [] and _of(make_user("observer"), ItemKind.VOTE) == []


def test_a_closed_round_asks_for_no_vote():
    scene = make_scene(weights=("1",))
    target = voting_round(scene)
    closing.close_round(None, target)
    db.session.commit()
    assert _of(scene.delegates[0], ItemKind.VOTE) == []


def test_the_secretariat_sees_rounds_due_within_48_hours():
    scene = make_scene(weights=("1",))
    target = voting_round(scene)
    (item,) = _of(scene.secretariat, ItemKind.ROUND_DUE)
    assert item.arguments == {"round_id": target.id}
    earlier = home.needs(scene.secretariat, now=utcnow() - timedelta(days=3))
    assert earlier and ItemKind.ROUND_DUE not in [i.kind for i in earlier]
    assert _of(scene.delegates[0], ItemKind.ROUND_DUE) == []


def test_a_reply_is_news_until_the_home_page_is_seen():
    scene = make_scene(weights=("1", "2"), amendments=1)
    author, replier = scene.delegates
    principle_id = scene.amendments[0].principle_id
    mine = comment_service.post_comment(author, target_type="principle", target_id=principle_id, body="My view.")
    db.session.commit()
    home.mark_seen(author, utcnow() - timedelta(seconds=1))
    db.session.commit()
    assert _of(author, ItemKind.REPLY) == []
    reply = comment_service.post_comment(
        replier, target_type="principle", target_id=principle_id, body="I disagree.", parent_id=mine.id
    )
    db.session.commit()
    (item,) = _of(author, ItemKind.REPLY)
    assert item.arguments == {"comment_id": reply.id} and item.endpoint == "comments.continue_thread"
    assert _of(replier, ItemKind.REPLY) == []  # one's own reply is no news
    home.mark_seen(author)
    db.session.commit()
    assert _of(author, ItemKind.REPLY) == []


def test_a_recommendation_is_news_to_the_proposing_organisation_and_leaves_the_secretariats_list():
    scene = make_scene(weights=("1", "2"), amendments=2)
    proposer = scene.delegates[0]
    amendment = scene.amendments[0]
    home.mark_seen(proposer)
    db.session.commit()
    (unrecommended,) = _of(scene.secretariat, ItemKind.UNRECOMMENDED)
    assert unrecommended.count == 2
    assert _of(proposer, ItemKind.AMENDMENT_NEWS) == []
    recommendation_service.recommend(scene.secretariat, amendment, "accept", "It reads better.")
    db.session.commit()
    (news,) = _of(proposer, ItemKind.AMENDMENT_NEWS)
    assert news.status == "recommended" and news.arguments == {"amendment_id": amendment.id}
    assert _of(scene.delegates[1], ItemKind.AMENDMENT_NEWS) == []
    assert _of(scene.secretariat, ItemKind.UNRECOMMENDED)[0].count == 1
    home.mark_seen(proposer)
    db.session.commit()
    assert _of(proposer, ItemKind.AMENDMENT_NEWS) == []


def test_flagged_comments_wait_for_the_secretariat_until_handled():
    scene = make_scene(weights=("1", "2"), amendments=1)
    author, flagger = scene.delegates
    comment = comment_service.post_comment(
        author, target_type="principle", target_id=scene.amendments[0].principle_id, body="Rude words."
    )
    db.session.commit()
    assert _of(scene.secretariat, ItemKind.FLAGGED) == []
    comment_service.flag_comment(flagger, comment, "Not respectful.")
    db.session.commit()
    (item,) = _of(scene.secretariat, ItemKind.FLAGGED)
    assert item.count == 1 and item.endpoint == "comments.moderation"
    assert _of(flagger, ItemKind.FLAGGED) == []
    comment_service.hide_comment(scene.secretariat, comment, "Not respectful.")
    db.session.commit()
    assert _of(scene.secretariat, ItemKind.FLAGGED) == []


def test_items_with_a_deadline_come_first_soonest_first():
    scene = make_scene(weights=("1",))
    later = voting_round(scene)
    sooner = _round_elsewhere("other", 2)
    items = home.needs(scene.secretariat)
    assert [i.arguments for i in items[:2]] == [{"round_id": sooner.id}, {"round_id": later.id}]
    assert [i.kind for i in items[2:]] == [ItemKind.UNRECOMMENDED]
    assert all(i.deadline is None for i in items[2:])


def test_the_list_costs_a_constant_number_of_queries(count_queries):
    scene = make_scene(weights=("1", "2", "3"), amendments=3)
    voting_round(scene)
    counts = {}
    for user in (scene.secretariat, scene.delegates[0]):
        db.session.expire_all()
        user = db.session.get(type(user), user.id)
        with count_queries() as small:
            home.needs(user)
        counts[user.role] = small.count
    # More rounds, motions, replies and flags cost no more queries.
    _round_elsewhere("second", 3)
    _round_elsewhere("third", 4)
    for i in range(3):
        comment = comment_service.post_comment(
            scene.delegates[1], target_type="principle", target_id=scene.amendments[0].principle_id, body=f"Point {i}."
        )
        comment_service.post_comment(
            scene.delegates[0],
            target_type="principle",
            target_id=scene.amendments[0].principle_id,
            body=f"Reply {i}.",
            parent_id=comment.id,
        )
        comment_service.flag_comment(scene.delegates[2], comment, "Off topic.")
    db.session.commit()
    for user in (scene.secretariat, scene.delegates[0], scene.delegates[1]):
        db.session.expire_all()
        user = db.session.get(type(user), user.id)
        with count_queries() as large:
            assert home.needs(user)
        assert large.count == counts[user.role] and large.count <= 5


def test_an_open_consultation_asks_for_key_points_until_it_closes():
    member = make_user()
    document = make_document("consulted")
    target = round_service.create_round(None, document, "consultation", "Key points", utcnow() + timedelta(days=5))
    closing.open_round(None, target)
    db.session.commit()
    (item,) = _of(member, ItemKind.CONSULTATION)
    assert item.arguments == {"slug": "consulted"} and item.deadline == target.closes_at
    assert item.endpoint == "points.consultation"
    closing.close_round(None, target)
    db.session.commit()
    assert _of(member, ItemKind.CONSULTATION) == []


def test_a_translation_in_the_users_language_is_out_of_date_when_the_text_changes():
    translator = make_user()
    translator.language = "fr"
    spanish_reader = make_user()
    spanish_reader.language = "es"
    document = make_document("translated")
    first = principle(document, 1)
    translation_service.put_translation(translator, first, "fr", "Écouter", "Nous écoutons.")
    db.session.commit()
    assert _of(translator, ItemKind.TRANSLATIONS) == []
    first.text = first.text + " Always."
    db.session.commit()
    (item,) = _of(translator, ItemKind.TRANSLATIONS)
    assert item.count == 1 and item.arguments == {"slug": "translated", "text_lang": "fr"}
    assert _of(spanish_reader, ItemKind.TRANSLATIONS) == []  # another language
    translation_service.put_translation(
        translator, first, "fr", "Écouter", "Nous écoutons. Toujours.", confirm_stale=True
    )
    db.session.commit()
    assert _of(translator, ItemKind.TRANSLATIONS) == []
