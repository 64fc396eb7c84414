"""The API base: tokens, me, organisations, users, and the error contract."""

from __future__ import annotations

import json

import pytest

from principles_app.extensions import db
from principles_app.models import AuditEntry, Organisation, User
from tests.factories import PASSWORD, auth_header, error_of, make_organisation, make_user, sign_in, token_for


def test_health_reports_database_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_a_delegate_gets_a_token_and_sees_who_they_are(client):
    user = make_user("member", region="mena")
    response = client.post("/api/v1/auth/token", json={"email": user.email.upper(), "password": PASSWORD})
    assert response.status_code == 200
    token = response.get_json()["token"]
    me = client.get("/api/v1/me", headers=auth_header(token)).get_json()
    assert me["email"] == user.email
    assert me["role"] == "member"
    assert me["organisation"]["region"] == "mena"
    assert me["notifications"] == "immediate"


def test_an_answer_for_a_token_is_never_kept_by_a_cache_and_varies_by_token(client):
    user = make_user()
    mine = client.get("/api/v1/me", headers=auth_header(token_for(user)))
    anonymous = client.get("/api/v1/me")
    assert mine.status_code == 200
    assert mine.headers["Cache-Control"] == "no-store"
    assert "Authorization" in mine.headers["Vary"].split(", ")
    assert anonymous.status_code == 401
    assert anonymous.headers["Cache-Control"] == "no-cache"


def test_the_api_ignores_a_signed_in_browser_session_and_never_sets_a_cookie(client):
    user = make_user("secretariat")
    assert sign_in(client, user).status_code == 302
    assert client.get("/admin/organisations").status_code == 200  # the browser session works for pages
    refused = client.get("/api/v1/me", headers={"Accept-Language": "es"})
    assert refused.status_code == 401
    assert error_of(refused)["code"] == "unauthorised"
    assert "Set-Cookie" not in refused.headers
    assert "Cookie" not in refused.headers.get("Vary", "")
    answered = client.get("/api/v1/me", headers=auth_header(token_for(user)))
    assert answered.status_code == 200 and "Set-Cookie" not in answered.headers


def test_token_is_stored_hashed_and_revocable(client):
    user = make_user()
    token = client.post("/api/v1/auth/token", json={"email": user.email, "password": PASSWORD}).get_json()["token"]
    stored = db.session.execute(db.select(db.text("token_hash FROM api_token"))).scalars().all()
    assert token not in stored and len(stored) == 1
    assert client.delete("/api/v1/auth/token", headers=auth_header(token)).status_code == 204
    refused = client.get("/api/v1/me", headers=auth_header(token))
    assert refused.status_code == 401
    assert error_of(refused)["code"] == "unauthorised"


def test_token_with_expiry_reports_it(client):
    user = make_user()
    body = client.post(
        "/api/v1/auth/token", json={"email": user.email, "password": PASSWORD, "expires_in": 3600}
    ).get_json()
    assert body["expires_at"] is not None


def test_wrong_password_gets_401(client):
    user = make_user()
    response = client.post("/api/v1/auth/token", json={"email": user.email, "password": "wrong password"})
    assert response.status_code == 401
    error_of(response)


def test_deactivated_user_can_neither_sign_in_nor_use_a_token(client):
    secretariat = make_user("secretariat")
    user = make_user()
    token = token_for(user)
    from principles_app.services import organisations as org_service

    org_service.update_user(secretariat, user, active=False)
    db.session.commit()
    assert client.get("/api/v1/me", headers=auth_header(token)).status_code == 401
    response = client.post("/api/v1/auth/token", json={"email": user.email, "password": PASSWORD})
    assert response.status_code == 401


def test_a_password_reset_revokes_the_users_tokens_and_the_new_password_gets_a_new_one(client):
    from principles_app.services import organisations as org_service

    secretariat = make_user("secretariat")
    user, bystander = make_user(), make_user()
    token, other = token_for(user), token_for(bystander)
    org_service.update_user(secretariat, user, password="a brand new passphrase")
    db.session.commit()
    assert client.get("/api/v1/me", headers=auth_header(token)).status_code == 401
    assert client.get("/api/v1/me", headers=auth_header(other)).status_code == 200
    fresh = client.post("/api/v1/auth/token", json={"email": user.email, "password": "a brand new passphrase"})
    assert fresh.status_code == 200
    assert client.get("/api/v1/me", headers=auth_header(fresh.get_json()["token"])).status_code == 200


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer nonsense", "Basic abc", "bearer "])
def test_missing_or_invalid_token_gets_401(client, header):
    headers = {"Authorization": header} if header else {}
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    error_of(response)


