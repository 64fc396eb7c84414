"""The JSON API under /api/v1, authenticated by bearer tokens."""

from __future__ import annotations

from flask import Blueprint

from principles_app.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Bearer tokens, never cookies, authenticate the API, so forged cross-site requests carry nothing.
csrf.exempt(bp)

from principles_app.web.api import (
    comments,  # noqa: F401
    core,  # noqa: F401  (routes register on import)
    drafts,  # noqa: F401
    endorsements,  # noqa: F401
    invitations,  # noqa: F401
    meetings,  # noqa: F401
    meetings_live,  # noqa: F401
    points,  # noqa: F401
    publications,  # noqa: F401
    search,  # noqa: F401
    translations,  # noqa: F401
    turnout,  # noqa: F401
    two_factor,  # noqa: F401
    voices,  # noqa: F401
    voting,  # noqa: F401
)
