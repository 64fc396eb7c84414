"""The comments API: threads as nested trees, bad input of every shape, anonymity field by field."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from principles_app.extensions import db
from principles_app.models import AuditEntry, Comment, CommentFlag
from tests.factories import (
    auth_header,
    delete_principle,
    error_of,
    make_amendment,
    make_organisation,
    make_principle,
    make_user,
    token_for,
)


@pytest.fixture(autouse=True)
def _fast_posting(app):
    limit = app.config["COMMENT_RATE_LIMIT"]
    app.config["COMMENT_RATE_LIMIT"] = "10000 per minute"
    yield
    app.config["COMMENT_RATE_LIMIT"] = limit


def headers_for(user):
    return auth_header(token_for(user))


def post(client, user, target, body="A thought", **fields):
    payload = {"target_type": fields.pop("target_type", "principle"), "target_id": target.id, "body": body, **fields}
    return client.post("/api/v1/comments", json=payload, headers=headers_for(user))


def snapshot():
    """What a refused request must leave untouched."""
    rows = db.session.execute(select(Comment)).scalars().all()
    db.session.expire_all()
    return (
        sorted((c.id, c.body, c.deleted_at, c.hidden_at, c.edited_at) for c in rows),
        db.session.execute(select(func.count()).select_from(CommentFlag)).scalar_one(),
        db.session.execute(select(func.count()).select_from(AuditEntry)).scalar_one(),
    )


def test_post_reply_and_read_the_thread_as_a_nested_tree(client):
    member, observer = make_user(), make_user("observer")
    principle = make_principle()
    created = post(client, member, principle, "**Support** this", stance="support")
    assert created.status_code == 201, created.get_json()
    root_id = created.get_json()["id"]
    reply = post(client, observer, principle, "Why?", stance="question", parent_id=root_id)
    assert reply.status_code == 201
    thread = client.get(f"/api/v1/threads/principle/{principle.id}", headers=headers_for(observer)).get_json()
    assert thread["counts"] == {"support": 1, "oppose": 0, "question": 1}
    [root] = thread["comments"]
    assert root["body_html"] == "<p><strong>Support</strong> this</p>\n"
    assert root["body"] == "**Support** this"
    assert root["author"]["name"] == member.name
    assert root["replies"][0]["body"] == "Why?" and root["replies"][0]["parent_id"] == root_id


def test_comments_on_amendments_too(client):
    member = make_user()
    amendment = make_amendment(member)
    assert post(client, member, amendment, "Yes", target_type="amendment").status_code == 201
    thread = client.get(f"/api/v1/threads/amendment/{amendment.id}", headers=headers_for(member)).get_json()
    assert thread["total"] == 1


def test_newest_first_sort(client):
    member = make_user()
    principle = make_principle()
    for body in ("one", "two"):
        post(client, member, principle, body)
    thread = client.get(f"/api/v1/threads/principle/{principle.id}?sort=newest", headers=headers_for(member))
    assert [c["body"] for c in thread.get_json()["comments"]] == ["two", "one"]
    bad = client.get(f"/api/v1/threads/principle/{principle.id}?sort=sideways", headers=headers_for(member))
    assert bad.status_code == 422


@pytest.mark.parametrize(
    "payload, status",
    [
        ({"body": ""}, 422),
        ({"body": "   "}, 422),
        ({"body": "x" * 10_001}, 422),
        ({"body": "ok", "stance": "maybe"}, 422),
        ({"body": "ok", "stance": 3}, 422),
        ({"body": "ok", "anonymous": "yes"}, 422),
        ({"body": "ok", "target_type": "document"}, 422),
        ({"body": "ok", "target_id": "1"}, 422),
        ({"body": "ok", "unknown": 1}, 422),
        ({"body": "ok", "parent_id": 987654}, 422),
        ({"body": "ok", "target_id": 987654}, 404),
        ({"body": None}, 422),
        ({"body": "nul \u0000 byte"}, 422),
        ({"body": "ok", "parent_id": 2**70}, 422),
        ({"body": "ok", "parent_id": -1}, 422),
        ({"body": "ok", "target_id": 2**70}, 404),
        ({"body": "ok", "target_id": -5}, 404),
        ({"body": "ok", "stance": None, "anonymous": None}, 422),
    ],
)
def test_bad_comments_are_refused_and_change_nothing(client, payload, status):
    member = make_user()
    principle = make_principle()
    before = snapshot()
    body = {"target_type": "principle", "target_id": principle.id, **payload}
    response = client.post("/api/v1/comments", json=body, headers=headers_for(member))
    assert response.status_code == status, response.get_json()
    error_of(response)
    assert snapshot() == before


@pytest.mark.parametrize(
    "raw, content_type",
    [(b"{not json", "application/json"), (b"[]", "application/json"), (b"body=x", "application/x-www-form-urlencoded")],
)
def test_malformed_bodies_get_400(client, raw, content_type):
    member = make_user()
    response = client.post("/api/v1/comments", data=raw, content_type=content_type, headers=headers_for(member))
    assert response.status_code == 400
    error_of(response)


def test_odd_ids_and_bytes_in_urls_and_bodies_never_give_a_500(client):
    member = make_user()
    comment_id = post(client, member, make_principle()).get_json()["id"]
    headers = headers_for(member)
    for url in (
        "/api/v1/threads/principle/99999999999999999999",
        "/api/v1/threads/principle/0",
        "/api/v1/threads/amendment/-1",
        "/api/v1/threads/%00/1",
    ):
        assert client.get(url, headers=headers).status_code == 404, url
    assert client.patch("/api/v1/comments/99999999999999999999", json={"body": "x"}, headers=headers).status_code == 404
    assert (
        client.post(
            f"/api/v1/comments/{comment_id}/flag", json={"reason": "a\u0000b"}, headers=headers_for(make_user())
        ).status_code
        == 422
    )
    assert client.patch(f"/api/v1/comments/{comment_id}", json={"body": "\u0000"}, headers=headers).status_code == 422


def test_reply_to_a_comment_of_another_thread_is_422(client):
    member = make_user()
    one, other = make_principle(), make_principle()
    parent = post(client, member, one).get_json()["id"]
    response = post(client, member, other, parent_id=parent)
    assert response.status_code == 422
    assert "parent_id" in error_of(response)["fields"]


def test_deleted_target_is_404_for_posting_and_reading(client):
    member = make_user()
    principle = make_principle()
    delete_principle(principle)
    assert post(client, member, principle).status_code == 404
    assert client.get(f"/api/v1/threads/principle/{principle.id}", headers=headers_for(member)).status_code == 404
    assert client.get("/api/v1/threads/document/1", headers=headers_for(member)).status_code == 404


def test_edit_only_by_the_author_and_history_for_the_secretariat(client):
    author, other, staff = make_user(), make_user(), make_user("secretariat")
    principle = make_principle()
    comment_id = post(client, author, principle, "First").get_json()["id"]
    before = snapshot()
    for intruder in (other, staff):
        refused = client.patch(f"/api/v1/comments/{comment_id}", json={"body": "Hijack"}, headers=headers_for(intruder))
        assert refused.status_code == 403
    assert snapshot()[0] == before[0]
    edited = client.patch(
        f"/api/v1/comments/{comment_id}", json={"body": "Second", "stance": "oppose"}, headers=headers_for(author)
    )
    assert edited.status_code == 200 and edited.get_json()["edited"] is True
    assert (
        client.patch(f"/api/v1/comments/{comment_id}", json={"body": ""}, headers=headers_for(author)).status_code
        == 422
    )
    reader = client.get(f"/api/v1/threads/principle/{principle.id}", headers=headers_for(other)).get_json()
    assert reader["comments"][0]["edited"] is True and "history" not in reader["comments"][0]
    staff_view = client.get(f"/api/v1/threads/principle/{principle.id}", headers=headers_for(staff)).get_json()
    assert [h["body"] for h in staff_view["comments"][0]["history"]] == ["First"]


def test_delete_by_author_or_secretariat_leaves_a_tombstone(client):
    author, other, staff = make_user(), make_user(), make_user("secretariat")
    principle = make_principle()
    first = post(client, author, principle, "One").get_json()["id"]
    second = post(client, author, principle, "Two").get_json()["id"]
    post(client, other, principle, "Reply", parent_id=first)
    assert client.delete(f"/api/v1/comments/{first}", headers=headers_for(other)).status_code == 403
    assert client.delete(f"/api/v1/comments/{first}", headers=headers_for(author)).status_code == 204
    assert client.delete(f"/api/v1/comments/{second}", headers=headers_for(staff)).status_code == 204
    thread = client.get(f"/api/v1/threads/principle/{principle.id}", headers=headers_for(other)).get_json()
    tomb = thread["comments"][0]
    assert tomb["deleted"] and tomb["body"] is None and tomb["body_html"] is None and tomb["author"] is None
    assert tomb["replies"][0]["body"] == "Reply"
    assert client.delete("/api/v1/comments/999999", headers=headers_for(author)).status_code == 404


def test_flagging_rules(client):
    author = make_user()
    principle = make_principle()
    comment_id = post(client, author, principle).get_json()["id"]
    flagger = make_user()
    url = f"/api/v1/comments/{comment_id}/flag"
    assert client.post(url, json={"reason": "x"}, headers=headers_for(make_user("observer"))).status_code == 403
    assert client.post(url, json={"reason": "mine"}, headers=headers_for(author)).status_code == 409
    assert client.post(url, json={"reason": ""}, headers=headers_for(flagger)).status_code == 422
    assert client.post(url, json={}, headers=headers_for(flagger)).status_code == 422
    first = client.post(url, json={"reason": "Names a source"}, headers=headers_for(flagger))
    assert first.status_code == 201 and first.get_json()["hidden"] is False
    colleague = make_user(organisation=flagger.organisation)
    again = client.post(url, json={"reason": "Again"}, headers=headers_for(colleague))
    assert again.status_code == 409
    error_of(again)
    for _ in range(2):
        last = client.post(url, json={"reason": "Unsafe"}, headers=headers_for(make_user()))
    assert last.get_json()["hidden"] is True
    thread = client.get(f"/api/v1/threads/principle/{principle.id}", headers=headers_for(flagger)).get_json()
    assert thread["comments"][0]["hidden"] is True
    assert thread["comments"][0]["hidden_reason_category"] == "pending_review"
    assert thread["comments"][0]["body"] is None


def test_hide_and_restore_by_the_secretariat(client):
    staff, member = make_user("secretariat"), make_user()
    principle = make_principle()
    comment_id = post(client, member, principle, "Off").get_json()["id"]
    hide = f"/api/v1/comments/{comment_id}/hide"
    assert client.post(hide, json={"reason": "x"}, headers=headers_for(member)).status_code == 403
    before = snapshot()
    assert client.post(hide, json={}, headers=headers_for(staff)).status_code == 422
    assert client.post(hide, json={"reason": ""}, headers=headers_for(staff)).status_code == 422
    assert (
        client.post(hide, json={"reason": "x", "category": "pending_review"}, headers=headers_for(staff)).status_code
        == 422
    )
    assert snapshot() == before
    hidden = client.post(hide, json={"reason": "Not on topic", "category": "off_topic"}, headers=headers_for(staff))
    assert hidden.status_code == 200 and hidden.get_json()["hidden_reason_category"] == "off_topic"
    reader = client.get(f"/api/v1/threads/principle/{principle.id}", headers=headers_for(member)).get_json()
    node = reader["comments"][0]
    assert node["hidden"] and node["hidden_reason_category"] == "off_topic" and "hidden_reason" not in node
    restore = f"/api/v1/comments/{comment_id}/restore"
    assert client.post(restore, headers=headers_for(member)).status_code == 403
    assert client.post(restore, headers=headers_for(staff)).get_json()["hidden"] is False
    actions = (
        db.session.execute(
            select(AuditEntry.action).where(AuditEntry.object_type == "comment").order_by(AuditEntry.seq)
        )
        .scalars()
        .all()
    )
    assert actions == ["comment.hide", "comment.restore"]


def test_posting_too_fast_gets_429_with_retry_after(app, client):
    app.config["COMMENT_RATE_LIMIT"] = "2 per minute"
    member = make_user()
    principle = make_principle()
    assert [post(client, member, principle).status_code for _ in range(2)] == [201, 201]
    refused = post(client, member, principle)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 1
    assert error_of(refused)["code"] == "rate_limited"


def _walk_keys(node, path=""):
    """Yield (path, key, value) of every key in nested JSON."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield path, key, value
            yield from _walk_keys(value, f"{path}.{key}")
    elif isinstance(node, list):
        for item in node:
            yield from _walk_keys(item, path)


