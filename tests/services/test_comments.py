"""Threads as readers and moderators notice them: replies, tombstones, flags, anonymity, limits."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from principles_app.extensions import db
from principles_app.models import AuditEntry, Comment, CommentFlag, CommentRevision
from principles_app.services import comments as service
from principles_app.services.errors import Conflict, Forbidden, NotFound, RateLimited, ValidationFailed
from tests.factories import delete_principle, make_amendment, make_organisation, make_principle, make_user


@pytest.fixture(autouse=True)
def _request(app):
    """Services run inside a request: messages are translated for its reader."""
    limit = app.config["COMMENT_RATE_LIMIT"]
    # Tests post fast; the rate-limit test sets its own small limit.
    app.config["COMMENT_RATE_LIMIT"] = "10000 per minute"
    with app.test_request_context("/"):
        yield
    app.config["COMMENT_RATE_LIMIT"] = limit


def post(user, target, body="A thought.", **kwargs):
    comment = service.post_comment(
        user, target_type=kwargs.pop("target_type", "principle"), target_id=target.id, body=body, **kwargs
    )
    db.session.commit()
    return comment


def count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def test_replies_nest_to_any_depth_and_keep_their_shape(app):
    user = make_user("observer")
    principle = make_principle()
    parent = post(user, principle, "Level 0")
    for level in range(1, 25):
        parent = post(user, principle, f"Level {level}", parent_id=parent.id)
    view = service.load_thread("principle", principle.id, user)
    node, depth = view.roots[0], 0
    while node.replies:
        node, depth = node.replies[0], depth + 1
    assert depth == 24 and node.body == "Level 24"
    assert view.roots[0].descendants == 24


def test_threads_sort_oldest_or_newest_first_and_count_stances(app):
    user = make_user()
    principle = make_principle()
    first = post(user, principle, "first", stance="support")
    post(user, principle, "second", stance="question")
    post(user, principle, "third", stance="support")
    hidden = post(user, principle, "fourth", stance="oppose")
    service.hide_comment(make_user("secretariat"), hidden, "Abuse", "abusive")
    db.session.commit()
    oldest = service.load_thread("principle", principle.id, user, sort="oldest")
    newest = service.load_thread("principle", principle.id, user, sort="newest")
    assert [n.body for n in oldest.roots][:3] == ["first", "second", "third"]
    assert newest.roots[-1].id == first.id
    assert oldest.counts == {"support": 2, "oppose": 0, "question": 1}
    assert oldest.total == 3


def test_body_is_rendered_as_safe_markdown(app):
    user = make_user()
    comment = post(user, make_principle(), "*yes* <script>alert(1)</script> [x](javascript:alert(1))")
    assert "<em>yes</em>" in comment.body_html
    assert "<script" not in comment.body_html and "&lt;script&gt;" in comment.body_html
    assert 'href="javascript' not in comment.body_html


@pytest.mark.parametrize("body", ["", "   \n ", "x" * 10_001])
def test_empty_or_too_long_bodies_are_refused_and_nothing_is_stored(app, body):
    user = make_user()
    principle = make_principle()
    with pytest.raises(ValidationFailed):
        post(user, principle, body)
    db.session.rollback()
    assert count(Comment) == 0


def test_a_body_of_exactly_ten_thousand_characters_is_accepted(app):
    assert len(post(make_user(), make_principle(), "x" * 10_000).body) == 10_000


def test_unknown_stance_is_refused(app):
    with pytest.raises(ValidationFailed) as refused:
        post(make_user(), make_principle(), stance="maybe")
    assert "stance" in refused.value.fields


def test_reply_to_a_comment_of_another_thread_is_refused(app):
    user = make_user()
    one, other = make_principle(), make_principle()
    elsewhere = post(user, one)
    with pytest.raises(ValidationFailed) as refused:
        post(user, other, parent_id=elsewhere.id)
    assert "parent_id" in refused.value.fields
    with pytest.raises(ValidationFailed):
        post(user, other, parent_id=999_999)


def test_commenting_on_a_deleted_or_unknown_target_is_not_found(app):
    user = make_user()
    principle = make_principle()
    delete_principle(principle)
    with pytest.raises(NotFound):
        post(user, principle)
    with pytest.raises(NotFound):
        service.post_comment(user, target_type="amendment", target_id=424242, body="hi")
    with pytest.raises(NotFound):
        service.load_thread("principle", principle.id, user)


def test_comments_on_an_amendment(app):
    member = make_user()
    amendment = make_amendment(member)
    post(member, amendment, "On the amendment", target_type="amendment")
    view = service.load_thread("amendment", amendment.id, make_user("observer"))
    assert view.roots[0].body == "On the amendment"
    assert view.target.organisation_id == member.organisation_id


def test_public_readers_never_load_a_thread(app):
    principle = make_principle()
    post(make_user(), principle)
    with pytest.raises(NotFound):
        service.load_thread("principle", principle.id, None)


def test_edit_keeps_history_only_the_secretariat_sees_it(app):
    author = make_user()
    principle = make_principle()
    comment = post(author, principle, "Original")
    service.edit_comment(author, comment, "Improved")
    db.session.commit()
    assert count(CommentRevision) == 1
    reader_view = service.load_thread("principle", principle.id, make_user())
    assert reader_view.roots[0].edited and reader_view.roots[0].history == []
    staff_view = service.load_thread("principle", principle.id, make_user("secretariat"))
    assert [h["body"] for h in staff_view.roots[0].history] == ["Original"]
    assert staff_view.roots[0].body == "Improved"


def test_only_the_author_edits(app):
    comment = post(make_user(), make_principle(), "Mine")
    for other in (make_user(), make_user("secretariat"), make_user("observer")):
        with pytest.raises(Forbidden):
            service.edit_comment(other, comment, "Theirs")
    db.session.rollback()
    assert db.session.get(Comment, comment.id).body == "Mine"


def test_delete_leaves_a_tombstone_and_keeps_replies(app):
    author, replier = make_user(), make_user()
    principle = make_principle()
    comment = post(author, principle, "Regrettable", stance="oppose")
    post(replier, principle, "A reply", parent_id=comment.id)
    service.delete_comment(author, comment)
    db.session.commit()
    root = service.load_thread("principle", principle.id, replier).roots[0]
    assert root.deleted and root.body is None and root.author is None and root.stance is None
    assert root.replies[0].body == "A reply"


def test_the_secretariat_may_delete_others_may_not(app):
    comment = post(make_user(), make_principle())
    with pytest.raises(Forbidden):
        service.delete_comment(make_user(), comment)
    staff = make_user("secretariat")
    service.delete_comment(staff, comment)
    db.session.commit()
    assert comment.is_deleted
    assert db.session.execute(select(AuditEntry).where(AuditEntry.action == "comment.delete")).scalar_one()


def test_flags_one_per_organisation_never_own_and_never_by_observers(app):
    author = make_user()
    comment = post(author, make_principle())
    organisation = make_organisation()
    first, colleague = make_user(organisation=organisation), make_user(organisation=organisation)
    service.flag_comment(first, comment, "Names a journalist")
    db.session.commit()
    with pytest.raises(Conflict):
        service.flag_comment(colleague, comment, "Again")
    db.session.rollback()
    with pytest.raises(Conflict):
        service.flag_comment(author, comment, "My own")
    db.session.rollback()
    with pytest.raises(Forbidden):
        service.flag_comment(make_user("observer"), comment, "Observer")
    db.session.rollback()
    with pytest.raises(ValidationFailed):
        service.flag_comment(make_user(), comment, "   ")
    db.session.rollback()
    assert count(CommentFlag) == 1


def test_flags_from_three_organisations_hide_the_comment_pending_review(app):
    principle = make_principle()
    comment = post(make_user(), principle, "Dangerous detail")
    reply = post(make_user(), principle, "Reply stays", parent_id=comment.id)
    for n in range(3):
        service.flag_comment(make_user(), comment, f"Reason {n}")
        db.session.commit()
        assert comment.is_hidden == (n == 2)
    assert comment.pending_review
    root = service.load_thread("principle", principle.id, make_user()).roots[0]
    assert root.hidden and root.hidden_category == "pending_review" and root.body is None
    assert root.replies[0].id == reply.id
    actions = db.session.execute(select(AuditEntry.action)).scalars().all()
    assert actions.count("comment.flag") == 3 and "comment.hide_pending_review" in actions


def test_threshold_comes_from_configuration(app):
    app.config["COMMENT_FLAG_THRESHOLD"] = 1
    try:
        comment = post(make_user(), make_principle())
        service.flag_comment(make_user(), comment, "One is enough")
        assert comment.is_hidden
    finally:
        app.config["COMMENT_FLAG_THRESHOLD"] = 3


def test_secretariat_hides_with_a_reason_and_restores(app):
    staff = make_user("secretariat")
    principle = make_principle()
    comment = post(make_user(), principle, "Off topic")
    with pytest.raises(ValidationFailed):
        service.hide_comment(staff, comment, "")
    with pytest.raises(ValidationFailed):
        service.hide_comment(staff, comment, "why", "made-up")
    with pytest.raises(Forbidden):
        service.hide_comment(make_user(), comment, "Members cannot")
    db.session.rollback()
    assert not comment.is_hidden
    service.hide_comment(staff, comment, "Not about this principle", "off_topic")
    db.session.commit()
    reader = service.load_thread("principle", principle.id, make_user()).roots[0]
    assert reader.hidden_category == "off_topic" and reader.hidden_reason is None and reader.body is None
    moderator = service.load_thread("principle", principle.id, staff).roots[0]
    assert moderator.hidden_reason == "Not about this principle" and moderator.body == "Off topic"
    service.restore_comment(staff, comment)
    db.session.commit()
    assert not comment.is_hidden
    actions = (
        db.session.execute(
            select(AuditEntry.action).where(AuditEntry.object_type == "comment").order_by(AuditEntry.seq)
        )
        .scalars()
        .all()
    )
    assert actions == ["comment.hide", "comment.restore"]


def test_restoring_dismisses_the_flags_so_they_do_not_hide_it_again(app):
    staff = make_user("secretariat")
    comment = post(make_user(), make_principle())
    for _ in range(3):
        service.flag_comment(make_user(), comment, "flag")
    db.session.commit()
    assert [item.comment.id for item in service.moderation_queue(staff)] == [comment.id]
    service.restore_comment(staff, comment)
    db.session.commit()
    assert service.moderation_queue(staff) == []
    service.flag_comment(make_user(), comment, "a fourth organisation")
    assert not comment.is_hidden


def test_anonymous_authors_are_shown_by_region_and_category_only(app):
    author = make_user(region="mena")
    for region, category in (
        ("mena", "member"),
        ("mena", "member"),
        ("europe_central_asia", "ally"),
        ("europe_central_asia", "donor"),
    ):
        make_organisation(region=region, category=category)  # groups large enough to be named
    principle = make_principle()
    post(author, principle, "Safety first", anonymous=True)
    observer_author = make_user("observer", region="europe_central_asia")
    post(observer_author, principle, "From an ally", anonymous=True)
    reader = service.load_thread("principle", principle.id, make_user()).roots
    assert reader[0].author.display == "a member organisation from Middle East & North Africa"
    assert reader[0].author.user_id is None and reader[0].author.name is None
    assert reader[0].author.organisation is None
    assert reader[1].author.display == "an observer organisation from Europe & Central Asia"
    staff = service.load_thread("principle", principle.id, make_user("secretariat")).roots
    assert staff[0].author.user_id == author.id and staff[0].author.name == author.name


def test_posting_is_rate_limited_per_user(app):
    app.config["COMMENT_RATE_LIMIT"] = "2 per minute"
    user, other = make_user(), make_user()
    principle = make_principle()
    post(user, principle)
    post(user, principle)
    with pytest.raises(RateLimited) as refused:
        post(user, principle)
    assert refused.value.retry_after >= 1
    post(other, principle)


def test_activity_lists_replies_to_me_and_comments_on_my_amendments_since_my_last_visit(app):
    me = make_user()
    amendment = make_amendment(me)
    principle = make_principle()
    mine = post(me, principle, "My point")
    other = make_user("observer")
    post(other, principle, "A reply to you", parent_id=mine.id)
    post(other, amendment, "On your amendment", target_type="amendment")
    post(other, principle, "Unrelated")
    first = service.activity_for(me)
    db.session.commit()
    assert sorted(item.kind for item in first.items) == ["amendment", "reply"]
    assert all(item.is_new for item in first.items)
    second = service.activity_for(me)
    assert not any(item.is_new for item in second.items)


def test_a_thread_loads_with_the_same_number_of_queries_whatever_its_size(app, count_queries):
    staff = make_user("secretariat")
    member = make_user()
    small, large = make_principle(), make_principle()
    for target, size in ((small, 10), (large, 200)):
        parent = None
        for n in range(size):
            comment = service.post_comment(
                member, target_type="principle", target_id=target.id, body=f"c{n}", parent_id=parent, stance="support"
            )
            parent = comment.id if n % 7 else None
            if n % 3 == 0:
                service.edit_comment(member, comment, f"edited {n}")
        db.session.commit()
    counts = {}
    for viewer in (member, staff):
        for target in (small, large):
            db.session.expire_all()
            with count_queries() as counter:
                service.load_thread("principle", target.id, viewer)
            counts[(viewer.role.value, target.id)] = counter.count
    assert counts[("member", small.id)] == counts[("member", large.id)]
    assert counts[("secretariat", small.id)] == counts[("secretariat", large.id)]
