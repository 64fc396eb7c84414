"""The secretariat's invitation pages and the invited person's page, without JavaScript."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from principles_app.extensions import db
from principles_app.models import Invitation, OutboxMessage, User
from tests.factories import make_organisation, make_user, sign_in

PUBLIC_URL = "https://principles.example.org"


@pytest.fixture(autouse=True)
def _public_url(app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_URL", PUBLIC_URL)


def last_link(address: str) -> str:
    db.session.expire_all()
    message = (
        db.session.execute(
            select(OutboxMessage).where(OutboxMessage.to_address == address).order_by(OutboxMessage.id.desc())
        )
        .scalars()
        .first()
    )
    return re.search(r"https?://\S+/invitations/\S+", message.body_text)[0][len(PUBLIC_URL) :]


def test_the_secretariat_invites_resends_and_cancels_in_the_browser(client):
    staff = make_user("secretariat")
    organisation = make_organisation("Red Libre")
    sign_in(client, staff)
    form = client.get("/admin/invitations/new").get_data(as_text=True)
    assert 'name="email"' in form and 'type="password"' not in form and "<script" not in form
    sent = client.post(
        "/admin/invitations/new",
        data={
            "email": "Nadia@Example.org",
            "name": "Nadia",
            "role": "member",
            "organisation_id": organisation.id,
            "language": "ar",
        },
    )
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/admin/invitations")
    listing = client.get("/admin/invitations").get_data(as_text=True)
    assert "nadia@example.org" in listing and "Red Libre" in listing
    first = last_link("nadia@example.org")
    invitation = db.session.execute(select(Invitation)).scalar_one()
    assert client.post(f"/admin/invitations/{invitation.id}/resend").status_code == 302
    second = last_link("nadia@example.org")
    assert first != second and client.get(first).status_code == 410
    again = client.post(
        "/admin/invitations/new",
        data={
            "email": "nadia@example.org",
            "name": "Nadia",
            "role": "member",
            "organisation_id": organisation.id,
            "language": "en",
        },
    )
    assert again.status_code == 409 and "pending invitation" in again.get_data(as_text=True)
    assert client.post(f"/admin/invitations/{invitation.id}/cancel").status_code == 302
    assert client.get(second).status_code == 410
    assert "nadia@example.org" not in client.get("/admin/invitations").get_data(as_text=True)
    assert client.post(f"/admin/invitations/{invitation.id}/cancel").status_code == 404
    assert client.post("/admin/invitations/999999/resend").status_code == 404


def test_the_invitation_mail_and_page_speak_the_invitees_language(client):
    staff = make_user("secretariat")
    organisation = make_organisation("Red Libre")
    sign_in(client, staff)
    client.post(
        "/admin/invitations/new",
        data={
            "email": "nadia@example.org",
            "name": "Nadia",
            "role": "member",
            "organisation_id": organisation.id,
            "language": "ar",
        },
    )
    message = db.session.execute(
        select(OutboxMessage).where(OutboxMessage.to_address == "nadia@example.org")
    ).scalar_one()
    assert message.language == "ar" and "اختر كلمة مرورك" in message.body_html


def test_a_role_that_requires_two_factor_goes_straight_to_enrolment(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "TWO_FACTOR_REQUIRED_ROLES", ("secretariat",))
    from principles_app.services import invitations as invitation_service

    staff = make_user("secretariat")
    secretariat_org = staff.organisation
    invitation_service.create_invitation(
        staff, email="second@example.org", name="Second Staff", role="secretariat", organisation=secretariat_org
    )
    db.session.commit()
    path = last_link("second@example.org")
    done = client.post(path, data={"password": "kettle mango lantern"})
    assert done.status_code == 302 and done.headers["Location"].endswith("/account/two-factor")
    held = client.get("/account")
    assert held.status_code in (302, 303) and "/account/two-factor" in held.headers["Location"]
    assert db.session.execute(select(User).where(User.email == "second@example.org")).scalar_one().active
