"""Every role, anonymous included, against every route of two-factor sign-in and passkeys."""

from __future__ import annotations

import pytest

from principles_app.extensions import db
from principles_app.models import Passkey
from principles_app.services import two_factor
from tests.factories import auth_header, make_user, sign_in, token_for
from tests.two_factor_support import clock_fixture, code, enrol  # noqa: F401  (the clock fixture)

ROLES = ("anonymous", "observer", "member", "secretariat")


def _passkey_of(user) -> Passkey:
    passkey = Passkey(user_id=user.id, name="Laptop", credential_id="AAAA", public_key=b"key", sign_count=0)
    db.session.add(passkey)
    db.session.commit()
    return passkey


def _pages(person_id: int, their_passkey_id: int):
    """(method, path, status by role); anonymous is sent to sign in (302) unless named."""
    signed_in = dict.fromkeys(("observer", "member", "secretariat"))
    return [
        ("GET", "/account/two-factor", {**dict.fromkeys(signed_in, 200)}),
        ("POST", "/account/two-factor/confirm", {**dict.fromkeys(signed_in, 422)}),
        ("POST", "/account/two-factor/recovery-codes", {**dict.fromkeys(signed_in, 409)}),
        ("POST", "/account/two-factor/disable", {**dict.fromkeys(signed_in, 409)}),
        ("POST", f"/admin/users/{person_id}/two-factor/reset", {"observer": 403, "member": 403, "secretariat": 302}),
        ("POST", "/account/passkeys/options", {**dict.fromkeys(signed_in, 409)}),
        ("POST", "/account/passkeys", {**dict.fromkeys(signed_in, 409)}),
        ("POST", f"/account/passkeys/{their_passkey_id}/remove", {**dict.fromkeys(signed_in, 404)}),
        # Before a password, the second step opens nothing, whoever asks.
        ("GET", "/sign-in/second-factor", {"anonymous": 302, **dict.fromkeys(signed_in, 302)}),
        ("POST", "/sign-in/second-factor", {"anonymous": 302, **dict.fromkeys(signed_in, 302)}),
        ("POST", "/sign-in/passkey/options", {"anonymous": 401, **dict.fromkeys(signed_in, 401)}),
        ("POST", "/sign-in/passkey", {"anonymous": 401, **dict.fromkeys(signed_in, 401)}),
    ]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("index", range(12))
def test_two_factor_page_matrix(client, clock, role, index):
    person = make_user("member")
    enrol(person, clock)
    their_passkey_id = _passkey_of(person).id
    method, path, statuses = _pages(person.id, their_passkey_id)[index]
    if role != "anonymous":
        sign_in(client, make_user(role))
    response = client.open(path, method=method, data={} if method == "POST" else None)
    expected = statuses.get(role, 302)
    assert response.status_code == expected, (role, method, path, response.status_code)
    if role == "anonymous" and expected == 302 and "second-factor" not in path:
        assert "/sign-in" in response.headers["Location"]
    # Nothing of the other person changed, unless the secretariat reset them.
    db.session.expire_all()
    assert two_factor.is_on(person) is not (role == "secretariat" and "reset" in path)
    assert (db.session.get(Passkey, their_passkey_id) is not None) is not (role == "secretariat" and "reset" in path)


@pytest.mark.parametrize("role", ROLES)
def test_second_factor_reset_api_matrix(client, clock, role):
    person = make_user("member")
    enrol(person, clock)
    headers = {} if role == "anonymous" else auth_header(token_for(make_user(role)))
    response = client.delete(f"/api/v1/users/{person.id}/two-factor", headers=headers)
    expected = {"anonymous": 401, "observer": 403, "member": 403, "secretariat": 204}[role]
    assert response.status_code == expected
    assert two_factor.is_on(person) is (role != "secretariat")


def test_a_person_removes_their_own_passkey(client, clock):
    user = make_user("member")
    secret, _codes = enrol(user, clock)
    passkey_id = _passkey_of(user).id
    sign_in(client, user)
    client.post("/sign-in/second-factor", data={"code": code(secret, clock.now)})
    assert "Laptop" in client.get("/account/two-factor").get_data(as_text=True)
    response = client.post(f"/account/passkeys/{passkey_id}/remove")
    db.session.expire_all()
    assert response.status_code == 302 and db.session.get(Passkey, passkey_id) is None
    assert client.post(f"/account/passkeys/{passkey_id}/remove").status_code == 404