def test_failed_token_requests_are_rate_limited_with_retry_after(client):
    user = make_user()
    statuses = [
        client.post("/api/v1/auth/token", json={"email": user.email, "password": "nope-nope"}).status_code
        for _ in range(6)
    ]
    assert statuses[:5] == [401] * 5
    assert statuses[5] == 429
    last = client.post("/api/v1/auth/token", json={"email": user.email, "password": PASSWORD})
    assert last.status_code == 429, "the right password does not bypass a running lockout"
    assert int(last.headers["Retry-After"]) > 0
    assert error_of(last)["code"] == "rate_limited"


def test_many_successful_sign_ins_from_one_address_are_never_throttled(client):
    user = make_user()
    for _ in range(40):
        assert client.post("/api/v1/auth/token", json={"email": user.email, "password": PASSWORD}).status_code == 200


def test_organisations_are_listed_with_weights_as_strings(client):
    make_organisation("Sahel Press", weight="2.5")
    user = make_user()
    body = client.get("/api/v1/organisations", headers=auth_header(token_for(user))).get_json()
    sahel = next(o for o in body["organisations"] if o["name"] == "Sahel Press")
    assert sahel["vote_weight"] == "2.5000"
    assert sahel["region"] == "africa" and sahel["active"] is True


def test_secretariat_creates_and_patches_an_organisation_and_the_weight_change_is_audited(client):
    token = token_for(make_user("secretariat"))
    created = client.post(
        "/api/v1/organisations",
        headers=auth_header(token),
        json={"name": "Andes Radio", "region": "americas", "category": "member", "vote_weight": "1.2345"},
    )
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["vote_weight"] == "1.2345"
    patched = client.patch(
        f"/api/v1/organisations/{body['id']}", headers=auth_header(token), json={"vote_weight": "2", "active": False}
    )
    assert patched.status_code == 200
    assert patched.get_json()["vote_weight"] == "2.0000" and patched.get_json()["active"] is False
    entries = (
        db.session.execute(
            db.select(AuditEntry).where(AuditEntry.object_id == str(body["id"])).order_by(AuditEntry.seq)
        )
        .scalars()
        .all()
    )
    assert [e.action for e in entries] == ["organisation.create", "organisation.update"]
    assert entries[1].payload["vote_weight"] == {"from": "1.2345", "to": "2.0000"}


@pytest.mark.parametrize(
    "weight, field_fragment",
    [
        ("-1", "vote_weight"),
        ("abc", "vote_weight"),
        ("1.23456", "vote_weight"),
        (1.5, "vote_weight"),
        ("NaN", "vote_weight"),
        ("Infinity", "vote_weight"),
        ("1e9", "vote_weight"),
        (True, "vote_weight"),
    ],
)
def test_a_bad_weight_is_refused_with_the_field_named_and_nothing_changes(client, weight, field_fragment):
    token = token_for(make_user("secretariat"))
    before = db.session.execute(db.select(db.func.count(Organisation.id))).scalar_one()
    response = client.post(
        "/api/v1/organisations",
        headers=auth_header(token),
        json={"name": "Bad Weight Org", "region": "africa", "category": "member", "vote_weight": weight},
    )
    assert response.status_code == 422
    assert field_fragment in error_of(response)["fields"]
    assert db.session.execute(db.select(db.func.count(Organisation.id))).scalar_one() == before


def test_malformed_json_is_400(client):
    token = token_for(make_user("secretariat"))
    response = client.post(
        "/api/v1/organisations", headers={**auth_header(token), "Content-Type": "application/json"}, data="{not json"
    )
    assert response.status_code == 400
    error_of(response)


@pytest.mark.parametrize("payload", ["[1, 2]", '"a string"', "42", "null"])
def test_json_that_is_not_an_object_is_refused(client, payload):
    token = token_for(make_user("secretariat"))
    response = client.post(
        "/api/v1/organisations", headers={**auth_header(token), "Content-Type": "application/json"}, data=payload
    )
    assert response.status_code in (400, 422)
    error_of(response)


def test_wrong_types_and_unknown_fields_are_422_with_fields(client):
    token = token_for(make_user("secretariat"))
    response = client.post(
        "/api/v1/organisations",
        headers=auth_header(token),
        json={"name": 12, "region": "atlantis", "category": "member", "colour": "red"},
    )
    assert response.status_code == 422
    fields = error_of(response)["fields"]
    assert {"name", "region", "colour"} <= set(fields)


def test_duplicate_organisation_name_is_409(client):
    make_organisation("Taken Name")
    token = token_for(make_user("secretariat"))
    response = client.post(
        "/api/v1/organisations",
        headers=auth_header(token),
        json={"name": "Taken Name", "region": "africa", "category": "member", "vote_weight": "1"},
    )
    assert response.status_code == 409
    error_of(response)


def test_patching_a_missing_organisation_is_404(client):
    token = token_for(make_user("secretariat"))
    response = client.patch("/api/v1/organisations/999999", headers=auth_header(token), json={"active": False})
    assert response.status_code == 404
    error_of(response)


