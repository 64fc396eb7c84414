"""Filters and globals the templates share: times in the reader's zone, languages, enum names."""
from __future__ import annotations

from datetime import datetime

from babel.lists import format_list
from flask import Flask
from flask_babel import format_datetime, get_locale, get_timezone

from principles_app import labels
from principles_app.domain.amendments import AmendmentKind, AmendmentStatus
from principles_app.domain.languages import LANGUAGE_NAMES, SOURCE_LANGUAGE, direction_of
from principles_app.domain.rounds import RoundKind, RoundState
from principles_app.domain.voting import MotionEffect, MotionOutcome, Secrecy


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
    from babel import dates
    from flask_babel import get_locale

    from principles_app.domain.times import load_zone

    locale, local = get_locale(), value.astimezone(load_zone(zone_name))
    if fmt == "full":
        pattern = dates.get_datetime_format("full", locale=locale).replace("'", "")
        shown = pattern.replace("{1}", dates.format_date(local, "full", locale=locale)).replace(
            "{0}", dates.format_time(local, "short", locale=locale))
    else:
        shown = dates.format_datetime(local, fmt, tzinfo=local.tzinfo, locale=locale)
    return f"{shown} ({zone_name})"


def time_remaining(value: datetime | None, now: datetime | None = None) -> str:
    """Say how long until (or since) an aware time, in two units: "in 3 days and 4 hours"."""
    if value is None:
        return ""
    from babel.lists import format_list
    from babel.units import format_unit
    from flask_babel import get_locale, gettext

    from principles_app.db import utcnow
    from principles_app.domain.times import humanise_remaining

    locale = get_locale()
    delta = value - (now or utcnow())
    parts = [format_unit(amount, f"duration-{unit}", length="long", locale=locale)
             for amount, unit in humanise_remaining(delta)]
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


def named(value, names):
    """Name a stored value in the reader's language: ``amendment.status|named(AMENDMENT_STATUS_NAMES)``."""
    return labels.name_of(names, value)


def register_template_helpers(app: Flask) -> None:
    """Make the shared filters and globals available to every template."""
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["deadline"] = deadline
    app.jinja_env.filters["time_remaining"] = time_remaining
    app.jinja_env.filters["language_list"] = language_list
    app.jinja_env.filters["named"] = named
    app.jinja_env.globals["LANGUAGE_NAMES"] = LANGUAGE_NAMES
    app.jinja_env.globals["direction_of"] = direction_of
    app.jinja_env.globals["SOURCE_LANGUAGE"] = SOURCE_LANGUAGE
    # Templates compare stored values with the domain's enums, never with spelt-out strings.
    for vocabulary in (AmendmentKind, AmendmentStatus, RoundKind, RoundState, Secrecy, MotionOutcome, MotionEffect):
        app.jinja_env.globals[vocabulary.__name__] = vocabulary
    for names in ("REGION_NAMES", "CATEGORY_NAMES", "ROLE_NAMES", "AMENDMENT_STATUS_NAMES", "ROUND_KIND_NAMES",
                  "ROUND_STATE_NAMES", "CHOICE_NAMES", "MOTION_EFFECT_NAMES", "MAJORITY_NAMES"):
        app.jinja_env.globals[names] = getattr(labels, names)

