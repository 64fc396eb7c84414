"""Erasure (SPEC §13): who a person was goes, what they wrote stays, and the audit chain still verifies."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from principles_app.extensions import db
from principles_app.models import ApiToken, AuditEntry, User
from principles_app.models.search import SearchEntry
from principles_app.services import audit
from tests.factories import PASSWORD, auth_header, draft_in_round, make_user, principle, sign_in, token_for
from tests.two_factor_support import clock_fixture  # noqa: F401  (the clock fixture)


@pytest.fixture
def scene(client):
    document = draft_in_round()
    author = make_user("member")
    target = principle(document, 1)
    author_token = token_for(author)
    headers = auth_header(author_token)
    named = client.post(
        "/api/v1/comments",
        json={"target_type": "principle", "target_id": target.id, "body": "A named remark about listening."},
        headers=headers,
    ).get_json()
    quiet = client.post(
        "/api/v1/comments",
        json={"target_type": "principle", "target_id": target.id, "body": "A quiet remark.", "anonymous": True},
        headers=headers,
    ).get_json()
    return {"author": author, "token": author_token, "target": target, "named": named, "quiet": quiet}


def erase(client, staff, user_id):
    return client.delete(f"/api/v1/users/{user_id}", headers=auth_header(token_for(staff)))


def test_erasure_removes_who_they_were_and_keeps_what_they_wrote(client, scene):
    staff = make_user("secretariat")
    author = scene["author"]
    email, name, organisation = author.email, author.name, author.organisation.name
    assert erase(client, staff, author.id).status_code == 204
    db.session.expire_all()
    erased = db.session.get(User, author.id)
    assert erased.email != email and name not in erased.name and not erased.active
    assert erased.name == f"A former member of {organisation}"
    assert "argon2" not in erased.password_hash
    assert (
        db.session.execute(select(func.count()).select_from(ApiToken).where(ApiToken.user_id == author.id)).scalar()
        == 0
    )
    # The old token and password open nothing.
    assert client.get("/api/v1/me", headers=auth_header(scene["token"])).status_code == 401
    assert client.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD}).status_code == 401
    # The thread still shows both comments; the named one as by a former member, the anonymous one as before.
    thread = client.get(
        f"/api/v1/threads/principle/{scene['target'].id}", headers=auth_header(token_for(make_user("member")))
    ).get_data(as_text=True)
    assert "A named remark about listening." in thread and "A quiet remark." in thread
    assert name not in thread and email not in thread
    assert f"A former member of {organisation}" in thread
    # The search index was rewritten.
    authors = db.session.execute(select(SearchEntry.author).where(SearchEntry.kind == "comment")).scalars().all()
    assert name not in authors
    assert audit.verify_chain().ok
    entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "user.erase")).scalar_one()
    assert entry.object_id == str(author.id) and email not in str(entry.payload)


def test_the_page_of_a_former_member_shows_no_name(client, scene):
    staff = make_user("secretariat")
    name = scene["author"].name
    erase(client, staff, scene["author"].id)
    sign_in(client, make_user("member"))
    document_page = client.get("/documents/charter")
    if document_page.status_code == 200:
        assert name not in document_page.get_data(as_text=True)


def test_one_cannot_erase_oneself_or_the_last_secretariat_member(client):
    staff = make_user("secretariat")
    assert erase(client, staff, staff.id).status_code == 409
    other = make_user("secretariat", organisation=staff.organisation)
    assert erase(client, staff, other.id).status_code == 204
    # Now staff is the last one: another secretariat member created later may not erase them... until there are two.
    third = make_user("secretariat", organisation=staff.organisation)
    assert erase(client, third, staff.id).status_code == 204
    assert erase(client, third, third.id).status_code == 409
    assert audit.verify_chain().ok


def test_the_last_secretariat_member_is_refused_even_by_an_erased_colleague_count(client):
    staff = make_user("secretariat")
    colleague = make_user("secretariat", organisation=staff.organisation)
    assert erase(client, staff, colleague.id).status_code == 204
    assert erase(client, staff, colleague.id).status_code == 409  # erased already


def test_unknown_ids_are_404(client):
    staff = make_user("secretariat")
    assert erase(client, staff, 999999).status_code == 404
    assert erase(client, staff, 99999999999).status_code == 404


@pytest.mark.parametrize("role", ["anonymous", "observer", "member", "secretariat"])
def test_erasure_matrix(client, role):
    target = make_user("member")
    headers = {} if role == "anonymous" else auth_header(token_for(make_user(role)))
    response = client.delete(f"/api/v1/users/{target.id}", headers=headers)
    expected = {"anonymous": 401, "observer": 403, "member": 403, "secretariat": 204}[role]
    assert response.status_code == expected
    if role != "anonymous":
        sign_in(client, make_user(role))
    page = client.get(f"/admin/users/{target.id}/erase")
    assert page.status_code == {"anonymous": 302, "observer": 403, "member": 403, "secretariat": 404}[role]


def test_the_page_asks_for_the_email_or_name_typed(client):
    staff = make_user("secretariat")
    person = make_user("member")
    sign_in(client, staff)
    form = client.get(f"/admin/users/{person.id}/erase")
    assert form.status_code == 200 and 'name="confirm"' in form.get_data(as_text=True)
    wrong = client.post(f"/admin/users/{person.id}/erase", data={"confirm": "someone else"})
    assert wrong.status_code == 422 and "to confirm" in wrong.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, person.id).active
    done = client.post(f"/admin/users/{person.id}/erase", data={"confirm": person.email.upper()})
    assert done.status_code == 302
    db.session.expire_all()
    assert not db.session.get(User, person.id).active
    assert client.get(f"/admin/users/{person.id}/erase").status_code == 404
    assert client.post(f"/admin/users/{staff.id}/erase", data={"confirm": staff.email}).status_code == 409


def test_second_factors_and_links_are_gone(client, clock):
    from principles_app.models.two_factor import RecoveryCode, TotpCredential
    from principles_app.services import auth as auth_service
    from tests.two_factor_support import enrol

    staff = make_user("secretariat")
    person = make_user("member")
    enrol(person, clock)
    auth_service.send_sign_in_link(person)
    db.session.commit()
    assert erase(client, staff, person.id).status_code == 204
    for model in (TotpCredential, RecoveryCode):
        assert (
            db.session.execute(select(func.count()).select_from(model).where(model.user_id == person.id)).scalar() == 0
        )
    from principles_app.models import OutboxMessage, SignInLink

    assert db.session.execute(select(func.count()).select_from(SignInLink)).scalar() == 0
    assert (
        db.session.execute(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.sent_at.is_(None))
        ).scalar()
        == 0
    )
    assert audit.verify_chain().ok
