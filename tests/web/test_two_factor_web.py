"""Two-factor sign-in in the browser, without JavaScript: enrol, sign in with a code, turn off, the rule of roles."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from principles_app.extensions import db
from principles_app.models import AuditEntry, SignInLink
from principles_app.services import auth as auth_service
from principles_app.services import two_factor
from tests.factories import PASSWORD, auth_header, error_of, make_user, sign_in, token_for
from tests.two_factor_support import clock_fixture, code, enrol  # noqa: F401  (the clock fixture)


def signed_in(client) -> bool:
    response = client.get("/account")
    return response.status_code == 200


def test_enrolment_shows_a_qr_code_and_the_key_and_a_first_code_turns_it_on(client, clock):
    user = make_user("member")
    sign_in(client, user)
    page = client.get("/account/two-factor").get_data(as_text=True)
    assert "<svg" in page and 'role="img"' in page
    secret = re.search(r"data-totp-secret>([A-Z2-7 ]+)<", page)[1].replace(" ", "")
    wrong = client.post("/account/two-factor/confirm", data={"code": "12345"})
    assert wrong.status_code == 422 and "not right" in wrong.get_data(as_text=True)
    done = client.post("/account/two-factor/confirm", data={"code": code(secret, clock.now)})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", done.get_data(as_text=True))
    assert len(codes) == 10
    assert "Two-factor sign-in is on." in client.get("/account/two-factor").get_data(as_text=True)
    assert codes[0] not in client.get("/account/two-factor").get_data(as_text=True)  # shown once


def test_sign_in_asks_for_the_code_after_the_password_and_only_then_signs_in(client, clock):
    user = make_user("member")
    secret, _codes = enrol(user, clock)
    response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD, "next": "/account"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/sign-in/second-factor")
    assert client.get("/account").status_code == 302  # not signed in yet
    page = client.get("/sign-in/second-factor")
    assert page.status_code == 200 and 'autocomplete="one-time-code"' in page.get_data(as_text=True)
    done = client.post("/sign-in/second-factor", data={"code": code(secret, clock.now)})
    assert done.status_code == 302 and done.headers["Location"].endswith("/account")
    assert signed_in(client)


def test_a_wrong_or_replayed_code_is_a_401_on_the_form_and_counted(client, clock, app, monkeypatch):
    monkeypatch.setitem(app.config, "TWO_FACTOR_ACCOUNT_LIMIT", "3 per 15 minutes")
    user = make_user("member")
    secret, _codes = enrol(user, clock)
    used = code(secret, clock.now)
    two_factor.verify_code(user, used, "192.0.2.9")
    db.session.commit()
    sign_in(client, user)
    replayed = client.post("/sign-in/second-factor", data={"code": used})
    assert replayed.status_code == 401 and "already used" in replayed.get_data(as_text=True)
    for _attempt in range(2):
        assert client.post("/sign-in/second-factor", data={"code": "not a code"}).status_code == 401
    clock.advance()
    limited = client.post("/sign-in/second-factor", data={"code": code(secret, clock.now)})
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    assert not signed_in(client)


def test_a_recovery_code_signs_in_once(client, clock):
    user = make_user("member")
    _secret, codes = enrol(user, clock)
    sign_in(client, user)
    assert client.post("/sign-in/second-factor", data={"code": codes[3]}).status_code == 302
    assert signed_in(client)
    client.post("/sign-out")
    sign_in(client, user)
    assert client.post("/sign-in/second-factor", data={"code": codes[3]}).status_code == 401
    assert not signed_in(client)


def test_the_code_page_without_a_password_first_sends_to_sign_in(client):
    response = client.get("/sign-in/second-factor")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    assert client.post("/sign-in/second-factor", data={"code": "123456"}).status_code == 302


def test_the_code_must_follow_the_password_within_ten_minutes(client, clock, monkeypatch):
    from principles_app.web.auth import second_factor

    user = make_user("member")
    secret, _codes = enrol(user, clock)
    sign_in(client, user)
    monkeypatch.setattr(second_factor, "PENDING_SECONDS", -1)
    late = client.post("/sign-in/second-factor", data={"code": code(secret, clock.now)})
    assert late.status_code == 302 and late.headers["Location"].endswith("/sign-in")
    assert not signed_in(client)


def test_an_emailed_sign_in_link_still_asks_for_the_code(client, clock):
    user = make_user("member")
    secret, _codes = enrol(user, clock)
    link = auth_service.send_sign_in_link(user)
    token = "t" * 43
    link.token_hash = auth_service._token_digest(token)
    db.session.commit()
    response = client.post(f"/sign-in/link/{token}")
    assert response.status_code == 302 and response.headers["Location"].endswith("/sign-in/second-factor")
    assert not signed_in(client)
    assert db.session.get(SignInLink, link.id) is not None
    client.post("/sign-in/second-factor", data={"code": code(secret, clock.now)})
    assert signed_in(client)


def test_turning_off_needs_the_current_password(client, clock):
    user = make_user("member")
    secret, _codes = enrol(user, clock)
    sign_in(client, user)
    client.post("/sign-in/second-factor", data={"code": code(secret, clock.now)})
    wrong = client.post("/account/two-factor/disable", data={"current_password": "not it at all"})
    assert wrong.status_code == 422 and "not your current password" in wrong.get_data(as_text=True)
    assert two_factor.is_on(user)
    right = client.post("/account/two-factor/disable", data={"current_password": PASSWORD})
    assert right.status_code == 302 and not two_factor.is_on(user)


def test_new_recovery_codes_are_shown_once(client, clock):
    user = make_user("member")
    secret, old = enrol(user, clock)
    sign_in(client, user)
    client.post("/sign-in/second-factor", data={"code": code(secret, clock.now)})
    page = client.post("/account/two-factor/recovery-codes").get_data(as_text=True)
    new = re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", page)
    assert len(new) == 10 and not set(new) & set(old)


@pytest.fixture
def required(app, monkeypatch):
    monkeypatch.setitem(app.config, "TWO_FACTOR_REQUIRED_ROLES", ("secretariat",))


def test_a_required_role_can_only_enrol_or_sign_out_until_it_is_on(client, clock, required):
    secretariat = make_user("secretariat")
    signed = sign_in(client, secretariat)
    assert signed.status_code == 302
    for path in ("/", "/account", "/admin/users", "/principles/", "/documents/charter/voices"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].endswith("/account/two-factor"), path
    page = client.get("/account/two-factor")
    assert page.status_code == 200 and "Your role requires two-factor sign-in" in page.get_data(as_text=True)
    secret = re.search(r"data-totp-secret>([A-Z2-7 ]+)<", page.get_data(as_text=True))[1].replace(" ", "")
    assert client.post("/admin/organisations/new", data={"name": "X"}).status_code == 302
    client.post("/account/two-factor/confirm", data={"code": code(secret, clock.now)})
    assert client.get("/admin/users").status_code == 200


def test_a_required_role_may_sign_out_before_enrolling(client, required):
    sign_in(client, make_user("secretariat"))
    response = client.post("/sign-out")
    assert response.status_code == 302 and not response.headers["Location"].endswith("/account/two-factor")
    assert client.get("/account").status_code == 302 and "/sign-in" in client.get("/account").headers["Location"]


def test_other_roles_are_not_held_up_by_the_rule(client, required):
    sign_in(client, make_user("member"))
    assert client.get("/account").status_code == 200


def test_the_api_refuses_a_required_role_before_enrolment_with_a_clear_error(client, clock, required):
    secretariat = make_user("secretariat")
    token = token_for(secretariat)
    for method, path in (("GET", "/api/v1/me"), ("GET", "/api/v1/organisations"), ("GET", "/api/v1/openapi.json")):
        error = error_of(client.open(path, method=method, headers=auth_header(token)), 403)
        assert error["code"] == "two_factor_enrolment_required" and "two-factor" in error["message"]
    refused = client.post("/api/v1/auth/token", json={"email": secretariat.email, "password": PASSWORD})
    assert error_of(refused, 403)["code"] == "two_factor_enrolment_required"
    enrol(secretariat, clock)
    assert client.get("/api/v1/me", headers=auth_header(token)).status_code == 200


def test_the_secretariat_resets_a_second_factor_from_the_user_page(client, clock):
    secretariat, person = make_user("secretariat"), make_user("member")
    enrol(person, clock)
    sign_in(client, secretariat)
    page = client.get(f"/admin/users/{person.id}/edit").get_data(as_text=True)
    assert f"/admin/users/{person.id}/two-factor/reset" in page
    response = client.post(f"/admin/users/{person.id}/two-factor/reset")
    assert response.status_code == 302 and not two_factor.is_on(person)
    assert db.session.execute(select(AuditEntry).where(AuditEntry.action == "user.two_factor_reset")).scalar_one()
    assert client.post(f"/admin/users/{person.id}/two-factor/reset").status_code == 409
    assert client.post("/admin/users/999999/two-factor/reset").status_code == 404
