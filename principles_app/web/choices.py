"""Choices of select and radio fields, as the form library wants them declared."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from wtforms.fields.choices import SelectChoice


def options(pairs: Iterable[tuple[Any, Any]]) -> list[SelectChoice]:
    """Turn (value, label) pairs into the field's choices; labels may be lazy translations."""
    return [SelectChoice(value, label) for value, label in pairs]
