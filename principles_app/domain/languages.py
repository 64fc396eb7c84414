"""The languages the platform speaks, which of them run right to left, and each one's own name."""

from __future__ import annotations

from enum import StrEnum


class Language(StrEnum):
    """Name an interface language by its code."""

    EN = "en"
    ES = "es"
    FR = "fr"
    AR = "ar"


#: Every interface language's code, as a plain string, in the order menus list them.
LANGUAGES = tuple(language.value for language in Language)
#: The language a reader gets when nothing says otherwise.
DEFAULT_LANGUAGE = Language.EN.value
#: The language the authoritative text is written in.
SOURCE_LANGUAGE = Language.EN.value
#: Every interface language but the source: what a principle can be translated into.
TRANSLATION_LANGUAGES = tuple(code for code in LANGUAGES if code != SOURCE_LANGUAGE)
RTL_LANGUAGES = frozenset({Language.AR.value})

#: Each language named in itself (a reader finds their own language by its name), never translated.
LANGUAGE_NAMES = {Language.EN: "English", Language.ES: "Español", Language.FR: "Français", Language.AR: "العربية"}


def direction_of(language: str | None) -> str:
    """Return "rtl" or "ltr", the direction a language's text runs in."""
    return "rtl" if language in RTL_LANGUAGES else "ltr"


def language_name(code: str) -> str:
    """Name a language in itself, with its code: "Español (es)"; an unknown code is shown as it is."""
    name = LANGUAGE_NAMES.get(code)
    return f"{name} ({code})" if name else code
