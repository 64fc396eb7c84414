"""Each sign-in is a session the account sees and ends one by one; a new device is told by e-mail."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from principles_app.db import utcnow
from principles_app.extensions import db
from principles_app.models import ApiToken, OutboxMessage, UserSession
from principles_app.services import sessions as session_service
from principles_app.services.sessions import device_label
from tests.factories import PASSWORD, make_user, sign_in, token_for

FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
EDGE_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0"
)


def browser(app, agent: str = FIREFOX_LINUX):
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = agent
    return client


def signed_out(response) -> bool:
    return response.status_code == 302 and "/sign-in" in response.headers["Location"]


def live(user) -> list[UserSession]:
    db.session.expire_all()
    return session_service.live_sessions(user)


def mails(user, event: str) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(
        db.session.execute(
            select(OutboxMessage).where(OutboxMessage.user_id == user.id, OutboxMessage.event == event)
        ).scalars()
    )


@pytest.mark.parametrize(
    ("agent", "label"),
    [
        (FIREFOX_LINUX, "Firefox on Linux"),
        (SAFARI_IPHONE, "Safari on iOS"),
        (EDGE_WINDOWS, "Edge on Windows"),
        ("Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/131.0 Mobile Safari/537.36", "Chrome on Android"),
        ("curl/8.5.0", "Unknown browser on unknown system"),
        ("", "Unknown browser on unknown system"),
        (None, "Unknown browser on unknown system"),
    ],
)
def test_the_device_is_a_browser_and_system_label(agent, label):
    assert device_label(agent) == label


def test_the_sessions_page_lists_each_browser_and_marks_this_one(app):
    user = make_user()
    laptop, phone = browser(app), browser(app, SAFARI_IPHONE)
    sign_in(laptop, user)
    sign_in(phone, user)
    page = laptop.get("/account/sessions")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Firefox on Linux" in html and "Safari on iOS" in html
    assert html.count("This session") == 1
    assert html.index("This session") > html.index("Firefox on Linux")
    rows = db.session.execute(select(UserSession).where(UserSession.user_id == user.id)).scalars().all()
    assert len(rows) == 2 and all(len(row.key_hash) == 64 for row in rows)
    # No address is kept anywhere in the record.
    assert all("127.0.0.1" not in str(vars(row)) for row in rows)


def test_ending_the_other_session_signs_that_browser_out_at_its_next_request(app):
    user = make_user()
    laptop, phone = browser(app), browser(app, SAFARI_IPHONE)
    sign_in(laptop, user)
    sign_in(phone, user)
    assert phone.get("/account").status_code == 200
    other = next(s for s in live(user) if s.device == "Safari on iOS")
    response = laptop.post(f"/account/sessions/{other.id}/end")
    assert response.status_code == 302 and response.headers["Location"].endswith("/account/sessions")
    assert signed_out(phone.get("/account"))
    assert laptop.get("/account").status_code == 200
    assert [s.device for s in live(user)] == ["Firefox on Linux"]


def test_ending_every_other_session_keeps_this_one(app):
    user = make_user()
    laptop, phone, tablet = browser(app), browser(app, SAFARI_IPHONE), browser(app, EDGE_WINDOWS)
    for client in (laptop, phone, tablet):
        sign_in(client, user)
    assert laptop.post("/account/sessions/end-others").status_code == 302
    assert signed_out(phone.get("/account")) and signed_out(tablet.get("/account"))
    assert laptop.get("/account").status_code == 200
    assert len(live(user)) == 1


def test_signing_out_ends_only_this_session(app):
    user = make_user()
    laptop, phone = browser(app), browser(app, SAFARI_IPHONE)
    sign_in(laptop, user)
    sign_in(phone, user)
    laptop.post("/sign-out")
    assert signed_out(laptop.get("/account"))
    assert phone.get("/account").status_code == 200
    assert [s.device for s in live(user)] == ["Safari on iOS"]


@pytest.mark.parametrize("whose", ["another person's", "unknown", "ended"])
def test_another_persons_unknown_or_ended_session_is_404(app, whose):
    user, stranger = make_user(), make_user()
    mine, theirs = browser(app), browser(app, SAFARI_IPHONE)
    sign_in(mine, user)
    sign_in(theirs, stranger)
    their_session = live(stranger)[0]
    target = {"another person's": their_session.id, "unknown": 99999999, "ended": None}[whose]
    if target is None:
        extra = browser(app, EDGE_WINDOWS)
        sign_in(extra, user)
        ended = next(s for s in live(user) if s.device == "Edge on Windows")
        mine.post(f"/account/sessions/{ended.id}/end")
        target = ended.id
    assert mine.post(f"/account/sessions/{target}/end").status_code == 404
    assert theirs.get("/account").status_code == 200


def test_a_changed_password_ends_the_other_sessions_and_keeps_this_one(app):
    user = make_user()
    laptop, phone = browser(app), browser(app, SAFARI_IPHONE)
    sign_in(laptop, user)
    sign_in(phone, user)
    changed = laptop.post(
        "/account/password", data={"current_password": PASSWORD, "new_password": "kettle mango lantern"}
    )
    assert changed.status_code == 302
    assert signed_out(phone.get("/account"))
    assert laptop.get("/account").status_code == 200
    assert [s.device for s in live(user)] == ["Firefox on Linux"]


def test_last_seen_moves_on_at_most_once_a_minute(app):
    user = make_user()
    laptop = browser(app)
    sign_in(laptop, user)
    row = live(user)[0]
    first = row.last_seen_at
    laptop.get("/account")
    assert live(user)[0].last_seen_at == first  # within the minute: no write
    row = live(user)[0]
    row.last_seen_at = row.created_at = utcnow() - timedelta(hours=3)
    db.session.commit()
    laptop.get("/account")
    assert live(user)[0].last_seen_at > utcnow() - timedelta(minutes=1)


def test_a_new_device_is_told_by_email_in_the_persons_language(app):
    user = make_user()
    user.language = "fr"
    db.session.commit()
    sign_in(browser(app), user)  # the account's first sign-in: nothing to compare with, no e-mail
    sign_in(browser(app), user)  # the same browser and system again
    assert mails(user, "new_device") == []
    sign_in(browser(app, SAFARI_IPHONE), user)
    (message,) = mails(user, "new_device")
    assert message.language == "fr" and "Safari on iOS" in message.body_text
    assert "connexion" in message.subject.lower()
    assert re.search(r"/account/sessions\b", message.body_text)


def test_erasing_ends_every_session_and_deletes_every_token(app):
    user = make_user()
    laptop = browser(app)
    sign_in(laptop, user)
    token_for(user)
    session_service.erase_sessions_and_tokens(user)
    db.session.commit()
    assert signed_out(laptop.get("/account"))
    assert db.session.execute(select(ApiToken).where(ApiToken.user_id == user.id)).first() is None
    assert db.session.execute(select(UserSession).where(UserSession.user_id == user.id)).first() is None


def test_api_tokens_are_shown_and_revoked_on_the_account_page(app):
    user = make_user()
    laptop = browser(app)
    sign_in(laptop, user)
    token_for(user)
    row = db.session.execute(select(ApiToken).where(ApiToken.user_id == user.id)).scalar_one()
    page = laptop.get("/account").get_data(as_text=True)
    assert f"/account/tokens/{row.id}/revoke" in page and "Never used" in page
    assert laptop.post(f"/account/tokens/{row.id}/revoke").status_code == 302
    db.session.expire_all()
    assert db.session.get(ApiToken, row.id).revoked_at is not None
    assert laptop.post(f"/account/tokens/{row.id}/revoke").status_code == 404


@pytest.mark.parametrize("role", ["anonymous", "observer", "member", "secretariat"])
def test_session_and_token_pages_matrix(app, role):
    """Every signed-in role manages its own sessions and tokens; an anonymous visitor is sent to sign in."""
    client = browser(app)
    if role != "anonymous":
        sign_in(client, make_user(role))
    responses = [
        client.get("/account/sessions"),
        client.post("/account/sessions/end-others"),
        client.post("/account/sessions/99999999/end"),
        client.post("/account/tokens/99999999/revoke"),
    ]
    if role == "anonymous":
        assert all(signed_out(r) for r in responses)
    else:
        assert [r.status_code for r in responses] == [200, 302, 404, 404]
