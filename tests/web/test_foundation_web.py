"""Sign-in, the secretariat's pages, language switching and security headers in the browser."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from principles_app import create_app
from principles_app.extensions import db
from principles_app.models import AuditEntry, Invitation, Organisation, User, UserSession
from principles_app.services import auth as auth_service
from tests.conftest import TEST_CONFIG
from tests.factories import PASSWORD, make_organisation, make_user, sign_in


def test_sign_in_and_out(client):
    user = make_user()
    response = sign_in(client, user)
    assert response.status_code == 302
    home = client.get("/")
    assert user.name in home.get_data(as_text=True)
    client.post("/sign-out")
    assert user.name not in client.get("/").get_data(as_text=True)


def test_signing_in_starts_a_fresh_session_keeping_only_the_language(client):
    user = make_user()
    with client.session_transaction() as planted:  # a session prepared by someone else (fixation)
        planted["planted"] = "by an attacker"
        planted["language"] = "fr"
        planted["csrf_token"] = "known-to-the-attacker"
    assert sign_in(client, user).status_code == 302
    with client.session_transaction() as fresh:
        assert "planted" not in fresh
        assert fresh.get("csrf_token") != "known-to-the-attacker"
        assert fresh["language"] == "fr"
        # The cookie holds only the random key of a server-side session; the server keeps its hash.
        key = fresh["_user_id"]
    assert str(user.id) not in key.split(":") and len(key) == 43
    assert db.session.execute(select(UserSession.key_hash).where(UserSession.user_id == user.id)).scalar() != key


def test_wrong_password_shows_a_message_on_the_form(client):
    user = make_user()
    response = client.post("/sign-in", data={"email": user.email, "password": "not it at all"})
    assert response.status_code == 401
    assert "not right" in response.get_data(as_text=True)


def test_repeated_failures_make_the_right_password_ask_for_an_emailed_link(client):
    user = make_user()
    for _ in range(5):
        client.post("/sign-in", data={"email": user.email, "password": "not it at all"})
    response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 200 and "sign-in link" in response.get_data(as_text=True)
    assert user.name not in client.get("/").get_data(as_text=True), "the password alone signs nobody in"


def test_next_never_redirects_off_site(client):
    user = make_user()
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"):
        response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD, "next": target})
        assert response.headers["Location"] in ("/", "http://localhost/"), target
        client.post("/sign-out")
    response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD, "next": "/account"})
    assert response.headers["Location"].endswith("/account")


def test_password_is_rehashed_when_parameters_change(app, client):
    user = make_user()
    old_hash = user.password_hash
    assert PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).check_needs_rehash(old_hash) is False
    app.config["ARGON2_TIME_COST"] = 2
    try:
        sign_in(client, user)
    finally:
        app.config["ARGON2_TIME_COST"] = 1
    db.session.expire_all()
    new_hash = db.session.get(User, user.id).password_hash
    assert new_hash != old_hash and new_hash.startswith("$argon2id$") and "t=2" in new_hash


def test_security_headers_on_every_page(client):
    for path in ("/", "/sign-in", "/healthz", "/api/v1/openapi.json", "/no-such-page"):
        response = client.get(path)
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Referrer-Policy"] == "no-referrer"


def test_session_cookie_is_httponly_lax_and_secure_outside_debug(tmp_path, monkeypatch):
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite'}", "SECRET_KEY": "x"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_pages_have_landmarks_skip_link_and_language(client):
    html = client.get("/sign-in").get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in html
    assert 'href="#content"' in html and '<main id="content"' in html and "<nav" in html
    assert '<label for="email">' in html and '<label for="password">' in html
    assert "<script" not in html


def test_language_switch_without_javascript_sets_arabic_right_to_left(client):
    response = client.post("/language", data={"language": "ar", "next": "/sign-in"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/sign-in")
    html = client.get("/sign-in").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html


def test_browser_language_is_used_when_no_choice_was_made(client):
    html = client.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert '<html lang="fr"' in html


def test_signed_in_users_language_choice_is_saved(client):
    user = make_user()
    sign_in(client, user)
    client.post("/language", data={"language": "es", "next": "/"})
    db.session.expire_all()
    assert db.session.get(User, user.id).language == "es"


@pytest.mark.parametrize("role", ["member", "observer"])
def test_admin_pages_are_for_the_secretariat_only(client, role):
    sign_in(client, make_user(role))
    for path in ("/admin/organisations", "/admin/users", "/admin/organisations/new", "/admin/audit"):
        assert client.get(path).status_code == 403


def test_anonymous_visitor_is_sent_to_sign_in_for_admin_pages(client):
    response = client.get("/admin/organisations")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_secretariat_creates_and_edits_an_organisation_weight_without_javascript(client):
    sign_in(client, make_user("secretariat"))
    response = client.post(
        "/admin/organisations/new",
        data={"name": "Levant Voices", "region": "mena", "category": "member", "vote_weight": "1.5", "active": "y"},
    )
    assert response.status_code == 302
    org = db.session.execute(db.select(Organisation).where(Organisation.name == "Levant Voices")).scalar_one()
    assert org.vote_weight == Decimal("1.5")
    client.post(
        f"/admin/organisations/{org.id}/edit",
        data={"name": "Levant Voices", "region": "mena", "category": "member", "vote_weight": "2.25", "active": "y"},
    )
    db.session.expire_all()
    assert db.session.get(Organisation, org.id).vote_weight == Decimal("2.2500")
    actions = (
        db.session.execute(
            db.select(AuditEntry.action).where(AuditEntry.object_id == str(org.id)).order_by(AuditEntry.seq)
        )
        .scalars()
        .all()
    )
    assert actions == ["organisation.create", "organisation.weight"]
    listing = client.get("/admin/organisations").get_data(as_text=True)
    assert "Levant Voices" in listing and "2.2500" in listing


@pytest.mark.parametrize("weight", ["-1", "abc", "1.23456"])
def test_a_bad_weight_in_the_form_gets_a_message_and_changes_nothing(client, weight):
    sign_in(client, make_user("secretariat"))
    response = client.post(
        "/admin/organisations/new",
        data={"name": "Bad Weight", "region": "mena", "category": "member", "vote_weight": weight},
    )
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert db.session.execute(db.select(Organisation).where(Organisation.name == "Bad Weight")).first() is None


def test_a_duplicate_organisation_name_in_the_form_gets_a_message(client):
    make_organisation("Existing Org")
    sign_in(client, make_user("secretariat"))
    response = client.post(
        "/admin/organisations/new",
        data={"name": "Existing Org", "region": "mena", "category": "member", "vote_weight": "1"},
    )
    assert response.status_code == 409
    assert "Already taken" in response.get_data(as_text=True)


def test_secretariat_changes_a_users_role_with_an_audit_entry(client):
    sign_in(client, make_user("secretariat"))
    user = make_user("member", email="new@example.org")
    ally = make_organisation("Ally Org", category="ally")
    client.post(
        f"/admin/users/{user.id}/edit",
        data={"email": user.email, "name": "New Person", "role": "observer", "organisation_id": ally.id, "active": "y"},
    )
    db.session.expire_all()
    assert db.session.get(User, user.id).role.value == "observer"
    payloads = (
        db.session.execute(
            db.select(AuditEntry.payload).where(AuditEntry.action == "user.update").order_by(AuditEntry.seq)
        )
        .scalars()
        .all()
    )
    assert payloads[-1]["role"] == {"from": "member", "to": "observer"}


def test_new_people_are_invited_never_given_a_password_by_the_secretariat(app, client):
    sign_in(client, make_user("secretariat"))
    member = make_user("member")
    moved = client.get("/admin/users/new")
    assert moved.status_code == 302 and moved.headers["Location"].endswith("/admin/invitations/new")
    assert (
        client.post("/admin/users/new", data={"email": "x@example.org", "password": "long enough password"}).status_code
        == 302
    )
    assert db.session.execute(db.select(User).where(User.email == "x@example.org")).first() is None
    edit = client.get(f"/admin/users/{member.id}/edit").get_data(as_text=True)
    assert 'type="password"' not in edit and 'name="password"' not in edit
    client.post(f"/admin/users/{member.id}/edit", data=_user_form(member, password="a brand new password"))
    assert sign_in(app.test_client(), member).status_code == 302  # the old password still works


def test_a_role_that_does_not_fit_the_organisation_is_refused_in_the_form(client):
    sign_in(client, make_user("secretariat"))
    ally = make_organisation("Ally Two", category="ally")
    response = client.post(
        "/admin/invitations/new",
        data={
            "email": "wrong@example.org",
            "name": "Wrong",
            "role": "member",
            "organisation_id": ally.id,
            "language": "en",
        },
    )
    assert response.status_code == 422
    assert db.session.execute(db.select(Invitation).where(Invitation.email == "wrong@example.org")).first() is None


def test_every_post_form_refuses_a_missing_csrf_token(db_url):
    from tests.conftest import pg_url_for

    app = create_app({**TEST_CONFIG, "WTF_CSRF_ENABLED": True, "SQLALCHEMY_DATABASE_URI": pg_url_for(db_url)})
    client = app.test_client()
    with app.app_context():
        for rule in app.url_map.iter_rules():
            if "POST" not in rule.methods or rule.rule.startswith("/api/"):
                continue
            path = re.sub(r"<[^>]+>", "1", rule.rule)
            response = client.post(path, data={"anything": "x"})
            assert response.status_code == 400, (rule.rule, response.status_code)


def test_account_page_saves_time_zone_and_refuses_an_unknown_one(client):
    user = make_user()
    sign_in(client, user)
    ok = client.post("/account", data={"language": "fr", "time_zone": "Africa/Dakar", "notifications": "digest"})
    assert ok.status_code == 302
    bad = client.post("/account", data={"language": "fr", "time_zone": "Moon/Base", "notifications": "digest"})
    assert bad.status_code == 422
    db.session.expire_all()
    assert db.session.get(User, user.id).time_zone == "Africa/Dakar"


def _session_cookie(client) -> str:
    return client.get_cookie("session").value


def _browser_with_cookie(app, cookie: str):
    """Return a new browser that replays a captured session cookie."""
    browser = app.test_client()
    browser.set_cookie("session", cookie)
    return browser


def _sent_to_sign_in(response) -> bool:
    return response.status_code == 302 and "/sign-in" in response.headers["Location"]


def _user_form(user: User, **changes) -> dict:
    fields = {
        "email": user.email,
        "name": user.name,
        "role": user.role.value,
        "organisation_id": user.organisation_id,
        "active": "y",
        **changes,
    }
    return {name: value for name, value in fields.items() if value is not None}


def test_a_session_cookie_copied_before_sign_out_opens_nothing_after_it(app, client):
    user = make_user()
    sign_in(client, user)
    assert client.get("/account").status_code == 200
    replay = _browser_with_cookie(app, _session_cookie(client))
    assert replay.get("/account").status_code == 200  # the copy works while the user is signed in
    client.post("/sign-out")
    assert _sent_to_sign_in(replay.get("/account"))
    assert user.name not in replay.get("/").get_data(as_text=True)
    assert _sent_to_sign_in(client.get("/account"))


def test_signing_out_ends_only_this_session(app):
    user = make_user()
    laptop, phone = app.test_client(), app.test_client()
    sign_in(laptop, user)
    sign_in(phone, user)
    with laptop.session_transaction() as copied:
        stolen = copied["_user_id"]
    laptop.post("/sign-out")
    assert _sent_to_sign_in(laptop.get("/account"))
    assert phone.get("/account").status_code == 200
    replay = app.test_client()  # a copy of the signed-out cookie opens nothing
    with replay.session_transaction() as session:
        session["_user_id"] = stolen
    assert _sent_to_sign_in(replay.get("/account"))


def test_signing_out_of_a_session_that_has_already_ended_clears_it(app):
    user = make_user()
    laptop, phone = app.test_client(), app.test_client()
    sign_in(laptop, user)
    sign_in(phone, user)
    with phone.session_transaction() as session:
        phone_key = session["_user_id"]
    auth_service.end_sessions(user)  # a password change elsewhere ended both
    db.session.commit()
    response = phone.post("/sign-out")
    assert response.status_code == 302 and response.headers["Location"].endswith("/")
    with phone.session_transaction() as session:
        assert "_user_id" not in session
    assert phone_key
    db.session.expire_all()
    assert db.session.get(User, user.id).session_epoch == 1  # an ended session moves nothing on
    assert sign_in(laptop, user).status_code == 302
    assert laptop.get("/account").status_code == 200


def test_deactivating_a_user_ends_their_live_session(app, client):
    member = make_user()
    browser = app.test_client()
    sign_in(browser, member)
    assert browser.get("/account").status_code == 200
    sign_in(client, make_user("secretariat"))
    response = client.post(f"/admin/users/{member.id}/edit", data=_user_form(member, active=None))
    assert response.status_code == 302
    assert _sent_to_sign_in(browser.get("/account"))


@pytest.mark.parametrize(
    "change, ends_sessions",
    [
        ({"role": "observer"}, True),
        ({"name": "Renamed Delegate"}, False),
    ],
)
def test_a_password_reset_or_role_change_ends_the_users_sessions(app, client, change, ends_sessions):
    member = make_user()
    if change.get("role") == "observer":
        change = {**change, "organisation_id": make_organisation(category="ally").id}
    browser = app.test_client()
    sign_in(browser, member)
    sign_in(client, make_user("secretariat"))
    assert client.post(f"/admin/users/{member.id}/edit", data=_user_form(member, **change)).status_code == 302
    assert _sent_to_sign_in(browser.get("/account")) is ends_sessions


@pytest.mark.parametrize(
    "identity",
    [
        "abc",
        "",
        "{id}",
        "{id}:",
        ":0",
        "{id}:0:0",
        "0{id}:0",
        "{id}:00",
        "-{id}:0",
        "{id}:-1",
        " {id}:0",
        "{id}:0\n",
        "{id}:０",
        "²:0",
        "99999999999:0",
        "2147483648:0",
        "{id}:99999999999",
        5,
        None,
        ["{id}", "0"],
    ],
)
def test_a_malformed_user_id_in_the_session_is_an_anonymous_visitor(client, identity):
    user = make_user()
    if isinstance(identity, str):
        identity = identity.replace("{id}", str(user.id))
    with client.session_transaction() as session:
        session["_user_id"] = identity
    assert client.get("/").status_code == 200
    assert _sent_to_sign_in(client.get("/account"))


def test_a_session_naming_a_user_rather_than_a_session_key_is_an_anonymous_visitor(client):
    user = make_user()
    assert user.get_id() == f"{user.id}:0"  # what a cookie from before session records held
    for identity in (f"{user.id}:0", f"{user.id}:1", str(user.id)):
        with client.session_transaction() as session:
            session["_user_id"] = identity
        assert _sent_to_sign_in(client.get("/account")), identity
    assert sign_in(client, user).status_code == 302
    assert client.get("/account").status_code == 200


@pytest.mark.parametrize("path", ["/principles/%00/", "/documents/a%00b/amendments/"])
def test_an_address_with_a_nul_character_names_nothing(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    "request_args",
    [
        {"path": "/principles/", "query_string": {"lang": "es\x00"}},
        {"path": "/sign-in", "method": "POST", "data": {"email": "a\x00@example.org", "password": "x"}},
    ],
)
def test_a_nul_character_in_a_query_or_a_form_is_a_400_not_a_500(client, request_args):
    request_args = dict(request_args)
    response = client.open(request_args.pop("path"), **request_args)
    assert response.status_code == 400
    assert "cannot be stored" in response.get_data(as_text=True)
