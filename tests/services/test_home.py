"""What needs a member on the home page (SPEC §15): each item appears with its cause and leaves with it."""

from __future__ import annotations

from datetime import timedelta

from principles_app.db import utcnow
from principles_app.extensions import db
from principles_app.services import ballots as ballot_service
from principles_app.services import closing, home
from principles_app.services import comments as comment_service
from principles_app.services import motions as motion_service
from principles_app.services import proxies as proxy_service
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
        assert large.count == counts[user.role] and large.count <= 7


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


def _meeting(scene, starts_in: timedelta, hours: int = 4):
    from principles_app.services import meetings as meeting_service

    starts = utcnow() + starts_in
    return meeting_service.create_meeting(
        scene.secretariat,
        scene.document,
        title="General Meeting 2027",
        starts_at=starts,
        ends_at=starts + timedelta(hours=hours),
        time_zone="Europe/Berlin",
        place="Berlin",
    )


def test_a_meeting_ahead_is_on_everyones_home_until_it_ends_and_asks_for_check_in_while_it_runs():
    from principles_app.services import meetings as meeting_service

    scene = make_scene(weights=("1", "2"))
    meeting = _meeting(scene, timedelta(days=3))
    db.session.commit()
    delegate = scene.delegates[0]
    (item,) = _of(delegate, ItemKind.MEETING)
    assert (item.title, item.deadline, item.status) == ("General Meeting 2027", meeting.starts_at, None)
    assert item.endpoint == "meetings.meeting_page" and item.arguments == {"meeting_id": meeting.id}
    assert _of(scene.secretariat, ItemKind.MEETING) and _of(make_user("observer"), ItemKind.MEETING)
    # Within two hours of the start, a delegate is asked to check in; once checked in the item says so.
    during = meeting.starts_at + timedelta(minutes=30)
    (item,) = [i for i in home.needs(delegate, now=during) if i.kind == ItemKind.MEETING]
    assert item.status == "check_in"
    meeting_service.set_attendance(scene.secretariat, meeting, delegate.organisation_id, "online")
    db.session.commit()
    (item,) = [i for i in home.needs(delegate, now=during) if i.kind == ItemKind.MEETING]
    assert item.status == "checked_in"
    # Over, it leaves.
    after = meeting.ends_at + timedelta(minutes=1)
    assert [i for i in home.needs(delegate, now=after) if i.kind == ItemKind.MEETING] == []


def test_a_proxy_held_waits_for_the_givers_vote_until_the_holder_casts_it():
    from principles_app.services import meetings as meeting_service

    scene = make_scene(weights=("1", "2", "3"))
    meeting = _meeting(scene, timedelta(days=2))
    giver, holder, _third = scene.delegates
    proxy_service.give_proxy(giver, meeting, holder.organisation_id)
    target = voting_round(scene, open_it=False)
    meeting_service.attach_round(scene.secretariat, meeting, target)
    for delegate in scene.delegates:
        meeting_service.set_attendance(scene.secretariat, meeting, delegate.organisation_id, "in_room")
    closing.open_round(scene.secretariat, target)
    db.session.commit()
    (item,) = _of(holder, ItemKind.PROXY_VOTE)
    assert (item.status, item.count, item.deadline) == (giver.organisation.name, 2, target.closes_at)
    assert item.arguments == {"round_id": target.id}
    # The giver's own delegates are not asked to vote on the meeting's motions: their vote is with the holder.
    assert _of(giver, ItemKind.PROXY_VOTE) == [] and _of(giver, ItemKind.VOTE) == []
    motions = [m.id for m in motion_service.motions_of(target)]
    ballot_service.cast_ballot(holder, motions[0], "yes", on_behalf_of=giver.organisation_id)
    db.session.commit()
    assert _of(holder, ItemKind.PROXY_VOTE)[0].count == 1
    ballot_service.cast_ballot(holder, motions[1], "no", on_behalf_of=giver.organisation_id)
    db.session.commit()
    assert _of(holder, ItemKind.PROXY_VOTE) == []
    # The holder's own vote is a separate item.
    assert _of(holder, ItemKind.VOTE)[0].count == 2


def test_invitations_not_accepted_wait_for_the_secretariat_until_accepted_or_cancelled():
    from principles_app.services import invitations as invitation_service

    scene = make_scene(weights=("1",))
    invitation = invitation_service.create_invitation(
        scene.secretariat,
        email="new.person@example.org",
        name="New Person",
        role="member",
        organisation=scene.organisations[0],
    )
    db.session.commit()
    (item,) = _of(scene.secretariat, ItemKind.INVITATIONS)
    assert item.count == 1 and item.endpoint == "admin.invitations"
    assert _of(scene.delegates[0], ItemKind.INVITATIONS) == []
    invitation_service.cancel_invitation(scene.secretariat, invitation)
    db.session.commit()
    assert _of(scene.secretariat, ItemKind.INVITATIONS) == []