def test_anonymous_comments_reveal_nobody_except_to_the_secretariat(client):
    author = make_user(region="asia_pacific")
    author.name, author.organisation.name = "Ngozi Hidden-Person", "Quiet Coast Reporters"
    make_organisation(region="asia_pacific"), make_organisation(region="asia_pacific")  # a group to hide in
    db.session.commit()
    principle = make_principle()
    created = post(client, author, principle, "We have seen arrests.", anonymous=True)
    comment_id = created.get_json()["id"]
    post(client, make_user(), principle, "Stay safe", parent_id=comment_id)
    secrets = {str(author.id), author.name, author.email, author.organisation.name, str(author.organisation_id)}
    for reader in (make_user(), make_user("observer"), author):
        response = client.get(f"/api/v1/threads/principle/{principle.id}", headers=headers_for(reader))
        thread = response.get_json()
        node = thread["comments"][0]
        assert node["author"] == {
            "display": "a member organisation from Asia-Pacific",
            "region": "asia_pacific",
            "category": "member",
        }
        assert set(node) == {
            "id",
            "parent_id",
            "body",
            "body_html",
            "stance",
            "author",
            "created_at",
            "edited",
            "deleted",
            "hidden",
            "hidden_reason_category",
            "replies",
        }
        text = response.get_data(as_text=True)
        for secret in (author.name, author.email, author.organisation.name):
            assert secret not in text
        assert f'"user_id": {author.id}' not in text.replace('":', '": ')
        # The reply is signed by name; only the anonymous comment itself must say nothing.
        for _path, key, _value in _walk_keys({k: v for k, v in node.items() if k != "replies"}):
            assert key not in {"user_id", "name", "organisation", "organisation_id", "email", "avatar"}, key
        assert secrets.isdisjoint({response.headers.get("ETag", "")})
    # The created response shows nothing about the author either.
    assert set(created.get_json()) >= {"id", "anonymous"} and "author" not in created.get_json()
    staff = client.get(f"/api/v1/threads/principle/{principle.id}", headers=headers_for(make_user("secretariat")))
    author_out = staff.get_json()["comments"][0]["author"]
    assert author_out["user_id"] == author.id and author_out["name"] == author.name
    assert author_out["organisation"] == author.organisation.name


