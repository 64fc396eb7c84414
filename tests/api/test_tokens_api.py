"""My API tokens: listed with their names and last use, revoked one by one."""

from __future__ import annotations

from datetime import timedelta

import pytest

from principles_app.db import utcnow
from principles_app.extensions import db
from principles_app.models import ApiToken
from tests.factories import PASSWORD, auth_header, error_of, make_user, token_for


def _token(client, user, **extra):
    response = client.post("/api/v1/auth/token", json={"email": user.email, "password": PASSWORD, **extra})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_tokens_are_listed_with_name_and_last_use_never_the_secret(client):
    user = make_user("member")
    laptop = _token(client, user, name="Laptop script")
    phone = _token(client, user)
    assert laptop["name"] == "Laptop script" and phone["name"] is None
    listed = client.get("/api/v1/me/tokens", headers=auth_header(laptop["token"]))
    assert listed.status_code == 200
    tokens = listed.get_json()["tokens"]
    assert [t["id"] for t in tokens] == [phone["id"], laptop["id"]]
    assert set(tokens[0]) == {"id", "name", "created_at", "last_used_at"}
    assert tokens[1]["name"] == "Laptop script" and tokens[1]["last_used_at"] is not None
    assert tokens[0]["last_used_at"] is None
    assert laptop["token"] not in listed.get_data(as_text=True)


def test_last_use_moves_on_at_most_once_a_minute(client):
    user = make_user("member")
    token = token_for(user)
    client.get("/api/v1/me", headers=auth_header(token))
    row = db.session.query(ApiToken).filter_by(user_id=user.id).one()
    db.session.refresh(row)
    first = row.last_used_at
    assert first is not None
    client.get("/api/v1/me", headers=auth_header(token))
    db.session.refresh(row)
    assert row.last_used_at == first  # within the minute: no write
    row.last_used_at = utcnow() - timedelta(minutes=2)
    db.session.commit()
    client.get("/api/v1/me", headers=auth_header(token))
    db.session.refresh(row)
    assert row.last_used_at > first - timedelta(seconds=1) and row.last_used_at > utcnow() - timedelta(minutes=1)


def test_a_revoked_token_opens_nothing_and_leaves_the_list(client):
    user = make_user("member")
    keep, other = _token(client, user), _token(client, user)
    response = client.delete(f"/api/v1/me/tokens/{other['id']}", headers=auth_header(keep["token"]))
    assert response.status_code == 204
    error_of(client.get("/api/v1/me", headers=auth_header(other["token"])), 401)
    tokens = client.get("/api/v1/me/tokens", headers=auth_header(keep["token"])).get_json()["tokens"]
    assert [t["id"] for t in tokens] == [keep["id"]]
    # Revoking it again names nothing.
    error_of(client.delete(f"/api/v1/me/tokens/{other['id']}", headers=auth_header(keep["token"])), 404)


@pytest.mark.parametrize("token_id", ["0", "99999999", "99999999999999999999", "-1", "x"])
def test_an_unknown_token_is_404(client, token_id):
    user = make_user("member")
    response = client.delete(f"/api/v1/me/tokens/{token_id}", headers=auth_header(token_for(user)))
    error_of(response, 404)


def test_another_persons_token_is_404_and_stays(client):
    mine, theirs = make_user("member"), make_user("secretariat")
    their = _token(client, theirs)
    error_of(client.delete(f"/api/v1/me/tokens/{their['id']}", headers=auth_header(token_for(mine))), 404)
    assert client.get("/api/v1/me", headers=auth_header(their["token"])).status_code == 200


@pytest.mark.parametrize("name", ["", "x" * 101, 5, ["a"]])
def test_a_bad_token_name_is_refused(client, name):
    user = make_user("member")
    response = client.post("/api/v1/auth/token", json={"email": user.email, "password": PASSWORD, "name": name})
    error_of(response, 422)
    assert db.session.query(ApiToken).filter_by(user_id=user.id).count() == 0


def test_a_password_change_revokes_the_other_tokens_in_the_list(client):
    user = make_user("member")
    keep, other = _token(client, user), _token(client, user)
    changed = client.post(
        "/api/v1/me/password",
        json={"current_password": PASSWORD, "new_password": "kettle mango lantern"},
        headers=auth_header(keep["token"]),
    )
    assert changed.status_code == 204
    tokens = client.get("/api/v1/me/tokens", headers=auth_header(keep["token"])).get_json()["tokens"]
    assert [t["id"] for t in tokens] == [keep["id"]] and other["id"] != keep["id"]
