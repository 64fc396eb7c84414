"""Fair deadlines: a round's closing time in the local time of every region's member organisations.

Pure Python (zoneinfo only). Each organisation is placed in one zone (the one most of its users
chose, else its region's default); a closing time between 22:00 and 06:00 there is at night. When
that is so for more than a quarter of the organisations, the deadline is unfair: the regions hit
are listed and the nearest closing time (in half-hour steps) at night for at most a quarter is
suggested. Nothing is refused: the secretariat decides.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from principles_app.domain.times import FALLBACK_ZONE, REGION_DEFAULT_ZONES, is_known_zone

NIGHT_STARTS, NIGHT_ENDS = 22, 6  # local hours: [22:00, 06:00) is night
UNFAIR_SHARE = 0.25  # more than this share of organisations at night is unfair
STEP = timedelta(minutes=30)
SEARCH_STEPS = 48  # a day either way


@dataclass(frozen=True)
class MemberPlace:
    """A member organisation, its region and the zones its users chose (possibly none)."""

    organisation_id: int
    region: str
    zones: tuple[str, ...] = ()

    @property
    def zone(self) -> str:
        """The zone most of its users chose (ties: alphabetical), else the region's default."""
        known = Counter(z for z in self.zones if is_known_zone(z))
        if known:
            return min(known, key=lambda z: (-known[z], z))
        return REGION_DEFAULT_ZONES.get(self.region, FALLBACK_ZONE)


@dataclass(frozen=True)
class LocalClosing:
    """The closing time as the organisations of one region in one zone see it."""

    region: str
    zone: str
    local: datetime
    organisations: int

    @property
    def at_night(self) -> bool:
        return is_night(self.local)


@dataclass(frozen=True)
class Fairness:
    """Where and when a closing time falls, whether it is unfair, and a fairer time if so."""

    closes_at: datetime
    closings: list[LocalClosing]
    organisations: int
    at_night: int
    suggestion: datetime | None

    @property
    def unfair(self) -> bool:
        return bool(self.organisations) and self.at_night / self.organisations > UNFAIR_SHARE

    @property
    def warnings(self) -> list[dict]:
        """The regions where it closes at night, when the time is unfair (the API's ``deadline_warnings``)."""
        if not self.unfair:
            return []
        return [
            {"region": c.region, "organisations": c.organisations, "local_time": c.local.isoformat()}
            for c in self.closings
            if c.at_night
        ]


def is_night(local: datetime) -> bool:
    """Tell whether a local time falls between 22:00 and 06:00."""
    return local.hour >= NIGHT_STARTS or local.hour < NIGHT_ENDS


def local_closings(closes_at: datetime, members: Iterable[MemberPlace]) -> list[LocalClosing]:
    """Group the organisations by region and zone, with the closing time there (regions in order)."""
    groups = Counter((m.region, m.zone) for m in members)
    return [
        LocalClosing(region, zone, closes_at.astimezone(ZoneInfo(zone)), count)
        for (region, zone), count in sorted(groups.items())
    ]


def _night_count(closes_at: datetime, zones: Counter) -> int:
    return sum(count for zone, count in zones.items() if is_night(closes_at.astimezone(ZoneInfo(zone))))


def fairness(closes_at: datetime, members: Sequence[MemberPlace]) -> Fairness:
    """Judge a closing time for the member organisations; suggest the nearest fair one if it is unfair."""
    closings = local_closings(closes_at, members)
    zones = Counter(m.zone for m in members)
    total = len(members)
    night = _night_count(closes_at, zones)
    suggestion = None
    if total and night / total > UNFAIR_SHARE:
        for step in range(1, SEARCH_STEPS + 1):
            # Later first: extending a deadline is kinder than shortening it.
            for candidate in (closes_at + step * STEP, closes_at - step * STEP):
                if _night_count(candidate, zones) / total <= UNFAIR_SHARE:
                    suggestion = candidate
                    break
            if suggestion is not None:
                break
    return Fairness(closes_at, closings, total, night, suggestion)
