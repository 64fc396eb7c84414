"""Local times of day in a reader's zone: parse them to UTC safely, say how long remains.

Pure Python (zoneinfo only). Clock changes make local wall times tricky: in a spring-forward
gap a time never happens (refused: the form asks again), in an autumn overlap it happens twice
(the earlier one is taken, and the caller is told so it can say so).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from principles_app.domain.organisations import Region

# A sensible default per region when a user has not chosen a zone: the zone of a large
# member-dense city of the region. Users pick their own in their profile; this only avoids
# showing a delegate in Lagos or Bogotá every deadline in UTC on their first visit.
REGION_DEFAULT_ZONES = {
    Region.AFRICA: "Africa/Lagos",
    Region.AMERICAS: "America/Bogota",
    Region.ASIA_PACIFIC: "Asia/Bangkok",
    Region.EUROPE_CENTRAL_ASIA: "Europe/Berlin",
    Region.MENA: "Africa/Cairo",
    Region.INTERNATIONAL: "UTC",
}
FALLBACK_ZONE = "UTC"
DATETIME_LOCAL_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S")


# A stored instant must have a local time in every zone (UTC-12 to UTC+14): keep a day from the
# calendar's ends, which Python cannot step past.
EARLIEST_INSTANT = datetime(1, 1, 2, tzinfo=UTC)
LATEST_INSTANT = datetime(9999, 12, 30, tzinfo=UTC)


def within_calendar(moment: datetime) -> datetime:
    """Return the aware instant in UTC, or raise ValueError when it lies at the calendar's edge or beyond."""
    try:
        utc = moment.astimezone(UTC)
    except OverflowError:
        raise ValueError("the time lies outside the calendar") from None
    if not EARLIEST_INSTANT <= utc <= LATEST_INSTANT:
        raise ValueError("the time lies at the edge of the calendar")
    return utc


class UnknownTimeZone(ValueError):
    """Signal a time zone name that is not in the IANA database."""


class NonexistentLocalTime(ValueError):
    """Signal a local time skipped by a clock change (a spring-forward gap)."""

    def __init__(self, local: datetime, zone_name: str) -> None:
        self.local = local
        self.zone_name = zone_name
        super().__init__(f"{local:%Y-%m-%d %H:%M} does not exist in {zone_name}: the clocks skip it")


@dataclass(frozen=True)
class LocalResolution:
    """A local wall time resolved to one UTC instant, saying whether it was ambiguous."""

    utc: datetime
    ambiguous: bool = False
    # When ambiguous: the later instant, which was not chosen.
    later_utc: datetime | None = None


@cache
def known_zones() -> frozenset[str]:
    """Return every IANA zone name (read once: listing them walks the zone database)."""
    return frozenset(available_timezones())


def is_known_zone(zone_name: str | None) -> bool:
    """Tell whether a name is an IANA time zone."""
    return isinstance(zone_name, str) and zone_name in known_zones()


def load_zone(zone_name: str) -> ZoneInfo:
    """Return the ZoneInfo for an IANA name, or raise UnknownTimeZone."""
    if not is_known_zone(zone_name):
        raise UnknownTimeZone(f"unknown time zone {zone_name!r}")
    try:
        return ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UnknownTimeZone(f"unknown time zone {zone_name!r}") from None


def zone_for(time_zone: str | None, region: str | None) -> str:
    """Return the zone a person sees times in: their choice, else their region's default, else UTC."""
    if time_zone and is_known_zone(time_zone):
        return time_zone
    return REGION_DEFAULT_ZONES.get(str(region) if region is not None else "", FALLBACK_ZONE)


def _naive(text_or_naive_dt: str | datetime) -> datetime:
    if isinstance(text_or_naive_dt, datetime):
        if text_or_naive_dt.tzinfo is not None:
            raise ValueError("expected a local (naive) date and time, got an aware one")
        return text_or_naive_dt
    if not isinstance(text_or_naive_dt, str):
        raise ValueError("expected a date and time")
    text = text_or_naive_dt.strip()
    for fmt in DATETIME_LOCAL_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise ValueError(f"not a date and time: {text!r} (expected YYYY-MM-DDTHH:MM)")


def resolve_local_datetime(text_or_naive_dt: str | datetime, zone_name: str) -> LocalResolution:
    """Resolve a local wall time in a zone to UTC, refusing gaps and flagging overlaps."""
    zone = load_zone(zone_name)
    local = _naive(text_or_naive_dt)
    earlier = local.replace(tzinfo=zone, fold=0)
    later = local.replace(tzinfo=zone, fold=1)
    earlier_utc = within_calendar(earlier)
    # In a gap, the wall time does not survive a round trip through UTC.
    if earlier_utc.astimezone(zone).replace(tzinfo=None) != local:
        raise NonexistentLocalTime(local, zone_name)
    later_utc = within_calendar(later)
    if later_utc != earlier_utc:
        return LocalResolution(utc=earlier_utc, ambiguous=True, later_utc=later_utc)
    return LocalResolution(utc=earlier_utc)


def parse_local_datetime(text_or_naive_dt: str | datetime, zone_name: str) -> datetime:
    """Return the aware UTC instant of a local wall time; the earlier one in an overlap."""
    return resolve_local_datetime(text_or_naive_dt, zone_name).utc


def to_local_input(moment: datetime, zone_name: str) -> str:
    """Return an aware instant as the value of a datetime-local input in a zone."""
    if moment.tzinfo is None:
        raise ValueError("expected an aware datetime")
    return moment.astimezone(load_zone(zone_name)).strftime("%Y-%m-%dT%H:%M")


UNITS = (("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1))


def humanise_remaining(delta: timedelta) -> list[tuple[int, str]]:
    """Return the two largest units of a duration, e.g. [(3, "day"), (4, "hour")].

    The sign is dropped (the caller says "in …" or "… ago"); the second unit is left out when
    it is zero, and seconds appear only when less than a minute remains.
    """
    seconds = int(abs(delta.total_seconds()))
    parts: list[tuple[int, str]] = []
    for index, (unit, size) in enumerate(UNITS):
        if seconds >= size or (unit == "second" and not parts):
            value, rest = divmod(seconds, size)
            parts.append((value, unit))
            if index + 1 < len(UNITS) and unit != "minute":
                next_unit, next_size = UNITS[index + 1]
                if rest // next_size:
                    parts.append((rest // next_size, next_unit))
            break
    return parts
