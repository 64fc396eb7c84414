"""Sign-in limits nobody can turn against a delegate: failures from one address never lock the owner out."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from principles_app.db import utcnow
from principles_app.extensions import db
from principles_app.models import NotificationPreference, OutboxMessage, SignInLink
from principles_app.services import auth as auth_service
from principles_app.services import organisations as org_service
from tests.factories import PASSWORD, error_of, make_user

ATTACKER = {"REMOTE_ADDR": "203.0.113.66"}
OWNER = {"REMOTE_ADDR": "198.51.100.7"}
PUBLIC_URL = "https://principles.example.org"


@pytest.fixture(autouse=True)
def _public_url(app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_URL", PUBLIC_URL)


def attack(client, user, times: int = 6) -> None:
    for _ in range(times):
        client.post("/sign-in", data={"email": user.email, "password": "a wrong guess"}, environ_base=ATTACKER)


def link_messages(user) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(
        db.session.execute(
            select(OutboxMessage).where(OutboxMessage.user_id == user.id, OutboxMessage.event == "sign_in_link")
        ).scalars()
    )


def link_path(message: OutboxMessage) -> str:
    url = re.search(r"https?://\S+/sign-in/link/\S+", message.body_text)[0]
    assert url.startswith(PUBLIC_URL + "/sign-in/link/")
    return url[len(PUBLIC_URL) :]


def without_tokens(response) -> str:
    """Return a page without its CSRF tokens, which are signed with the time."""
    return re.sub(r'name="csrf_token"[^>]*>', "", response.get_data(as_text=True))


def signed_in_as(client, user) -> bool:
    return user.name in client.get("/", environ_base=OWNER).get_data(as_text=True)


def test_an_attacker_elsewhere_never_locks_the_owner_out(app, client):
    owner = make_user()
    owner.language, owner.notifications = "fr", NotificationPreference.DIGEST
    db.session.commit()
    attack(client, owner)
    # The owner, at another address, with the right password: not locked out, asked for the e-mailed link.
    page = client.post(
        "/sign-in",
        data={"email": owner.email, "password": PASSWORD},
        environ_base=OWNER,
        headers={"Host": "evil.example"},
    )
    assert page.status_code == 200 and "sign-in link" in page.get_data(as_text=True)
    assert not signed_in_as(client, owner)
    [message] = link_messages(owner)
    # Sent at once in the owner's language, even to someone who reads a daily digest; never on the request's Host.
    assert message.digest is False and message.language == "fr" and "connexion" in message.subject.lower()
    assert "evil.example" not in message.body_text + message.body_html
    path = link_path(message)
    # Opening the link (as a mail scanner would) spends nothing; the button does.
    assert client.get(path, environ_base=OWNER).status_code == 200
    finished = client.post(path, environ_base=OWNER)
    assert finished.status_code == 302
    assert signed_in_as(client, owner)


def test_the_page_reveals_nothing_about_the_password(app, client):
    owner = make_user()
    attack(client, owner)
    wrong = client.post("/sign-in", data={"email": owner.email, "password": "another guess"}, environ_base=ATTACKER)
    right = client.post("/sign-in", data={"email": owner.email, "password": PASSWORD}, environ_base=ATTACKER)
    assert wrong.status_code == right.status_code == 200
    assert without_tokens(wrong) == without_tokens(right)
    assert len(link_messages(owner)) == 1, "only the right password sends a link"


def test_a_link_works_once(app, client):
    owner = make_user()
    attack(client, owner)
    client.post("/sign-in", data={"email": owner.email, "password": PASSWORD}, environ_base=OWNER)
    path = link_path(link_messages(owner)[0])
    assert client.post(path, environ_base=OWNER).status_code == 302
    other = app.test_client()
    again = other.post(path, environ_base=OWNER)
    assert again.status_code == 410 and "has been used or has expired" in again.get_data(as_text=True)
    assert not signed_in_as(other, owner)


def test_a_link_expires_after_its_minutes(app, client, monkeypatch):
    owner = make_user()
    attack(client, owner)
    client.post("/sign-in", data={"email": owner.email, "password": PASSWORD}, environ_base=OWNER)
    path = link_path(link_messages(owner)[0])
    later = utcnow() + timedelta(minutes=app.config["SIGN_IN_LINK_MINUTES"], seconds=1)
    monkeypatch.setattr(auth_service, "utcnow", lambda: later)
    assert client.post(path, environ_base=OWNER).status_code == 410
    assert not signed_in_as(client, owner)


def test_a_link_is_stored_hashed_and_dies_with_a_password_change(app, client):
    owner = make_user()
    attack(client, owner)
    client.post("/sign-in", data={"email": owner.email, "password": PASSWORD}, environ_base=OWNER)
    path = link_path(link_messages(owner)[0])
    token = path.rsplit("/", 1)[1]
    stored = db.session.execute(select(SignInLink.token_hash)).scalar_one()
    assert token not in stored
    org_service.update_user(make_user("secretariat"), db.session.merge(owner), password="a brand new passphrase")
    db.session.commit()
    assert client.post(path, environ_base=OWNER).status_code == 410


def test_an_address_that_failed_too_often_is_refused_but_others_are_not(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "SIGN_IN_ADDRESS_LIMIT", "3 per 15 minutes")
    owner, victims = make_user(), [make_user() for _ in range(3)]
    for victim in victims:  # one failure per account: no account reaches its own limit
        client.post("/sign-in", data={"email": victim.email, "password": "a wrong guess"}, environ_base=ATTACKER)
    refused = client.post("/sign-in", data={"email": owner.email, "password": PASSWORD}, environ_base=ATTACKER)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert (
        client.post("/sign-in", data={"email": owner.email, "password": PASSWORD}, environ_base=OWNER).status_code
        == 302
    )


def test_many_right_passwords_from_one_address_are_never_throttled(app, client):
    users = [make_user() for _ in range(3)]
    for _ in range(10):
        for user in users:
            response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD}, environ_base=OWNER)
            assert response.status_code == 302
            client.post("/sign-out", environ_base=OWNER)


def test_the_api_keeps_answering_429_once_the_account_limit_is_spent(app, client):
    owner = make_user()
    attack(client, owner)
    refused = client.post("/api/v1/auth/token", json={"email": owner.email, "password": PASSWORD}, environ_base=OWNER)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert error_of(refused)["code"] == "rate_limited"
    assert link_messages(owner) == [], "the API sends no link it cannot follow"
    bystander = make_user()
    assert (
        client.post(
            "/api/v1/auth/token", json={"email": bystander.email, "password": PASSWORD}, environ_base=OWNER
        ).status_code
        == 200
    )
