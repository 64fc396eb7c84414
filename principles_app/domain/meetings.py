"""General Meetings: attendance modes, the check-in window, quorum arithmetic and proxy rules.

Pure Python. Weights are exact decimals; a quorum is a fraction of the eligible weight that must
be present or represented. A proxy hands one member organisation's vote to another for the
meeting: before the deadline, never to itself, no chains, at most ``proxy_limit`` per holder.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum

DEFAULT_QUORUM = Decimal("0.5")
DEFAULT_PROXY_LIMIT = 2
#: A member may check its organisation in from this long before the meeting starts.
CHECK_IN_LEAD = timedelta(hours=2)
MAX_TITLE = 200
MAX_PLACE = 200
MAX_URL = 500


class Mode(StrEnum):
    """Say how an organisation attends: absent has no row."""

    IN_ROOM = "in_room"
    ONLINE = "online"
    ABSENT = "absent"


PRESENT_MODES = frozenset({Mode.IN_ROOM, Mode.ONLINE})


class ProxyRefusal(StrEnum):
    """Say why a proxy cannot be given."""

    CLOSED = "closed"
    TO_ITSELF = "to_itself"
    GIVER_INELIGIBLE = "giver_ineligible"
    HOLDER_INELIGIBLE = "holder_ineligible"
    ALREADY_GIVEN = "already_given"
    HOLDER_GIVES = "holder_gives"
    GIVER_HOLDS = "giver_holds"
    OVER_LIMIT = "over_limit"


def check_quorum_fraction(quorum: Decimal) -> Decimal:
    """Return the quorum as an exact decimal in (0, 1], or raise ValueError."""
    value = Decimal(quorum)
    if not value.is_finite() or not Decimal(0) < value <= Decimal(1):
        raise ValueError("the quorum must be above 0 and at most 1")
    if value != value.quantize(Decimal("0.0001")):
        raise ValueError("the quorum has at most four decimal places")
    return value


def check_times(starts_at: datetime, ends_at: datetime, proxies_close_at: datetime | None) -> datetime:
    """Check a meeting's times (aware) and return when proxies close (default: the start)."""
    for moment in (starts_at, ends_at, proxies_close_at):
        if moment is not None and moment.tzinfo is None:
            raise ValueError("every time must carry its zone")
    if ends_at <= starts_at:
        raise ValueError("the meeting must end after it starts")
    close = starts_at if proxies_close_at is None else proxies_close_at
    if close > ends_at:
        raise ValueError("proxies must close before the meeting ends")
    return close


def check_in_open(now: datetime, starts_at: datetime, ends_at: datetime) -> bool:
    """Tell whether a member may check its own organisation in now: from 2 hours before the start to the end."""
    return starts_at - CHECK_IN_LEAD <= now <= ends_at


def proxies_open(now: datetime, proxies_close_at: datetime) -> bool:
    """Tell whether proxies may still be given or revoked."""
    return now < proxies_close_at


@dataclass(frozen=True)
class Summary:
    """Who is present or represented at a meeting, and whether that makes the quorum."""

    present_count: int
    present_weight: Decimal
    represented_count: int
    represented_weight: Decimal
    eligible_count: int
    eligible_weight: Decimal
    quorum: Decimal
    required_weight: Decimal
    quorum_reached: bool


def represented(present: Iterable[int], proxies: Mapping[int, int]) -> set[int]:
    """Return the givers whose holder is present (and who are not present themselves)."""
    here = set(present)
    return {giver for giver, holder in proxies.items() if holder in here and giver not in here}


def summarise(
    weights: Mapping[int, Decimal], present: Iterable[int], proxies: Mapping[int, int], quorum: Decimal
) -> Summary:
    """Count presence against the eligible organisations' weights (organisation id → weight).

    Only eligible organisations count; the quorum is reached when present plus represented
    weight is at least ``quorum`` × the eligible weight, exactly.
    """
    here = {org for org in present if org in weights}
    by_proxy = {org for org in represented(here, proxies) if org in weights}
    eligible_weight = sum(weights.values(), Decimal(0))
    present_weight = sum((weights[o] for o in here), Decimal(0))
    represented_weight = sum((weights[o] for o in by_proxy), Decimal(0))
    required = Decimal(quorum) * eligible_weight
    reached = eligible_weight > 0 and present_weight + represented_weight >= required
    return Summary(
        present_count=len(here),
        present_weight=present_weight,
        represented_count=len(by_proxy),
        represented_weight=represented_weight,
        eligible_count=len(weights),
        eligible_weight=eligible_weight,
        quorum=Decimal(quorum),
        required_weight=required,
        quorum_reached=reached,
    )


def opening_refused(summary: Summary) -> tuple[Decimal, Decimal, Decimal] | None:
    """Say why a round of the meeting may not open: (present + represented, eligible, required weight), or None.

    Exact: a quorum met to the last decimal opens the round.
    """
    if summary.quorum_reached:
        return None
    here = summary.present_weight + summary.represented_weight
    return (here, summary.eligible_weight, summary.required_weight)


def plain_weight(weight: Decimal) -> str:
    """Write a weight without trailing zeros: 3.5000 as 3.5, 4.0000 as 4."""
    text = format(Decimal(weight).normalize(), "f")
    return text if text != "-0" else "0"


def proxy_refusal(
    giver: int,
    holder: int,
    eligible: Iterable[int],
    proxies: Mapping[int, int],
    proxy_limit: int,
    now: datetime,
    proxies_close_at: datetime,
) -> ProxyRefusal | None:
    """Return why ``giver`` may not hand its vote to ``holder`` given the standing proxies, or None."""
    members = set(eligible)
    if not proxies_open(now, proxies_close_at):
        return ProxyRefusal.CLOSED
    if giver == holder:
        return ProxyRefusal.TO_ITSELF
    if giver not in members:
        return ProxyRefusal.GIVER_INELIGIBLE
    if holder not in members:
        return ProxyRefusal.HOLDER_INELIGIBLE
    if giver in proxies:
        return ProxyRefusal.ALREADY_GIVEN
    if holder in proxies:
        return ProxyRefusal.HOLDER_GIVES
    if giver in proxies.values():
        return ProxyRefusal.GIVER_HOLDS
    if sum(1 for h in proxies.values() if h == holder) >= proxy_limit:
        return ProxyRefusal.OVER_LIMIT
    return None
