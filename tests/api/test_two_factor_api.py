"""The API's token exchange with two-factor sign-in on, and the secretariat's reset."""

from __future__ import annotations

import pytest

from principles_app.services import two_factor
from tests.factories import PASSWORD, auth_header, error_of, make_user, token_for
from tests.two_factor_support import clock_fixture, code, enrol  # noqa: F401  (the clock fixture)


def exchange(client, user, password=PASSWORD, **extra):
    return client.post("/api/v1/auth/token", json={"email": user.email, "password": password, **extra})


def test_with_two_factor_on_the_token_needs_the_code(client, clock):
    user = make_user("member")
    secret, _codes = enrol(user, clock)
    error = error_of(exchange(client, user), 401)
    assert error["code"] == "two_factor_required"
    response = exchange(client, user, code=code(secret, clock.now))
    assert response.status_code == 200
    assert client.get("/api/v1/me", headers=auth_header(response.get_json()["token"])).status_code == 200


def test_a_replayed_or_wrong_code_is_a_401_and_counted(client, clock, app, monkeypatch):
    monkeypatch.setitem(app.config, "TWO_FACTOR_ACCOUNT_LIMIT", "3 per 15 minutes")
    user = make_user("member")
    secret, _codes = enrol(user, clock)
    used = code(secret, clock.now)
    assert exchange(client, user, code=used).status_code == 200
    assert error_of(exchange(client, user, code=used), 401)["code"] == "unauthorised"
    assert error_of(exchange(client, user, code="000000x"), 401)["code"] == "unauthorised"
    assert error_of(exchange(client, user, code="recovery-x"), 401)["code"] == "unauthorised"
    clock.advance()
    limited = exchange(client, user, code=code(secret, clock.now))
    assert error_of(limited, 429) and int(limited.headers["Retry-After"]) > 0


def test_a_recovery_code_gets_one_token(client, clock):
    user = make_user("member")
    _secret, codes = enrol(user, clock)
    assert exchange(client, user, code=codes[0]).status_code == 200
    assert error_of(exchange(client, user, code=codes[0]), 401)["code"] == "unauthorised"


def test_a_wrong_password_says_nothing_about_two_factor(client, clock):
    user = make_user("member")
    enrol(user, clock)
    for email in (user.email, "nobody@example.org"):
        response = client.post("/api/v1/auth/token", json={"email": email, "password": "wrong password here"})
        assert error_of(response, 401)["code"] == "unauthorised"


def test_without_two_factor_the_code_is_not_needed(client):
    user = make_user("member")
    assert exchange(client, user).status_code == 200
    assert exchange(client, user, code="123456").status_code == 200


@pytest.mark.parametrize("bad", [123456, ["123456"], {"a": 1}, "x" * 65, True])
def test_a_code_of_the_wrong_shape_is_a_422(client, clock, bad):
    user = make_user("member")
    enrol(user, clock)
    error = error_of(exchange(client, user, code=bad), 422)
    assert "code" in error["fields"]


def test_the_openapi_document_describes_the_code_and_the_reset(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert "code" in document["components"]["schemas"]["TokenRequest"]["properties"]
    reset = document["paths"]["/api/v1/users/{user_id}/two-factor"]["delete"]
    assert {"204", "401", "403", "404", "409"} <= set(reset["responses"])


def test_the_secretariat_resets_a_second_factor_through_the_api(client, clock):
    secretariat, person = make_user("secretariat"), make_user("member")
    enrol(person, clock)
    headers = auth_header(token_for(secretariat))
    assert client.delete(f"/api/v1/users/{person.id}/two-factor", headers=headers).status_code == 204
    assert not two_factor.is_on(person)
    assert exchange(client, person).status_code == 200  # the password alone again
    assert error_of(client.delete(f"/api/v1/users/{person.id}/two-factor", headers=headers), 409)
    assert error_of(client.delete("/api/v1/users/999999/two-factor", headers=headers), 404)
