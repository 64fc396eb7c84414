"""The account page's password form, "forgot password" and the e-mailed link to choose a new one, in the browser."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from principles_app.db import utcnow
from principles_app.extensions import db
from principles_app.models import OutboxMessage, PasswordResetLink, User
from principles_app.services import auth as auth_service
from tests.factories import PASSWORD, auth_header, make_user, sign_in, token_for

NEW = "kettle mango lantern"
PUBLIC_URL = "https://principles.example.org"
HERE = {"REMOTE_ADDR": "198.51.100.7"}


@pytest.fixture(autouse=True)
def _public_url(app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_URL", PUBLIC_URL)


def mails(user, event: str) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(
        db.session.execute(
            select(OutboxMessage)
            .where(OutboxMessage.user_id == user.id, OutboxMessage.event == event)
            .order_by(OutboxMessage.id)
        ).scalars()
    )


def reset_path(message: OutboxMessage) -> str:
    url = re.search(r"https?://\S+/reset-password/\S+", message.body_text)[0]
    assert url.startswith(PUBLIC_URL + "/reset-password/")
    return url[len(PUBLIC_URL) :]


def signed_in_as(client, user) -> bool:
    return client.get("/account").status_code == 200 and user.email in client.get("/account").get_data(as_text=True)


def text(response) -> str:
    return re.sub(r'name="csrf_token"[^>]*>', "", response.get_data(as_text=True))


def change(client, current=PASSWORD, new=NEW, **kwargs):
    return client.post("/account/password", data={"current_password": current, "new_password": new}, **kwargs)


# --- changing one's own password -------------------------------------------------------------


def test_the_account_page_has_a_password_form_without_javascript(client):
    user = make_user()
    sign_in(client, user)
    page = client.get("/account").get_data(as_text=True)
    assert 'action="/account/password#password"' in page
    assert 'type="password"' in page and 'name="new_password"' in page and "<script" not in page
    assert 'autocomplete="current-password"' in page and 'autocomplete="new-password"' in page


def test_a_change_keeps_this_browser_and_ends_every_other_session_and_token(app, client):
    user = make_user()
    laptop = app.test_client()
    sign_in(client, user), sign_in(laptop, user)
    token = token_for(user)
    response = change(client)
    assert response.status_code == 302 and response.headers["Location"].endswith("/account")
    page = client.get("/account")
    assert page.status_code == 200 and "Your password is changed" in page.get_data(as_text=True)
    assert laptop.get("/account").status_code == 302
    assert client.get("/api/v1/me", headers=auth_header(token)).status_code == 401
    assert sign_in(app.test_client(), user).status_code == 401  # the old password opens nothing
    assert sign_in(app.test_client(), user, NEW).status_code == 302
    [mail] = mails(user, "password_changed")
    assert PUBLIC_URL + "/forgot-password" in mail.body_text


def test_a_wrong_current_password_is_shown_beside_its_field(client):
    user = make_user()
    user.language = "fr"
    db.session.commit()
    sign_in(client, user)
    response = change(client, current="not my password")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="current_password-error"' in page and "votre mot de passe actuel" in page
    assert NEW not in page and "not my password" not in page  # passwords are never shown again
    assert client.get("/account").status_code == 200
    assert sign_in(client.application.test_client(), user).status_code == 302


def test_wrong_current_passwords_spend_the_sign_in_limit(app, client):
    user = make_user()
    sign_in(client, user)
    for _ in range(5):
        assert change(client, current="not my password", environ_base=HERE).status_code == 422
    limited = change(client, environ_base=HERE)
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    # The account's sign-in limit is spent too: the sign-in page now asks for the e-mailed link (not a 401).
    assert sign_in(app.test_client(), user, NEW).status_code == 200


@pytest.mark.parametrize(
    "new, why",
    [("short one", "at least 12 characters"), ("password1234", "too easy to guess"), ("", "This field is required")],
)
def test_a_weak_new_password_is_refused_saying_why(app, client, new, why):
    user = make_user()
    laptop = app.test_client()
    sign_in(client, user), sign_in(laptop, user)
    response = change(client, new=new)
    assert response.status_code == 422
    assert 'id="new_password-error"' in response.get_data(as_text=True)
    assert why in response.get_data(as_text=True)
    assert laptop.get("/account").status_code == 200
    assert mails(user, "password_changed") == []


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"current_password": PASSWORD},
        {"new_password": NEW},
        {"current_password": "x" * 1025, "new_password": NEW},
        {"current_password": PASSWORD, "new_password": "y" * 1025},
        {"current_password": PASSWORD, "new_password": NEW + "\x00"},
    ],
)
def test_bad_forms_change_nothing(app, client, data):
    user = make_user()
    sign_in(client, user)
    assert client.post("/account/password", data=data).status_code in (400, 422)
    assert sign_in(app.test_client(), user).status_code == 302


def test_the_form_needs_a_signed_in_user(client):
    response = change(client)
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_a_get_of_the_change_address_is_not_allowed(client):
    sign_in(client, make_user())
    assert client.get("/account/password").status_code == 405


# --- forgot password ----------------------------------------------------------------------------


def test_the_sign_in_page_links_to_forgot_password(client):
    assert 'href="/forgot-password"' in client.get("/sign-in").get_data(as_text=True)


def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(app, client):
    user = make_user()
    known = client.post("/forgot-password", data={"email": user.email}, environ_base=HERE)
    unknown = app.test_client().post("/forgot-password", data={"email": "nobody@example.org"}, environ_base=HERE)
    assert known.status_code == unknown.status_code == 200
    assert text(known) == text(unknown) and "If this address has an account" in text(known)
    assert len(mails(user, "password_reset")) == 1
    assert db.session.execute(select(func.count()).select_from(PasswordResetLink)).scalar() == 1


def test_the_link_comes_in_the_persons_language_and_lets_them_choose(app, client):
    user = make_user()
    user.language = "ar"
    laptop = app.test_client()
    sign_in(laptop, user)
    token = token_for(user)
    client.post("/forgot-password", data={"email": user.email.upper()}, environ_base=HERE)
    [mail] = mails(user, "password_reset")
    assert mail.language == "ar" and "كلمة مرور جديدة" in mail.subject
    path = reset_path(mail)
    page = client.get(path)
    assert page.status_code == 200 and page.headers["Referrer-Policy"] == "no-referrer"
    assert 'name="new_password"' in page.get_data(as_text=True)
    saved = client.post(path, data={"new_password": NEW})
    assert saved.status_code == 302 and saved.headers["Location"].endswith("/sign-in")
    # Every session ends on a reset, and every token; the old password opens nothing, the new one does.
    assert laptop.get("/account").status_code == 302
    assert client.get("/api/v1/me", headers=auth_header(token)).status_code == 401
    assert sign_in(app.test_client(), user).status_code == 401
    assert sign_in(app.test_client(), user, NEW).status_code == 302
    assert len(mails(user, "password_changed")) == 1
    # The link works once.
    again = app.test_client().post(path, data={"new_password": "another long passphrase"})
    assert again.status_code == 410 and "has been used or has expired" in again.get_data(as_text=True)
    assert app.test_client().get(path).status_code == 410


def test_a_weak_password_on_the_link_page_is_refused_and_the_link_kept(app, client):
    user = make_user()
    client.post("/forgot-password", data={"email": user.email}, environ_base=HERE)
    path = reset_path(mails(user, "password_reset")[0])
    for weak in ("short", "password1234", ""):
        response = client.post(path, data={"new_password": weak})
        assert response.status_code == 422 and 'id="new_password-error"' in response.get_data(as_text=True)
    assert client.post(path, data={"new_password": NEW}).status_code == 302


def test_an_expired_link_is_410(app, client, monkeypatch):
    user = make_user()
    client.post("/forgot-password", data={"email": user.email}, environ_base=HERE)
    path = reset_path(mails(user, "password_reset")[0])
    later = utcnow() + timedelta(hours=1, seconds=1)
    monkeypatch.setattr(auth_service, "utcnow", lambda: later)
    assert client.get(path).status_code == 410
    assert client.post(path, data={"new_password": NEW}).status_code == 410
    db.session.expire_all()
    assert auth_service._password_matches(db.session.get(User, user.id), PASSWORD)


@pytest.mark.parametrize("token", ["x", "x" * 43, "a" * 200, "%E2%80%AE" * 10])
def test_made_up_links_are_410(client, token):
    assert client.get(f"/reset-password/{token}").status_code == 410
    assert client.post(f"/reset-password/{token}", data={"new_password": NEW}).status_code == 410


@pytest.mark.parametrize("token", ["%00" * 20, "..%2F..%2Fetc%2Fpasswd" * 2])
def test_links_no_route_matches_are_404(client, token):
    assert client.get(f"/reset-password/{token}").status_code == 404


@pytest.mark.parametrize("email", ["", "a" * 300 + "@example.org"])
def test_a_malformed_address_is_a_form_error(client, email):
    response = client.post("/forgot-password", data={"email": email}, environ_base=HERE)
    assert response.status_code == 422 and "If this address has an account" not in response.get_data(as_text=True)
    assert db.session.execute(select(func.count()).select_from(OutboxMessage)).scalar() == 0


def test_an_address_asking_too_often_gets_429_and_others_do_not(app, client):
    user = make_user()
    for index in range(10):
        assert (
            client.post("/forgot-password", data={"email": f"x{index}@example.org"}, environ_base=HERE).status_code
            == 200
        )
    refused = client.post("/forgot-password", data={"email": user.email}, environ_base=HERE)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert "Too many requests" in refused.get_data(as_text=True)
    assert mails(user, "password_reset") == []
    other = app.test_client().post(
        "/forgot-password", data={"email": user.email}, environ_base={"REMOTE_ADDR": "192.0.2.55"}
    )
    assert other.status_code == 200 and len(mails(user, "password_reset")) == 1


def test_an_account_asked_for_too_often_gets_the_same_page_and_no_more_mail(app):
    user = make_user()
    pages = []
    for index in range(5):
        pages.append(
            text(
                app.test_client().post(
                    "/forgot-password", data={"email": user.email}, environ_base={"REMOTE_ADDR": f"192.0.2.{index}"}
                )
            )
        )
    assert len(set(pages)) == 1
    assert len(mails(user, "password_reset")) == 3


# --- the secretariat's user form ----------------------------------------------------------------


def test_the_two_forms_of_the_account_page_have_unique_ids_and_both_carry_csrf(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    user = make_user()
    browser = app.test_client()
    sign_in_page = browser.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', sign_in_page)[1]
    browser.post("/sign-in", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    page = browser.get("/account").get_data(as_text=True)
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    password_token = re.search(r'id="password-csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', page)[1]
    refused = browser.post("/account/password", data={"current_password": PASSWORD, "new_password": NEW})
    assert refused.status_code == 400 and auth_service._password_matches(db.session.merge(user), PASSWORD)
    changed = browser.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": NEW, "csrf_token": password_token},
    )
    assert changed.status_code == 302, changed.get_data(as_text=True)[-3000:]
    assert browser.get("/account").status_code == 200
