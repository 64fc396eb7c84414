"""Passwords a person chooses: the policy, changing one's own, and the e-mailed single-use reset link."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from principles_app.db import utcnow
from principles_app.extensions import db
from principles_app.models import AuditEntry, OutboxMessage, PasswordResetLink
from principles_app.services import auth as auth_service
from principles_app.services.errors import RateLimited, ValidationFailed
from tests.factories import PASSWORD, make_user

NEW = "kettle mango lantern"
HERE = "198.51.100.7"


def messages(user, event: str) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(
        db.session.execute(
            select(OutboxMessage)
            .where(OutboxMessage.user_id == user.id, OutboxMessage.event == event)
            .order_by(OutboxMessage.id)
        ).scalars()
    )


def reset_token(message: OutboxMessage) -> str:
    return re.search(r"/reset-password/(\S+)", message.body_text)[1]


def refusal(call) -> dict:
    with pytest.raises(ValidationFailed) as raised:
        call()
    return raised.value.fields


@pytest.mark.parametrize(
    "password, why",
    [
        ("", "at least 12 characters"),
        ("short pw 11", "at least 12 characters"),
        ("password1234", "common password or word"),
        ("iloveyou2024", "too easy to guess"),
        ("aaaaaaaaaaaaaaaa", "repeats characters"),
        ("abcdefghijklmnop", "sequence"),
        ("asdfghjkl;asdf", "keyboard"),
    ],
)
def test_short_common_and_patterned_passwords_are_refused_saying_why(app, password, why):
    with app.test_request_context():
        weakness = auth_service.password_weakness(password)
    assert weakness is not None and why in weakness


def test_a_password_made_of_ones_own_name_and_address_is_refused(app):
    with app.test_request_context():
        weakness = auth_service.password_weakness(
            "wanjirukamau", user_inputs=("wanjiru.kamau@example.org", "Wanjiru Kamau")
        )
    assert weakness is not None and "your name or e-mail address" in weakness


@pytest.mark.parametrize("password", [NEW, "correct horse battery", "Tr0ub4dor&3xx", "x" * 3 + NEW * 60])
def test_long_uncommon_passwords_are_accepted_without_composition_rules(app, password):
    with app.test_request_context():
        assert auth_service.password_weakness(password) is None


def test_the_reason_is_given_in_the_readers_language(app):
    with app.test_request_context(), force_locale("fr"):
        short = auth_service.password_weakness("court")
        common = auth_service.password_weakness("password1234")
    assert "12" in short and "characters" not in short
    assert "too easy" not in common and "facile à deviner" in common


def test_a_change_needs_the_current_password_and_counts_a_wrong_one(app):
    user = make_user()
    with app.test_request_context():
        fields = refusal(lambda: auth_service.change_password(user, "not my password", NEW, HERE))
        assert set(fields) == {"current_password"}
        db.session.rollback()
        for _ in range(4):
            refusal(lambda: auth_service.change_password(user, "not my password", NEW, HERE))
        # Five failures spend the account's limit: even the right password is refused for now.
        with pytest.raises(RateLimited):
            auth_service.change_password(user, PASSWORD, NEW, HERE)
    db.session.rollback()
    assert auth_service._password_matches(user, PASSWORD)


def test_wrong_changes_count_against_the_sign_in_too(app):
    user = make_user()
    with app.test_request_context():
        for _ in range(5):
            refusal(lambda: auth_service.change_password(user, "not my password", NEW, HERE))
        with pytest.raises(RateLimited):
            auth_service.authenticate(user.email, PASSWORD, "192.0.2.1")


def test_a_weak_new_password_is_refused_and_nothing_changes(app):
    user = make_user()
    epoch = user.session_epoch
    with app.test_request_context():
        fields = refusal(lambda: auth_service.change_password(user, PASSWORD, "password1234", HERE))
    assert set(fields) == {"new_password"}
    db.session.rollback()
    assert auth_service._password_matches(user, PASSWORD) and user.session_epoch == epoch
    assert messages(user, "password_changed") == []


def test_a_change_ends_sessions_revokes_tokens_but_the_callers_and_tells_the_person(app):
    user = make_user()
    user.language = "es"
    kept, _row = auth_service.issue_token(user)
    other, _row2 = auth_service.issue_token(user)
    db.session.commit()
    epoch = user.session_epoch
    with app.test_request_context():
        auth_service.change_password(user, PASSWORD, NEW, HERE, keep_token_id=_row.id)
    db.session.commit()
    assert auth_service._password_matches(user, NEW) and not auth_service._password_matches(user, PASSWORD)
    assert user.session_epoch == epoch + 1
    assert auth_service.user_of_token(kept) is not None and auth_service.user_of_token(other) is None
    [mail] = messages(user, "password_changed")
    assert mail.language == "es" and "contraseña" in mail.subject.lower()
    assert (
        db.session.execute(
            select(AuditEntry.action).where(AuditEntry.object_id == str(user.id)).order_by(AuditEntry.id.desc())
        )
        .scalars()
        .first()
        == "user.password_change"
    )


def test_a_reset_link_is_sent_stored_hashed_and_used_once(app):
    user = make_user()
    user.language = "ar"
    token_string = auth_service.issue_token(user)[0]
    db.session.commit()
    with app.test_request_context():
        auth_service.request_password_reset(" " + user.email.upper(), HERE)
    db.session.commit()
    [mail] = messages(user, "password_reset")
    assert mail.language == "ar"
    token = reset_token(mail)
    [stored] = db.session.execute(select(PasswordResetLink)).scalars()
    assert token not in stored.token_hash and stored.expires_at - utcnow() <= timedelta(hours=1)
    with app.test_request_context():
        assert auth_service.reset_password(token, NEW) == user
    db.session.commit()
    assert auth_service._password_matches(user, NEW)
    assert auth_service.user_of_token(token_string) is None
    assert len(messages(user, "password_changed")) == 1
    with app.test_request_context():
        assert auth_service.reset_password(token, "another long passphrase") is None
    assert auth_service._password_matches(user, NEW)


def test_an_unknown_address_gets_no_mail_and_no_link_but_the_same_work(app, monkeypatch):
    user = make_user()
    drawn, rendered = [], []
    real, render = auth_service._token_digest, auth_service.render_message
    monkeypatch.setattr(auth_service, "_token_digest", lambda token: drawn.append(token) or real(token))
    monkeypatch.setattr(auth_service, "render_message", lambda *args: rendered.append(args[0]) or render(*args))
    with app.test_request_context():
        auth_service.request_password_reset("nobody@example.org", HERE)
    assert len(drawn) == 1 and rendered == ["password_reset"]
    assert db.session.execute(select(func.count()).select_from(PasswordResetLink)).scalar() == 0
    assert db.session.execute(select(func.count()).select_from(OutboxMessage)).scalar() == 0
    # The known address draws and hashes a token too, and renders its message (through the outbox).
    with app.test_request_context():
        auth_service.request_password_reset(user.email, "192.0.2.3")
    assert len(drawn) == 2
    assert db.session.execute(select(func.count()).select_from(PasswordResetLink)).scalar() == 1


def test_a_deactivated_account_gets_no_link(app):
    user = make_user()
    user.active = False
    db.session.commit()
    with app.test_request_context():
        auth_service.request_password_reset(user.email, HERE)
    assert messages(user, "password_reset") == []


def test_a_weak_password_leaves_the_link_unspent(app):
    user = make_user()
    with app.test_request_context():
        auth_service.request_password_reset(user.email, HERE)
        db.session.commit()
        token = reset_token(messages(user, "password_reset")[0])
        assert set(refusal(lambda: auth_service.reset_password(token, "short"))) == {"new_password"}
        db.session.rollback()
        assert auth_service.password_reset_link(token) is not None
        assert auth_service.reset_password(token, NEW) == user


def test_a_link_expires_after_an_hour(app, monkeypatch):
    user = make_user()
    with app.test_request_context():
        auth_service.request_password_reset(user.email, HERE)
        token = reset_token(messages(user, "password_reset")[0])
        later = utcnow() + timedelta(hours=1, seconds=1)
        monkeypatch.setattr(auth_service, "utcnow", lambda: later)
        assert auth_service.password_reset_link(token) is None
        assert auth_service.reset_password(token, NEW) is None
    assert auth_service._password_matches(user, PASSWORD)


def test_a_change_of_password_ends_every_link_still_out(app):
    user = make_user()
    with app.test_request_context():
        auth_service.request_password_reset(user.email, HERE)
        token = reset_token(messages(user, "password_reset")[0])
        auth_service.change_password(user, PASSWORD, NEW, HERE)
        db.session.commit()
        assert auth_service.reset_password(token, "another long passphrase") is None


@pytest.mark.parametrize("token", [None, 42, "", "short", "x" * 101, "a" * 43, "../../etc/passwd" * 3])
def test_tokens_of_every_shape_find_nothing(app, token):
    with app.test_request_context():
        assert auth_service.password_reset_link(token) is None
        assert auth_service.reset_password(token, NEW) is None


def test_an_account_asked_for_too_often_silently_gets_no_more_links(app):
    user = make_user()
    with app.test_request_context():
        for index in range(5):
            auth_service.request_password_reset(user.email, f"192.0.2.{index}")
    assert len(messages(user, "password_reset")) == 3


def test_an_address_that_asks_too_often_is_refused(app):
    with app.test_request_context():
        for index in range(10):
            auth_service.request_password_reset(f"someone{index}@example.org", HERE)
        with pytest.raises(RateLimited) as raised:
            auth_service.request_password_reset("someone@example.org", HERE)
        assert raised.value.retry_after > 0
        auth_service.request_password_reset("someone@example.org", "192.0.2.9")
