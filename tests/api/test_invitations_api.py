"""Invitations (SPEC §13): the secretariat invites, the person chooses their own password."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from principles_app.db import utcnow
from principles_app.extensions import db
from principles_app.models import AuditEntry, Invitation, OutboxMessage, User
from principles_app.services import audit
from principles_app.services import invitations as invitation_service
from tests.factories import PASSWORD, auth_header, make_organisation, make_user, token_for

PUBLIC_URL = "https://principles.example.org"
CHOSEN = "kettle mango lantern"


@pytest.fixture(autouse=True)
def _public_url(app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_URL", PUBLIC_URL)


@pytest.fixture
def staff():
    return make_user("secretariat")


def invite(client, staff, **changes):
    organisation = changes.pop("organisation", None) or make_organisation()
    body = {
        "email": "new.person@example.org",
        "name": "Amina Diallo",
        "role": "member",
        "organisation_id": organisation.id,
    } | changes
    return client.post("/api/v1/invitations", json=body, headers=auth_header(token_for(staff)))


def invitation_mails(address: str) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(
        db.session.execute(
            select(OutboxMessage)
            .where(OutboxMessage.to_address == address, OutboxMessage.event == "invitation")
            .order_by(OutboxMessage.id)
        ).scalars()
    )


def link_path(message: OutboxMessage) -> str:
    url = re.search(r"https?://\S+/invitations/\S+", message.body_text)[0]
    assert url.startswith(PUBLIC_URL + "/invitations/")
    return url[len(PUBLIC_URL) :]


def test_the_secretariat_invites_a_person_and_the_link_is_mailed_never_shown(client, staff):
    response = invite(client, staff)
    assert response.status_code == 201
    body = response.get_json()
    assert body["email"] == "new.person@example.org" and body["name"] == "Amina Diallo" and body["role"] == "member"
    assert "token" not in body and "token_hash" not in body and not body["expired"]
    (mail,) = invitation_mails("new.person@example.org")
    assert mail.language == "en" and "Amina Diallo" in mail.body_text
    path = link_path(mail)
    assert path.split("/")[-1] not in response.get_data(as_text=True)
    assert "7 days" in mail.body_text
    listed = client.get("/api/v1/invitations", headers=auth_header(token_for(staff))).get_json()
    assert [i["id"] for i in listed["invitations"]] == [body["id"]]


def test_the_mail_is_in_the_chosen_language(client, staff):
    assert invite(client, staff, language="fr").status_code == 201
    (mail,) = invitation_mails("new.person@example.org")
    assert mail.language == "fr" and "Choisissez" in mail.body_text


def test_an_existing_account_or_pending_invitation_is_409(client, staff):
    member = make_user("member")
    taken = invite(client, staff, email=member.email.upper())
    assert taken.status_code == 409
    assert invite(client, staff).status_code == 201
    again = invite(client, staff)
    assert again.status_code == 409 and again.get_json()["error"]["fields"]["email"]
    assert len(invitation_mails("new.person@example.org")) == 1


@pytest.mark.parametrize("role", ["member", "observer"])
def test_others_are_refused_before_anything_is_looked_up(client, role):
    member = make_user(role)
    other = make_user("member")
    response = client.post(
        "/api/v1/invitations",
        json={"email": other.email, "name": "X", "role": "member", "organisation_id": 1},
        headers=auth_header(token_for(member)),
    )
    fresh = client.post(
        "/api/v1/invitations",
        json={"email": "nobody@example.org", "name": "X", "role": "member", "organisation_id": 1},
        headers=auth_header(token_for(member)),
    )
    assert response.status_code == fresh.status_code == 403
    assert response.get_json() == fresh.get_json()


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"email": "not an address"}, "email"),
        ({"name": ""}, "name"),
        ({"role": "king"}, "role"),
        ({"language": "de"}, "language"),
        ({"role": "secretariat"}, "role"),
    ],
)
def test_bad_input_is_422_and_sends_nothing(client, staff, changes, field):
    response = invite(client, staff, **changes)
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]
    assert db.session.execute(select(Invitation)).first() is None


def test_unknown_organisation_and_invitation_are_404(client, staff):
    assert invite(client, staff, organisation=type("O", (), {"id": 999999})()).status_code == 404
    headers = auth_header(token_for(staff))
    assert client.delete("/api/v1/invitations/999999", headers=headers).status_code == 404
    assert client.post("/api/v1/invitations/999999/resend", headers=headers).status_code == 404
    assert client.delete("/api/v1/invitations/99999999999", headers=headers).status_code == 404


def test_resend_sends_a_new_link_and_the_old_one_dies(client, staff):
    created = invite(client, staff).get_json()
    first = link_path(invitation_mails("new.person@example.org")[0])
    headers = auth_header(token_for(staff))
    resent = client.post(f"/api/v1/invitations/{created['id']}/resend", headers=headers)
    assert resent.status_code == 200
    old, new = invitation_mails("new.person@example.org")
    assert link_path(new) != first
    assert client.get(first).status_code == 410
    assert client.get(link_path(new)).status_code == 200


def test_cancel_kills_the_link(client, staff):
    created = invite(client, staff).get_json()
    path = link_path(invitation_mails("new.person@example.org")[0])
    headers = auth_header(token_for(staff))
    assert client.delete(f"/api/v1/invitations/{created['id']}", headers=headers).status_code == 204
    assert client.get(path).status_code == 410
    assert client.get("/api/v1/invitations", headers=headers).get_json()["invitations"] == []
    assert client.delete(f"/api/v1/invitations/{created['id']}", headers=headers).status_code == 404
    # the address may be invited afresh
    assert invite(client, staff).status_code == 201


def test_accepting_creates_the_account_signs_in_and_offers_two_factor(client, staff):
    invite(client, staff, language="es")
    path = link_path(invitation_mails("new.person@example.org")[0])
    page = client.get(path)
    assert page.status_code == 200 and 'autocomplete="new-password"' in page.get_data(as_text=True)
    done = client.post(path, data={"password": CHOSEN})
    assert done.status_code == 302 and done.headers["Location"].endswith("/account/two-factor")
    user = db.session.execute(select(User).where(User.email == "new.person@example.org")).scalar_one()
    assert user.active and user.name == "Amina Diallo" and user.language == "es" and user.role.value == "member"
    assert "new.person@example.org" in client.get("/account").get_data(as_text=True)
    assert client.get(path).status_code == 410  # single-use
    assert client.post(path, data={"password": CHOSEN}).status_code == 410
    token = client.post("/api/v1/auth/token", json={"email": user.email, "password": CHOSEN})
    assert token.status_code == 200
    assert invite(client, staff).status_code == 409  # now an account


@pytest.mark.parametrize("password", ["short pw 9", "password1234", "qwertyuiopasdf"])
def test_a_weak_password_is_422_naming_why_and_keeps_the_link(client, staff, password):
    invite(client, staff)
    path = link_path(invitation_mails("new.person@example.org")[0])
    refused = client.post(path, data={"password": password})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "12 characters" in html or "easy to guess" in html
    assert db.session.execute(select(User).where(User.email == "new.person@example.org")).first() is None
    assert client.post(path, data={"password": CHOSEN}).status_code == 302


def test_an_expired_link_is_410(client, staff):
    created = invite(client, staff).get_json()
    path = link_path(invitation_mails("new.person@example.org")[0])
    invitation = db.session.get(Invitation, created["id"])
    invitation.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    gone = client.get(path)
    assert gone.status_code == 410 and "expired" in gone.get_data(as_text=True)
    assert client.post(path, data={"password": CHOSEN}).status_code == 410
    listed = client.get("/api/v1/invitations", headers=auth_header(token_for(staff))).get_json()
    assert listed["invitations"][0]["expired"] is True


@pytest.mark.parametrize("token", ["x", "x" * 43, "x" * 300])
def test_unknown_links_are_410(client, token):
    assert client.get(f"/invitations/{token}").status_code == 410


def test_everything_is_audited_without_the_address_and_the_chain_verifies(client, staff):
    created = invite(client, staff).get_json()
    headers = auth_header(token_for(staff))
    client.post(f"/api/v1/invitations/{created['id']}/resend", headers=headers)
    path = link_path(invitation_mails("new.person@example.org")[-1])
    client.post(path, data={"password": CHOSEN})
    actions = [
        e.action for e in db.session.execute(select(AuditEntry).where(AuditEntry.object_type == "invitation")).scalars()
    ]
    assert actions == ["invitation.create", "invitation.resend", "invitation.accept"]
    for entry in db.session.execute(select(AuditEntry).where(AuditEntry.object_type == "invitation")).scalars():
        assert "new.person" not in str(entry.payload)
    assert audit.verify_chain().ok


def test_the_service_refuses_a_taken_address_even_for_a_resend(client, staff):
    created = invite(client, staff).get_json()
    invitation = db.session.get(Invitation, created["id"])
    make_user("member", email="new.person@example.org")
    with pytest.raises(Exception) as refused:
        invitation_service.resend_invitation(staff, invitation)
    assert getattr(refused.value, "status", None) == 409
    assert PASSWORD
