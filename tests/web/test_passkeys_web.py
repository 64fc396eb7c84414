"""Passkey endpoints against bad input of every shape: a clear 4xx, nothing kept, never a 500.

The ceremony itself, with a real (virtual) authenticator, is the browser journey in
tests/e2e/test_two_factor_journey.py.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from principles_app.extensions import db
from principles_app.models import Passkey
from tests.factories import make_user, sign_in
from tests.two_factor_support import clock_fixture, code, enrol  # noqa: F401  (the clock fixture)

BAD_CREDENTIALS = [
    None,
    "",
    "not json",
    "{}",
    [],
    42,
    {},
    {"id": "AAAA", "rawId": "AAAA", "type": "public-key", "response": {}},
    {"id": "AAAA", "rawId": "AAAA", "type": "public-key", "response": {"clientDataJSON": "!!", "attestationObject": 1}},
    {"rawId": ["x"]},
    {"rawId": "\x00"},
    {"rawId": "A" * 5000},
    "x" * 70000,
]


def passkeys_of(user) -> int:
    return db.session.execute(select(func.count()).where(Passkey.user_id == user.id)).scalar_one()


@pytest.fixture
def enrolled(client, clock):
    user = make_user("member")
    secret, _codes = enrol(user, clock)
    sign_in(client, user)
    assert client.post("/sign-in/second-factor", data={"code": code(secret, clock.now)}).status_code == 302
    return user


def test_registration_needs_the_app_first(client):
    sign_in(client, make_user("member"))
    response = client.post("/account/passkeys/options", json={})
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "conflict"


def test_registration_options_name_the_site_and_leave_out_passkeys_already_there(client, enrolled):
    db.session.add(Passkey(user_id=enrolled.id, name="Old", credential_id="AQID", public_key=b"k", sign_count=0))
    db.session.commit()
    options = client.post("/account/passkeys/options", json={}).get_json()
    assert options["rp"]["id"] == "localhost" and options["challenge"]
    assert [item["id"] for item in options["excludeCredentials"]] == ["AQID"]


@pytest.mark.parametrize("credential", BAD_CREDENTIALS)
def test_a_bad_registration_is_a_422_and_keeps_nothing(client, enrolled, credential):
    client.post("/account/passkeys/options", json={})
    response = client.post("/account/passkeys", json={"name": "Laptop", "credential": credential})
    assert response.status_code == 422, response.get_json()
    assert "credential" in response.get_json()["error"]["fields"]
    assert passkeys_of(enrolled) == 0


@pytest.mark.parametrize("name", [None, "", "   ", "x" * 101, 7, ["Laptop"]])
def test_a_passkey_needs_a_name(client, enrolled, name):
    client.post("/account/passkeys/options", json={})
    response = client.post("/account/passkeys", json={"name": name, "credential": {}})
    assert response.status_code == 422 and "name" in response.get_json()["error"]["fields"]


@pytest.mark.parametrize("body", [None, "[]", "not json", '{"credential": 1}'])
def test_a_registration_without_options_first_or_of_any_shape_is_a_422(client, enrolled, body):
    response = client.post("/account/passkeys", data=body, content_type="application/json")
    assert response.status_code == 422


def test_signing_in_with_a_passkey_needs_the_password_first(client):
    assert client.post("/sign-in/passkey/options", json={}).status_code == 401
    assert client.post("/sign-in/passkey", json={"credential": {}}).status_code == 401


@pytest.mark.parametrize("credential", BAD_CREDENTIALS)
def test_a_bad_passkey_at_sign_in_is_a_401_and_signs_nobody_in(client, clock, credential):
    user = make_user("member")
    enrol(user, clock)
    db.session.add(Passkey(user_id=user.id, name="Laptop", credential_id="AAAA", public_key=b"k", sign_count=0))
    db.session.commit()
    sign_in(client, user)
    options = client.post("/sign-in/passkey/options", json={}).get_json()
    assert [item["id"] for item in options["allowCredentials"]] == ["AAAA"]
    response = client.post("/sign-in/passkey", json={"credential": credential})
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "unauthorised"
    assert client.get("/account").status_code == 302


def test_bad_passkeys_are_counted_like_wrong_codes(client, clock, app, monkeypatch):
    monkeypatch.setitem(app.config, "TWO_FACTOR_ACCOUNT_LIMIT", "2 per 15 minutes")
    user = make_user("member")
    secret, _codes = enrol(user, clock)
    sign_in(client, user)
    for _attempt in range(2):
        client.post("/sign-in/passkey/options", json={})
        assert client.post("/sign-in/passkey", json={"credential": {"rawId": "AAAA"}}).status_code == 401
    limited = client.post("/sign-in/passkey", json={"credential": {"rawId": "AAAA"}})
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    assert client.post("/sign-in/second-factor", data={"code": code(secret, clock.now)}).status_code == 429
