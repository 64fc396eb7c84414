"""Key points raised before a draft: what a point may say, which language it is in, how lists page.

Pure Python. A point is plain text of at most MAX_POINT_LENGTH characters in one of the four
languages; when its author does not say which, ``detect_language`` guesses from the script and the
most common short words of each language.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from principles_app.domain.languages import LANGUAGES, Language

MAX_POINT_LENGTH = 1000
MAX_THEME_LENGTH = 100
MAX_SESSION_LENGTH = 200
POINTS_PER_PAGE = 25

_WORDS = re.compile(r"[^\W\d_]+", re.UNICODE)
# Short words that occur in almost any sentence of one language and rarely in the others.
_COMMON_WORDS = {
    Language.EN: frozenset(
        [
            "the",
            "and",
            "of",
            "to",
            "in",
            "is",
            "that",
            "for",
            "with",
            "be",
            "are",
            "on",
            "not",
            "it",
            "we",
            "our",
            "they",
            "this",
            "by",
            "as",
            "should",
            "must",
            "from",
            "have",
        ]
    ),
    Language.ES: frozenset(
        [
            "el",
            "la",
            "los",
            "las",
            "de",
            "del",
            "que",
            "y",
            "en",
            "es",
            "por",
            "para",
            "con",
            "una",
            "un",
            "se",
            "su",
            "sus",
            "no",
            "debe",
            "deben",
            "como",
        ]
    ),
    Language.FR: frozenset(
        [
            "le",
            "la",
            "les",
            "des",
            "du",
            "de",
            "et",
            "est",
            "que",
            "qui",
            "pour",
            "dans",
            "une",
            "un",
            "sur",
            "au",
            "aux",
            "ne",
            "pas",
            "doit",
            "doivent",
            "nous",
            "leur",
        ]
    ),
}


def point_text_problem(text: str | None) -> str | None:
    """Say what is wrong with a point's text ("empty" or "too_long"), or None when it may be stored."""
    stripped = (text or "").strip()
    if not stripped:
        return "empty"
    if len(stripped) > MAX_POINT_LENGTH:
        return "too_long"
    return None


def detect_language(text: str) -> str:
    """Guess which of the four languages a text is written in (English when nothing says otherwise)."""
    letters = [ch for ch in text if ch.isalpha()]
    if letters:
        arabic = sum(1 for ch in letters if "ARABIC" in unicodedata.name(ch, ""))
        if arabic * 2 >= len(letters):
            return Language.AR.value
    words = [word.lower() for word in _WORDS.findall(text)]
    scores = {language: sum(1 for word in words if word in common) for language, common in _COMMON_WORDS.items()}
    if any(ch in text for ch in "ñ¿¡"):
        scores[Language.ES] += 2
    if any(ch in text for ch in "çœêèàù"):
        scores[Language.FR] += 2
    best = max(scores, key=lambda language: (scores[language], language == Language.EN))
    return best.value if scores[best] > 0 else Language.EN.value


def chosen_language(language: str | None, text: str) -> str:
    """Return the language the author chose if it is one of the four, else the detected one."""
    return language if language in LANGUAGES else detect_language(text)


@dataclass(frozen=True)
class Page:
    """One page of a list: which page, how many per page, and how many items in all."""

    number: int
    size: int
    total: int

    @property
    def pages(self) -> int:
        """Return how many pages the list has (at least one)."""
        return max(1, -(-self.total // self.size))

    @property
    def offset(self) -> int:
        """Return how many items come before this page."""
        return (self.number - 1) * self.size

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def sources_apply_to(from_version: int, until_version: int | None, version: int) -> bool:
    """Tell whether a principle's link to a point, made at from_version and ended at until_version, holds in a version.

    A link holds from the version current when the secretariat made it until the version in which it
    was removed (exclusive); merges in between never touch it, so an amended principle keeps its sources.
    """
    return from_version <= version and (until_version is None or version < until_version)
