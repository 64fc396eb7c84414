"""Choices of select and radio fields, as the form library wants them declared."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any

from wtforms.fields.choices import SelectChoice


def options(pairs: Iterable[tuple[Any, Any]]) -> list[SelectChoice]:
    """Turn (value, label) pairs into the field's choices; labels may be lazy translations."""
    return [SelectChoice(value, label) for value, label in pairs]


def enum_options(members: Iterable[StrEnum], names: Mapping[StrEnum, Any]) -> list[SelectChoice]:
    """Offer an enum's values (or some of them) in the enum's order, each with its name from labels.py."""
    return [SelectChoice(member.value, names[member]) for member in members]
