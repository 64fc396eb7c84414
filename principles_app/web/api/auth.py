"""Bearer-token authentication for the JSON API (never the session cookie)."""

from __future__ import annotations

from flask import g, request

from principles_app.models import User
from principles_app.services.auth import user_of_token
from principles_app.services.two_factor import EnrolmentRequired, enrolment_required


def bearer_token() -> str | None:
    """Return the token from the Authorization header, if any."""
    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def authenticate_request(optional: bool = False) -> User | None:
    """Set g.api_user from a valid bearer token and return it."""
    token = bearer_token()
    found = user_of_token(token) if token else None
    g.api_user, g.api_token_id = found if found is not None else (None, None)
    if g.api_user is not None and enrolment_required(g.api_user):
        # The role requires two-factor sign-in: until it is on, the token opens nothing.
        raise EnrolmentRequired()
    return g.api_user
