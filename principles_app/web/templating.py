"""Filters and globals the templates share: times in the reader's zone, languages."""
from __future__ import annotations

from datetime import datetime

from flask import Flask
from flask_babel import format_datetime, get_timezone, lazy_gettext as _l

LANGUAGE_NAMES = {"en": "English", "es": "Español", "fr": "Français", "ar": "العربية"}


def local_time(value: datetime | None, fmt: str = "medium") -> str:
    """Show an aware UTC time in the reader's zone, with the zone named."""
    if value is None:
        return ""
    zone = get_timezone()
    return f"{format_datetime(value, fmt)} ({zone.key if hasattr(zone, 'key') else zone})"


def register_template_helpers(app: Flask) -> None:
    """Make the shared filters and globals available to every template."""
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.globals["LANGUAGE_NAMES"] = LANGUAGE_NAMES
    app.jinja_env.globals["REGION_NAMES"] = REGION_NAMES
    app.jinja_env.globals["CATEGORY_NAMES"] = CATEGORY_NAMES
    app.jinja_env.globals["ROLE_NAMES"] = ROLE_NAMES


REGION_NAMES = {
    "africa": _l("Africa"),
    "americas": _l("Americas"),
    "asia_pacific": _l("Asia-Pacific"),
    "europe_central_asia": _l("Europe & Central Asia"),
    "mena": _l("Middle East & North Africa"),
    "international": _l("International"),
}
CATEGORY_NAMES = {"member": _l("Member"), "ally": _l("Ally"), "donor": _l("Donor"), "secretariat": _l("Secretariat")}
ROLE_NAMES = {"member": _l("Member delegate"), "observer": _l("Observer"), "secretariat": _l("Secretariat")}
