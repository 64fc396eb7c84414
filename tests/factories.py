"""Build organisations, users and tokens for tests."""
from __future__ import annotations

import itertools
from decimal import Decimal

from principles_app.extensions import db
from principles_app.models import Organisation, Role, User
from principles_app.services import auth as auth_service
from principles_app.services import organisations as org_service

PASSWORD = "correct horse battery"
_counter = itertools.count(1)
ROLE_CATEGORY = {"member": "member", "observer": "ally", "secretariat": "secretariat"}


def make_organisation(name: str | None = None, region: str = "africa", category: str = "member",
                      weight: str | Decimal = "1", active: bool = True) -> Organisation:
    """Create and commit an organisation."""
    organisation = org_service.create_organisation(
        None, name=name or f"Organisation {next(_counter)}", region=region, category=category,
        vote_weight=Decimal(weight), active=active)
    db.session.commit()
    return organisation


def make_user(role: str = "member", organisation: Organisation | None = None, email: str | None = None,
              password: str = PASSWORD, **org_fields) -> User:
    """Create and commit a user, with a fitting organisation unless one is given."""
    if organisation is None:
        organisation = make_organisation(category=org_fields.pop("category", ROLE_CATEGORY[role]), **org_fields)
    user = org_service.create_user(None, email=email or f"user{next(_counter)}@example.org", name=f"User {next(_counter)}",
                                   password=password, role=Role(role), organisation=organisation)
    db.session.commit()
    return user


def token_for(user: User) -> str:
    """Issue and commit an API token for the user; return the bearer string."""
    token, _row = auth_service.issue_token(user)
    db.session.commit()
    return token


def auth_header(token: str) -> dict[str, str]:
    """Return the Authorization header for a token."""
    return {"Authorization": f"Bearer {token}"}


def sign_in(client, user: User, password: str = PASSWORD):
    """Sign a browser client in through the form."""
    return client.post("/sign-in", data={"email": user.email, "password": password})


def error_of(response, status: int | None = None) -> dict:
    """Return an API response's error object, checking the spec's error body (and the status, when given)."""
    body = response.get_json()
    if status is not None:
        assert response.status_code == status, body
    assert isinstance(body, dict) and set(body) == {"error"}, body
    assert {"code", "message"} <= set(body["error"]), body
    return body["error"]