def test_a_named_comment_shows_its_author_to_everyone_signed_in(client):
    author = make_user()
    principle = make_principle()
    post(client, author, principle)
    node = client.get(
        f"/api/v1/threads/principle/{principle.id}", headers=headers_for(make_user("observer"))
    ).get_json()["comments"][0]
    assert node["author"]["user_id"] == author.id and node["author"]["organisation"] == author.organisation.name


# Authorisation matrix: every role (and no token) against every comment route.
ROLES = ("anonymous", "observer", "member", "author", "secretariat")
EXPECTED = {
    # route: status per role
    "post": {"anonymous": 401, "observer": 201, "member": 201, "author": 201, "secretariat": 201},
    "thread": {"anonymous": 401, "observer": 200, "member": 200, "author": 200, "secretariat": 200},
    "edit": {"anonymous": 401, "observer": 403, "member": 403, "author": 200, "secretariat": 403},
    "delete": {"anonymous": 401, "observer": 403, "member": 403, "author": 204, "secretariat": 204},
    "flag": {"anonymous": 401, "observer": 403, "member": 201, "author": 409, "secretariat": 201},
    "hide": {"anonymous": 401, "observer": 403, "member": 403, "author": 403, "secretariat": 200},
    "restore": {"anonymous": 401, "observer": 403, "member": 403, "author": 403, "secretariat": 200},
}


