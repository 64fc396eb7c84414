"""Keep a secret round's breakdowns from revealing the choices of a few organisations.

Pure Python: the breakdowns come in as the JSON-ready groups that ``tally.to_jsonable`` stores
(weights as strings) and go out in the same shape.

A group in which fewer than ``threshold`` organisations voted would show what each of them
chose, so it is merged into one group, ``other``. If ``other`` is then still smaller than the
threshold while some shown group holds ballots, the overall tally minus the shown groups would
give its choices away by subtraction: the smallest shown group joins it, until ``other`` is large
enough or holds every ballot. Only when every ballot is in ``other`` and they are still too few
does ``other`` show participation alone. ``other`` counts how many groups it merged and never
names them. A group in which nobody voted reveals no choice and stays, flagged as before.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from principles_app.domain.tally import CHOICES, format_weight

OTHER = "other"
_FIGURES = ("eligible_count", "participation_count")
_WEIGHTS = ("eligible_weight", "participation_weight")


def _voters(group: Mapping[str, Any]) -> int:
    return int(group.get("participation_count") or 0)


def _merge(groups: list[Mapping[str, Any]], threshold: int) -> dict[str, Any]:
    """Sum several groups into one, with their choices only when enough organisations voted."""
    merged: dict[str, Any] = {"merged": len(groups)}
    for key in _FIGURES:
        merged[key] = sum(int(g[key]) for g in groups)
    for key in _WEIGHTS:
        merged[key] = format_weight(sum((Decimal(g[key]) for g in groups), Decimal(0)))
    if merged["participation_count"] < threshold:
        merged["participation_only"] = True
        return merged
    for choice in CHOICES:
        merged[choice] = {
            "count": sum(int(g[choice]["count"]) for g in groups),
            "weight": format_weight(sum((Decimal(g[choice]["weight"]) for g in groups), Decimal(0))),
        }
    return merged


def protect_small_groups(groups: Mapping[str, Mapping[str, Any]] | None, threshold: int) -> dict[str, Any] | None:
    """Return the breakdown with every group of fewer than ``threshold`` voters merged into ``other``."""
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 0:
        raise ValueError(f"threshold must be an int >= 0, got {threshold!r}")
    if groups is None:
        return None
    kept = {key: group for key, group in groups.items() if not 0 < _voters(group) < threshold}
    if len(kept) == len(groups):
        return {key: dict(group) for key, group in groups.items()}
    hidden = [key for key in groups if key not in kept]
    while sum(_voters(groups[key]) for key in hidden) < threshold:
        holding = [key for key in kept if _voters(kept[key]) > 0]
        if not holding:
            break
        smallest = min(holding, key=lambda key: _voters(kept[key]))
        kept.pop(smallest)
        hidden.append(smallest)
    shown: dict[str, Any] = {key: dict(group) for key, group in kept.items()}
    shown[OTHER] = _merge([groups[key] for key in hidden], threshold)
    return shown


def protect_breakdowns(result: Mapping[str, Any], threshold: int) -> dict[str, Any]:
    """Return a secret round's stored result with both breakdowns protected; other keys unchanged."""
    protected = dict(result)
    for key in ("by_region", "by_category"):
        if key in result:
            protected[key] = protect_small_groups(result[key], threshold)
    return protected


def has_merged_groups(result: Mapping[str, Any]) -> bool:
    """Tell whether any breakdown of the result merged small groups into ``other``."""
    return any(OTHER in (result.get(key) or {}) for key in ("by_region", "by_category"))
