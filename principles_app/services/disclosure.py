"""What a published result and the group anonymity may show without identifying a small group."""
from __future__ import annotations

from typing import Any

from flask import current_app

from principles_app.domain.disclosure import protect_breakdowns
from principles_app.models import Motion

DEFAULT_SECRET_MIN_GROUP = 3


def secret_min_group() -> int:
    """Return the fewest voters a breakdown cell of a secret round may show the choices of."""
    return int(current_app.config.get("SECRET_MIN_GROUP", DEFAULT_SECRET_MIN_GROUP))


def disclosed_result(motion: Motion) -> dict[str, Any]:
    """Return a decided motion's stored result as it may be shown: a secret round hides small groups."""
    stored = dict(motion.result or {})
    if motion.round.secrecy != "secret":
        return stored
    return protect_breakdowns(stored, secret_min_group())
