"""A decided result as it may be shown: a secret round never shows the choices of a small group."""

from __future__ import annotations

from typing import Any

from flask import current_app

from principles_app.domain.disclosure import protect_breakdowns
from principles_app.domain.voting import Secrecy
from principles_app.models import Motion


def secret_min_group() -> int:
    """Return the fewest voters a breakdown cell of a secret round may show the choices of."""
    return int(current_app.config["SECRET_MIN_GROUP"])


def disclosed_result(motion: Motion) -> dict[str, Any]:
    """Return a decided motion's stored result as it may be shown: a secret round hides small groups."""
    stored = dict(motion.result or {})
    if motion.round.secrecy != Secrecy.SECRET:
        return stored
    return protect_breakdowns(stored, secret_min_group())
