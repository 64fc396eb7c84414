"""The JSON API under /api/v1, authenticated by bearer tokens."""
from __future__ import annotations

from flask import Blueprint

from principles_app.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Bearer tokens, never cookies, authenticate the API, so forged cross-site requests carry nothing.
csrf.exempt(bp)

from principles_app.web.api import core  # noqa: E402,F401  (routes register on import)
from principles_app.web.api import comments  # noqa: E402,F401
from principles_app.web.api import drafts  # noqa: E402,F401
from principles_app.web.api import publications  # noqa: E402,F401
from principles_app.web.api import voting  # noqa: E402,F401
from principles_app.web.api import translations  # noqa: E402,F401
