"""Threads in the browser, without JavaScript: post, reply, edit, delete, flag, moderate, stay anonymous."""

from __future__ import annotations

import re

import pytest
from flask import current_app
from sqlalchemy import func, select

from principles_app.extensions import db
from principles_app.models import Comment, CommentFlag
from principles_app.services import comments as service
from tests.factories import delete_principle, make_amendment, make_organisation, make_principle, make_user, sign_in


@pytest.fixture(autouse=True)
def _fast_posting(app):
    limit = app.config["COMMENT_RATE_LIMIT"]
    app.config["COMMENT_RATE_LIMIT"] = "10000 per minute"
    yield
    app.config["COMMENT_RATE_LIMIT"] = limit


def signed_in(client, role="member", **kwargs):
    user = make_user(role, **kwargs)
    sign_in(client, user)
    return user


def write(user, target, body="A thought", target_type="principle", **kwargs):
    with current_app.test_request_context("/"):
        comment = service.post_comment(user, target_type=target_type, target_id=target.id, body=body, **kwargs)
        db.session.commit()
    return comment


def comment_count() -> int:
    return db.session.execute(select(func.count()).select_from(Comment)).scalar_one()


def test_public_readers_get_404_for_every_thread_page(client):
    principle = make_principle()
    comment = write(make_user(), principle, "Private deliberation")
    for url in (
        f"/threads/principle/{principle.id}",
        f"/comments/{comment.id}",
        f"/comments/{comment.id}/reply",
        f"/comments/{comment.id}/edit",
        f"/comments/{comment.id}/flag",
        "/moderation/comments",
        "/activity",
        "/threads/principle/999999",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Private deliberation" not in response.get_data(as_text=True)
    assert client.post(f"/threads/principle/{principle.id}", data={"body": "x"}).status_code == 404
    assert comment_count() == 1


def test_an_observer_posts_and_replies_without_javascript(client):
    observer = signed_in(client, "observer")
    principle = make_principle()
    response = client.post(f"/threads/principle/{principle.id}", data={"body": "I *agree*", "stance": "support"})
    assert response.status_code == 302 and "#comment-" in response.headers["Location"]
    root = db.session.execute(select(Comment)).scalar_one()
    reply_form = client.get(f"/comments/{root.id}/reply")
    assert reply_form.status_code == 200 and 'name="body"' in reply_form.get_data(as_text=True)
    assert client.post(f"/comments/{root.id}/reply", data={"body": "Me too"}).status_code == 302
    page = client.get(f"/threads/principle/{principle.id}").get_data(as_text=True)
    assert "<em>agree</em>" in page and "Me too" in page
    assert 'class="badge stance stance-support">Support<' in page
    assert observer.name in page


def test_bad_input_re_renders_the_form_with_the_reason(client):
    signed_in(client)
    principle = make_principle()
    empty = client.post(f"/threads/principle/{principle.id}", data={"body": "  "})
    assert empty.status_code == 422 and "Write something first." in empty.get_data(as_text=True)
    long = client.post(f"/threads/principle/{principle.id}", data={"body": "x" * 10_001})
    assert long.status_code == 422
    stance = client.post(f"/threads/principle/{principle.id}", data={"body": "ok", "stance": "maybe"})
    assert stance.status_code == 422
    other = make_principle()
    parent = write(make_user(), other)
    cross = client.post(f"/threads/principle/{principle.id}", data={"body": "ok", "parent_id": str(parent.id)})
    assert cross.status_code in (400, 422)
    assert comment_count() == 1


def test_commenting_on_a_deleted_principle_is_404(client):
    signed_in(client)
    principle = make_principle()
    delete_principle(principle)
    assert client.post(f"/threads/principle/{principle.id}", data={"body": "ok"}).status_code == 404
    assert client.get(f"/threads/principle/{principle.id}").status_code == 404


def test_deep_replies_continue_on_their_own_page(client):
    user = signed_in(client)
    principle = make_principle()
    parent = None
    chain = []
    for depth in range(10):
        parent = write(user, principle, f"depth {depth}", parent_id=parent.id if parent else None)
        chain.append(parent)
    page = client.get(f"/threads/principle/{principle.id}").get_data(as_text=True)
    assert "depth 5" in page and "depth 6" not in page
    match = re.search(r'href="/comments/(\d+)">Continue this thread \((\d+) more replies\)', page)
    assert match and int(match.group(1)) == chain[5].id and match.group(2) == "4"
    deeper = client.get(f"/comments/{chain[5].id}").get_data(as_text=True)
    assert "depth 6" in deeper and "depth 9" in deeper
    assert f'href="/comments/{chain[4].id}"' in deeper  # the parent link


def test_newest_first_and_stance_counts(client):
    user = signed_in(client)
    principle = make_principle()
    write(user, principle, "older", stance="oppose")
    write(user, principle, "newer", stance="question")
    page = client.get(f"/threads/principle/{principle.id}?sort=newest").get_data(as_text=True)
    assert page.index("newer") < page.index("older")
    assert "Oppose 1" in page and "Question 1" in page and "Support 0" in page


def test_edit_shows_edited_and_only_the_secretariat_sees_earlier_text(client):
    author = signed_in(client)
    principle = make_principle()
    comment = write(author, principle, "First draft of my view")
    assert client.post(f"/comments/{comment.id}/edit", data={"body": "Second view"}).status_code == 302
    page = client.get(f"/threads/principle/{principle.id}").get_data(as_text=True)
    assert "(edited)" in page and "First draft of my view" not in page
    client.post("/sign-out")
    signed_in(client, "secretariat")
    staff_page = client.get(f"/threads/principle/{principle.id}").get_data(as_text=True)
    assert "First draft of my view" in staff_page
    assert client.get(f"/comments/{comment.id}/edit").status_code == 403


def test_delete_leaves_a_placeholder_and_the_replies(client):
    author = signed_in(client)
    principle = make_principle()
    comment = write(author, principle, "Soon gone")
    write(make_user(), principle, "Still here", parent_id=comment.id)
    assert client.get(f"/comments/{comment.id}/delete").status_code == 200
    assert client.post(f"/comments/{comment.id}/delete").status_code == 302
    page = client.get(f"/threads/principle/{principle.id}").get_data(as_text=True)
    assert "Soon gone" not in page and "This comment was deleted." in page and "Still here" in page


def test_flag_and_moderation_queue(client):
    principle = make_principle()
    comment = write(make_user(), principle, "Risky details")
    signed_in(client, "observer")
    assert client.get(f"/comments/{comment.id}/flag").status_code == 403
    client.post("/sign-out")
    signed_in(client)
    refused = client.post(f"/comments/{comment.id}/flag", data={"reason": ""})
    assert refused.status_code == 422
    assert client.post(f"/comments/{comment.id}/flag", data={"reason": "Names a source"}).status_code == 302
    twice = client.post(f"/comments/{comment.id}/flag", data={"reason": "Again"})
    assert twice.status_code in (403, 409)
    assert db.session.execute(select(func.count()).select_from(CommentFlag)).scalar_one() == 1
    assert client.get("/moderation/comments").status_code == 403
    client.post("/sign-out")
    signed_in(client, "secretariat")
    queue = client.get("/moderation/comments").get_data(as_text=True)
    assert "Names a source" in queue and "Risky details" in queue and "1 flag" in queue
    no_reason = client.post(f"/comments/{comment.id}/hide", data={"category": "personal_information", "reason": ""})
    assert no_reason.status_code == 422
    hidden = client.post(
        f"/comments/{comment.id}/hide?next=queue",
        data={"category": "personal_information", "reason": "Exposes a source"},
    )
    assert hidden.status_code == 302
    client.post("/sign-out")
    signed_in(client, "observer")
    page = client.get(f"/threads/principle/{principle.id}").get_data(as_text=True)
    assert "This comment is hidden: exposed personal information." in page
    assert "Risky details" not in page and "Exposes a source" not in page
    client.post("/sign-out")
    signed_in(client, "secretariat")
    assert client.post(f"/comments/{comment.id}/restore").status_code == 302
    assert "Risky details" in client.get(f"/threads/principle/{principle.id}").get_data(as_text=True)


def test_anonymous_comment_html_reveals_nobody_but_to_the_secretariat(client):
    author = make_user(region="africa")
    author.name, author.organisation.name = "Adaeze Hidden-Person", "Quiet Delta Collective"
    make_organisation(region="africa"), make_organisation(region="africa")  # a group to hide in
    db.session.commit()
    principle = make_principle()
    comment = write(author, principle, "We cannot say this openly", anonymous=True)
    reader = signed_in(client, "observer")
    for url in (f"/threads/principle/{principle.id}", f"/comments/{comment.id}", f"/comments/{comment.id}/reply"):
        html = client.get(url).get_data(as_text=True)
        assert "a member organisation from Africa" in html
        for secret in (
            author.name,
            author.email,
            author.organisation.name,
            f"user-{author.id}",
            f'data-user="{author.id}"',
            f"/users/{author.id}",
            "gravatar",
            "avatar",
        ):
            assert secret not in html, (url, secret)
    client.post("/sign-out")
    # The author sees themselves as others see them.
    sign_in(client, author)
    own = client.get(f"/threads/principle/{principle.id}").get_data(as_text=True)
    assert "you, shown anonymously" in own and author.organisation.name not in own
    client.post("/sign-out")
    signed_in(client, "secretariat")
    staff = client.get(f"/threads/principle/{principle.id}").get_data(as_text=True)
    assert author.name in staff and author.organisation.name in staff and "posted anonymously" in staff
    assert reader.name not in staff


def test_activity_page_lists_replies_and_amendment_comments_since_last_visit(client):
    me = signed_in(client)
    amendment = make_amendment(me)
    principle = make_principle()
    mine = write(me, principle, "My view")
    other = make_user("observer")
    write(other, principle, "Replying to you", parent_id=mine.id)
    write(other, amendment, "About your amendment", target_type="amendment")
    first = client.get("/activity").get_data(as_text=True)
    assert "Replying to you" in first and "About your amendment" in first
    assert first.count('class="badge">new<') == 2
    second = client.get("/activity").get_data(as_text=True)
    assert 'class="badge">new<' not in second


def test_thread_pages_for_amendments(client):
    member = signed_in(client)
    amendment = make_amendment(member)
    response = client.post(f"/threads/amendment/{amendment.id}", data={"body": "Good change", "stance": "support"})
    assert response.status_code == 302
    page = client.get(f"/threads/amendment/{amendment.id}").get_data(as_text=True)
    assert "Good change" in page and f'href="/amendments/{amendment.id}"' in page


def test_html_posting_is_rate_limited_with_retry_after(app, client):
    app.config["COMMENT_RATE_LIMIT"] = "1 per minute"
    signed_in(client)
    principle = make_principle()
    assert client.post(f"/threads/principle/{principle.id}", data={"body": "one"}).status_code == 302
    refused = client.post(f"/threads/principle/{principle.id}", data={"body": "two"})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert comment_count() == 1


ROLES = ("anonymous", "observer", "member", "author", "secretariat")
PAGES = {
    # page: expected status per role (GET)
    "thread": {"anonymous": 404, "observer": 200, "member": 200, "author": 200, "secretariat": 200},
    "continue": {"anonymous": 404, "observer": 200, "member": 200, "author": 200, "secretariat": 200},
    "reply": {"anonymous": 404, "observer": 200, "member": 200, "author": 200, "secretariat": 200},
    "edit": {"anonymous": 404, "observer": 403, "member": 403, "author": 200, "secretariat": 403},
    "delete": {"anonymous": 404, "observer": 403, "member": 403, "author": 200, "secretariat": 200},
    "flag": {"anonymous": 404, "observer": 403, "member": 200, "author": 200, "secretariat": 200},
    "hide": {"anonymous": 404, "observer": 403, "member": 403, "author": 403, "secretariat": 200},
    "moderation": {"anonymous": 404, "observer": 403, "member": 403, "author": 403, "secretariat": 200},
    "activity": {"anonymous": 404, "observer": 200, "member": 200, "author": 200, "secretariat": 200},
}


@pytest.mark.parametrize("page", sorted(PAGES))
@pytest.mark.parametrize("role", ROLES)
def test_page_authorisation_matrix(client, page, role):
    author = make_user()
    principle = make_principle()
    comment = write(author, principle)
    if role == "author":
        sign_in(client, author)
    elif role != "anonymous":
        signed_in(client, role)
    urls = {
        "thread": f"/threads/principle/{principle.id}",
        "continue": f"/comments/{comment.id}",
        "reply": f"/comments/{comment.id}/reply",
        "edit": f"/comments/{comment.id}/edit",
        "delete": f"/comments/{comment.id}/delete",
        "flag": f"/comments/{comment.id}/flag",
        "hide": f"/comments/{comment.id}/hide",
        "moderation": "/moderation/comments",
        "activity": "/activity",
    }
    assert client.get(urls[page]).status_code == PAGES[page][role]
