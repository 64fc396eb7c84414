"""Country names in the reader's language, from Babel's locale data, for the ISO 3166 codes the domain knows."""

from __future__ import annotations

from functools import cache

from babel import Locale

from principles_app.domain.endorsements import COUNTRIES
from principles_app.domain.languages import DEFAULT_LANGUAGE


@cache
def _names(language: str) -> dict[str, str]:
    try:
        territories = Locale.parse(language).territories
    except (ValueError, TypeError):
        territories = Locale.parse(DEFAULT_LANGUAGE).territories
    return {code: territories.get(code, code) for code in COUNTRIES}


def country_name(code: str, language: str) -> str:
    """Return a country's name in a language (its code when unknown)."""
    return _names(language).get(code, code)


def country_choices(language: str) -> list[tuple[str, str]]:
    """Return every country as (code, localised name), ordered by name in that language."""
    return sorted(_names(language).items(), key=lambda pair: pair[1].casefold())
