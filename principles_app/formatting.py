"""Formatting that needs no request: times in a zone, "in 3 days and 4 hours", lists, names of values.

Templates (as filters), emails and exports share these, so a deadline reads the same everywhere.
They format in the current Babel locale (the reader's, or the one an email is written in).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from babel import dates
from babel.lists import format_list
from babel.units import format_unit
from flask_babel import format_datetime, get_locale, get_timezone, gettext

from principles_app import labels
from principles_app.db import utcnow
from principles_app.domain.times import humanise_remaining, load_zone


def local_time(value: datetime | None, fmt: str = "medium") -> str:
    """Show an aware UTC time in the reader's zone, with the zone named."""
    if value is None:
        return ""
    zone = get_timezone()
    return f"{format_datetime(value, fmt)} ({zone.key if hasattr(zone, 'key') else zone})"


def time_in_zone(value: datetime | None, zone_name: str, fmt: str = "medium") -> str:
    """Show an aware UTC time in a named zone and the current language, with the zone named.

    ``fmt="full"`` gives the weekday and date in full with hours and minutes ("Saturday,
    December 12, 2026, 1:26 AM"), what a deadline in an email needs.
    """
    if value is None:
        return ""
    locale, local = get_locale(), value.astimezone(load_zone(zone_name))
    if fmt == "full":
        pattern = dates.get_datetime_format("full", locale=locale).replace("'", "")
        shown = pattern.replace("{1}", dates.format_date(local, "full", locale=locale)).replace(
            "{0}", dates.format_time(local, "short", locale=locale)
        )
    else:
        shown = dates.format_datetime(local, fmt, tzinfo=local.tzinfo, locale=locale)
    return f"{shown} ({zone_name})"


def time_remaining(value: datetime | None, now: datetime | None = None) -> str:
    """Say how long until (or since) an aware time, in two units: "in 3 days and 4 hours"."""
    if value is None:
        return ""
    locale = get_locale()
    delta = value - (now or utcnow())
    parts = [
        format_unit(amount, f"duration-{unit}", length="long", locale=locale)
        for amount, unit in humanise_remaining(delta)
    ]
    duration = format_list(parts, style="standard", locale=locale)
    if delta.total_seconds() >= 0:
        return gettext("in %(duration)s", duration=duration)
    return gettext("%(duration)s ago", duration=duration)


def deadline(value: datetime | None, zone_name: str | None = None, now: datetime | None = None) -> str:
    """Show a deadline in the reader's zone (or a given one) and how long remains until it."""
    if value is None:
        return ""
    shown = time_in_zone(value, zone_name, "full") if zone_name else local_time(value)
    return f"{shown}, {time_remaining(value, now)}"


def language_list(items: list[str]) -> str:
    """Join names as a list in the current language ("A, B and C", "A، B وC")."""
    return format_list([str(item) for item in items], style="standard", locale=get_locale()) if items else ""


def named(value: Any, names: dict[str, Any]) -> Any:
    """Name a stored value in the reader's language: ``amendment.status|named(AMENDMENT_STATUS_NAMES)``."""
    return labels.name_of(names, value)
