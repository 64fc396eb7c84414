"""POST /api/v1/me/password, and the password policy of the secretariat's user creation."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from principles_app.extensions import db
from principles_app.models import OutboxMessage, User
from principles_app.services import auth as auth_service
from tests.factories import PASSWORD, auth_header, error_of, make_organisation, make_user, token_for

NEW = "kettle mango lantern"
URL = "/api/v1/me/password"


def change(client, token, body, **kwargs):
    return client.post(URL, headers=auth_header(token), json=body, **kwargs)


def test_a_member_changes_their_password_and_keeps_only_this_token(client):
    user, bystander = make_user(), make_user()
    token, other = token_for(user), token_for(user)
    bystander_token = token_for(bystander)
    response = change(client, token, {"current_password": PASSWORD, "new_password": NEW})
    assert response.status_code == 204 and response.get_data() == b""
    assert client.get("/api/v1/me", headers=auth_header(token)).status_code == 200
    assert client.get("/api/v1/me", headers=auth_header(other)).status_code == 401
    assert client.get("/api/v1/me", headers=auth_header(bystander_token)).status_code == 200
    old = client.post("/api/v1/auth/token", json={"email": user.email, "password": PASSWORD})
    assert old.status_code == 401
    assert client.post("/api/v1/auth/token", json={"email": user.email, "password": NEW}).status_code == 200
    # Only the caller's own password changed, and the person is told by e-mail.
    assert client.post("/api/v1/auth/token", json={"email": bystander.email, "password": PASSWORD}).status_code == 200
    db.session.expire_all()
    assert db.session.execute(
        select(OutboxMessage.user_id).where(OutboxMessage.event == "password_changed")
    ).scalars().all() == [user.id]


def test_a_wrong_current_password_is_a_422_naming_it_and_counts_as_a_failed_sign_in(client):
    user = make_user()
    token = token_for(user)
    for _ in range(5):
        error = error_of(change(client, token, {"current_password": "not it at all", "new_password": NEW}), 422)
        assert set(error["fields"]) == {"current_password"}
    # The account's limit is spent: the right password is refused too, here and at the token exchange.
    limited = change(client, token, {"current_password": PASSWORD, "new_password": NEW})
    assert error_of(limited, 429) and int(limited.headers["Retry-After"]) > 0
    assert client.post("/api/v1/auth/token", json={"email": user.email, "password": PASSWORD}).status_code == 429
    db.session.expire_all()
    assert auth_service._password_matches(db.session.get(User, user.id), PASSWORD)


@pytest.mark.parametrize(
    "new_password, why",
    [
        ("short", "at least 12 characters"),
        ("password1234", "too easy to guess"),
        ("aaaaaaaaaaaaaaaa", "repeats"),
    ],
)
def test_a_weak_new_password_is_a_422_naming_why_and_changes_nothing(client, new_password, why):
    user = make_user()
    token, other = token_for(user), token_for(user)
    error = error_of(change(client, token, {"current_password": PASSWORD, "new_password": new_password}), 422)
    assert set(error["fields"]) == {"new_password"} and why in error["fields"]["new_password"]
    assert client.get("/api/v1/me", headers=auth_header(other)).status_code == 200
    assert client.post("/api/v1/auth/token", json={"email": user.email, "password": PASSWORD}).status_code == 200


def test_the_reason_comes_in_the_callers_language(client):
    user = make_user()
    user.language = "es"
    db.session.commit()
    error = error_of(
        change(client, token_for(user), {"current_password": PASSWORD, "new_password": "password1234"}), 422
    )
    assert "demasiado fácil de adivinar" in error["fields"]["new_password"]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"current_password": PASSWORD},
        {"new_password": NEW},
        {"current_password": "", "new_password": NEW},
        {"current_password": PASSWORD, "new_password": ""},
        {"current_password": None, "new_password": NEW},
        {"current_password": PASSWORD, "new_password": 123456789012345},
        {"current_password": PASSWORD, "new_password": ["kettle", "mango"]},
        {"current_password": PASSWORD, "new_password": {"a": NEW}},
        {"current_password": PASSWORD, "new_password": "x" * 1025},
        {"current_password": "x" * 1025, "new_password": NEW},
        {"current_password": PASSWORD, "new_password": NEW, "role": "secretariat"},
        [PASSWORD, NEW],
        "kettle mango lantern",
    ],
)
def test_bad_bodies_are_refused_and_change_nothing(client, body):
    user = make_user()
    token = token_for(user)
    response = change(client, token, body)
    assert response.status_code in (400, 422)
    error_of(response)
    assert client.post("/api/v1/auth/token", json={"email": user.email, "password": PASSWORD}).status_code == 200


@pytest.mark.parametrize(
    "kwargs",
    [
        {"data": b"not json", "content_type": "application/json"},
        {"data": "current_password=x&new_password=y", "content_type": "application/x-www-form-urlencoded"},
        {"data": b'{"current_password": ', "content_type": "application/json"},
    ],
)
def test_a_body_that_is_not_json_is_a_400(client, kwargs):
    user = make_user()
    response = client.post(URL, headers=auth_header(token_for(user)), **kwargs)
    assert error_of(response)["code"] and response.status_code in (400, 415, 422)


def test_a_long_password_is_accepted_whole(client):
    user = make_user()
    token = token_for(user)
    long_one = NEW + " " + "q" * 1000
    assert change(client, token, {"current_password": PASSWORD, "new_password": long_one}).status_code == 204
    assert client.post("/api/v1/auth/token", json={"email": user.email, "password": long_one}).status_code == 200
    assert client.post("/api/v1/auth/token", json={"email": user.email, "password": long_one[:-1]}).status_code == 401


def test_without_a_token_it_is_a_401(client):
    error_of(client.post(URL, json={"current_password": PASSWORD, "new_password": NEW}), 401)


@pytest.mark.parametrize("password", ["short pw 9", "password1234"])
def test_the_secretariat_cannot_create_a_user_with_a_weak_password(client, password):
    organisation = make_organisation(category="member")
    token = token_for(make_user("secretariat"))
    response = client.post(
        "/api/v1/users",
        headers=auth_header(token),
        json={
            "email": "weak@example.org",
            "name": "Weak",
            "password": password,
            "role": "member",
            "organisation_id": organisation.id,
        },
    )
    assert set(error_of(response, 422)["fields"]) == {"password"}
    assert (
        db.session.execute(select(func.count()).select_from(User).where(User.email == "weak@example.org")).scalar() == 0
    )


def test_the_openapi_document_lists_the_route(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "422" in paths["/api/v1/me/password"]["post"]["responses"]
