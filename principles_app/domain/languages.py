"""The languages the platform speaks, each named in itself (a reader finds their own language by its name)."""
from __future__ import annotations

LANGUAGE_NAMES = {"en": "English", "es": "Español", "fr": "Français", "ar": "العربية"}


def language_name(code: str) -> str:
    """Name a language in itself, with its code: "Español (es)"; an unknown code is shown as it is."""
    name = LANGUAGE_NAMES.get(code)
    return f"{name} ({code})" if name else code