@pytest.mark.parametrize("route", sorted(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_authorisation_matrix(client, route, role):
    author = make_user()
    principle = make_principle()
    comment_id = post(client, author, principle).get_json()["id"]
    user = None if role == "anonymous" else author if role == "author" else make_user(role)
    headers = headers_for(user) if user is not None else {}
    requests = {
        "post": lambda: client.post(
            "/api/v1/comments",
            json={"target_type": "principle", "target_id": principle.id, "body": "hi"},
            headers=headers,
        ),
        "thread": lambda: client.get(f"/api/v1/threads/principle/{principle.id}", headers=headers),
        "edit": lambda: client.patch(f"/api/v1/comments/{comment_id}", json={"body": "new"}, headers=headers),
        "delete": lambda: client.delete(f"/api/v1/comments/{comment_id}", headers=headers),
        "flag": lambda: client.post(f"/api/v1/comments/{comment_id}/flag", json={"reason": "r"}, headers=headers),
        "hide": lambda: client.post(f"/api/v1/comments/{comment_id}/hide", json={"reason": "r"}, headers=headers),
        "restore": lambda: client.post(f"/api/v1/comments/{comment_id}/restore", headers=headers),
    }
    response = requests[route]()
    assert response.status_code == EXPECTED[route][role], (route, role, response.get_data(as_text=True))
    if response.status_code >= 400:
        error_of(response)


def test_the_openapi_document_describes_the_comment_routes(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"post"} <= set(paths["/api/v1/comments"])
    assert {"patch", "delete"} <= set(paths["/api/v1/comments/{comment_id}"])
    assert "get" in paths["/api/v1/threads/{target_type}/{target_id}"]
    for action in ("flag", "hide", "restore"):
        assert "post" in paths[f"/api/v1/comments/{{comment_id}}/{action}"]
    json.dumps(paths)