def test_an_oversized_body_is_413(client):
    token = token_for(make_user("secretariat"))
    response = client.post(
        "/api/v1/organisations",
        headers={**auth_header(token), "Content-Type": "application/json"},
        data=json.dumps({"name": "x" * (2 * 1024 * 1024)}),
    )
    assert response.status_code == 413
    error_of(response)


def test_a_member_calling_a_secretariat_endpoint_is_403(client):
    token = token_for(make_user("member"))
    response = client.post(
        "/api/v1/organisations",
        headers=auth_header(token),
        json={"name": "Sneaky", "region": "africa", "category": "member", "vote_weight": "5"},
    )
    assert response.status_code == 403
    assert error_of(response)["code"] == "forbidden"


def test_secretariat_creates_a_user_and_email_is_unique_case_insensitively(client):
    token = token_for(make_user("secretariat"))
    org = make_organisation("Mekong Lab", region="asia_pacific")
    payload = {
        "email": "Dara@Mekong.example.org",
        "name": "Dara",
        "password": "long enough pw",
        "role": "member",
        "organisation_id": org.id,
    }
    created = client.post("/api/v1/users", headers=auth_header(token), json=payload)
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["email"] == "dara@mekong.example.org"
    again = client.post(
        "/api/v1/users", headers=auth_header(token), json={**payload, "email": "DARA@mekong.example.org"}
    )
    assert again.status_code == 409
    assert db.session.execute(db.select(db.func.count(User.id))).scalar_one() == 2


def test_a_role_must_fit_the_organisation_category(client):
    token = token_for(make_user("secretariat"))
    ally = make_organisation("Ally Org", category="ally")
    response = client.post(
        "/api/v1/users",
        headers=auth_header(token),
        json={
            "email": "x@ally.example.org",
            "name": "X",
            "password": "long enough pw",
            "role": "member",
            "organisation_id": ally.id,
        },
    )
    assert response.status_code == 422
    assert "role" in error_of(response)["fields"]


def test_creating_a_user_in_a_missing_organisation_is_404(client):
    token = token_for(make_user("secretariat"))
    response = client.post(
        "/api/v1/users",
        headers=auth_header(token),
        json={
            "email": "x@example.org",
            "name": "X",
            "password": "long enough pw",
            "role": "member",
            "organisation_id": 4242,
        },
    )
    assert response.status_code == 404


def test_me_patch_saves_language_time_zone_and_notifications(client):
    user = make_user()
    token = token_for(user)
    response = client.patch(
        "/api/v1/me",
        headers=auth_header(token),
        json={"language": "ar", "time_zone": "America/Santiago", "notifications": "digest"},
    )
    assert response.status_code == 200
    body = client.get("/api/v1/me", headers=auth_header(token)).get_json()
    assert (body["language"], body["time_zone"], body["notifications"]) == ("ar", "America/Santiago", "digest")


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"language": "de"}, "language"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"notifications": "hourly"}, "notifications"),
    ],
)
def test_me_patch_refuses_unknown_language_zone_or_choice(client, payload, field):
    token = token_for(make_user())
    response = client.patch("/api/v1/me", headers=auth_header(token), json=payload)
    assert response.status_code == 422
    assert field in error_of(response)["fields"]


def test_unknown_api_path_is_a_json_404(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    error_of(response)


def test_api_answers_in_the_users_language(client):
    token = token_for(make_user())
    payload = {"name": "X", "region": "africa", "category": "member"}
    english = error_of(client.post("/api/v1/organisations", headers=auth_header(token), json=payload))["message"]
    client.patch("/api/v1/me", headers=auth_header(token), json={"language": "fr"})
    response = client.post("/api/v1/organisations", headers=auth_header(token), json=payload)
    assert response.status_code == 403
    assert error_of(response)["message"] != english


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "\x00", "region": "mena", "category": "ally"}, "name"),
        ({"name": "Fine", "region": "mena", "category": "ally", "bad\x00key": 1}, "bad\x00key"),
    ],
)
def test_a_nul_character_in_a_json_field_is_a_422_naming_it_and_stores_nothing(client, body, field):
    headers = auth_header(token_for(make_user("secretariat")))
    before = db.session.query(Organisation).count()
    response = client.post("/api/v1/organisations", json=body, headers=headers)
    assert response.status_code == 422
    assert "cannot be stored" in error_of(response)["fields"][field]
    assert db.session.query(Organisation).count() == before


def test_a_nul_character_in_an_api_address_or_query_gets_the_error_body(client):
    headers = auth_header(token_for(make_user()))
    assert error_of(client.get("/api/v1/documents/a%00b", headers=headers), 404)["code"] == "not_found"
    response = client.get("/api/v1/documents/charter/amendments", query_string={"status": "open\x00"}, headers=headers)
    assert error_of(response, 400)["code"] == "bad_request"
