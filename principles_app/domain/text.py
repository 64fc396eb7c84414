"""What text may hold, and the key under which a name must be unique.

Pure Python. A publication is immutable and is served as XML (the Atom feed), DOCX, PDF, HTML,
Markdown and JSON: a character that one of them cannot carry would break it for good. So every
text field refuses control characters (tab and line breaks only where the field has lines) and
the bidirectional overrides, embeddings and isolates, which would reorder whatever follows them on
a page. Everything else — emoji, right-to-left scripts, combining marks, zero-width joiners — is
welcome.

Names that must be unique (organisations, e-mail addresses) are compared by a key: NFKC, case
folded, without zero-width characters; an organisation's key is also its confusable skeleton
(Unicode TR39), so a Cyrillic "М" does not make a second "Maghreb Media Monitor".
"""

from __future__ import annotations

import hashlib
import re
import string
import unicodedata
from functools import cache

from confusable_homoglyphs.confusables import confusables_data


def N_(message: str) -> str:
    """Mark a message for extraction; the caller translates it."""
    return message


LINE_BREAKS = frozenset("\n\r")
# Bidirectional embeddings and overrides (LRE, RLE, PDF, LRO, RLO) and isolates (LRI, RLI, FSI, PDI).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# No XML document can hold these, nor can a UTF-8 database text hold a lone surrogate.
NOT_XML = frozenset("\ufffe\uffff")

CONTROL_MESSAGE = N_("The text contains a control character; remove it.")
LINE_BREAK_MESSAGE = N_("Keep this on one line: no line breaks or tabs.")
BIDI_MESSAGE = N_("The text contains an invisible direction override; remove it.")
UNSTORABLE_MESSAGE = N_("The text contains a character that cannot be stored.")

_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad\u180e]")
_SPACES = re.compile(r"\s+")


# C0 and C1 controls and DEL (Unicode category Cc); paragraphs keep tab, line feed and carriage return.
_ONE_LINE_CONTROLS = "\x00-\x1f\x7f-\x9f"
_PARAGRAPH_CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_REFUSED = "\u202a-\u202e\u2066-\u2069\ufffe\uffff\ud800-\udfff"
_ONE_LINE_PROBLEM = re.compile(f"[{_ONE_LINE_CONTROLS}{_REFUSED}]")
_PARAGRAPHS_PROBLEM = re.compile(f"[{_PARAGRAPH_CONTROLS}{_REFUSED}]")


def text_problem(value: str, multiline: bool) -> str | None:
    """Return why the text cannot be stored (an English message to translate), or None when it can."""
    found = (_PARAGRAPHS_PROBLEM if multiline else _ONE_LINE_PROBLEM).search(value)
    if found is None:
        return None
    character = found.group()
    if character == "\x00" or character in NOT_XML or "\ud800" <= character <= "\udfff":
        return UNSTORABLE_MESSAGE
    if character in BIDI_CONTROLS:
        return BIDI_MESSAGE
    return LINE_BREAK_MESSAGE if character in LINE_BREAKS or character == "\t" else CONTROL_MESSAGE


def comparison_key(name: str) -> str:
    """Return the key two names share when a reader would take them for the same.

    NFKC, case folded, without zero-width characters or spaces: "Maghreb\u200bMedia Monitor"
    and "maghreb media monitor" share a key.
    """
    text = unicodedata.normalize("NFKC", name)
    text = _SPACES.sub("", _ZERO_WIDTH.sub("", text))
    return unicodedata.normalize("NFKC", text.casefold())


def organisation_name_key(name: str) -> str:
    """Return the key under which an organisation's name must be unique: its case-blind confusable skeleton."""
    text = _SPACES.sub("", _ZERO_WIDTH.sub("", unicodedata.normalize("NFKC", name)))
    return _skeleton(_skeleton(text).casefold())


def _skeleton(text: str) -> str:
    """Map every character to the representative of its confusable class (TR39 skeleton, case-blind)."""
    representatives = _representatives()
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFD", "".join(representatives.get(character, character) for character in decomposed))


@cache
def _representatives() -> dict[str, str]:
    """Return the representative of each confusable character's class.

    The library's table links each character of TR39's confusables.txt with its prototype both
    ways, so its connected classes of single characters are TR39's classes. The Latin capitals
    are joined with their small letters, because names are compared regardless of case (which
    also makes "I", "l" and "1" one class, as they look). A class is represented by a small Latin
    letter when it has one, so keys stay readable.
    """
    parent: dict[str, str] = {}

    def root(character: str) -> str:
        while parent.get(character, character) != character:
            character = parent[character]
        return character

    def join(first: str, second: str) -> None:
        first, second = root(first), root(second)
        if first != second:
            parent[max(first, second)] = min(first, second)

    for character, homoglyphs in confusables_data.items():
        for homoglyph in homoglyphs:
            if len(character) == 1 and len(homoglyph["c"]) == 1:
                join(character, homoglyph["c"])
    for capital in string.ascii_uppercase:
        join(capital, capital.lower())
    classes: dict[str, list[str]] = {}
    for character in parent.keys() | set(parent.values()):
        classes.setdefault(root(character), []).append(character)
    representatives = {}
    for members in classes.values():
        best = min(members, key=lambda c: (c not in string.ascii_lowercase, c not in string.ascii_letters, c))
        representatives.update(dict.fromkeys(members, best))
    return representatives


def unique_key(key: str) -> str:
    """Return the fixed-size form of a comparison key that a unique index holds (its SHA-256, hex)."""
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_characters(text: str) -> str:
    """Return the text without the characters no XML document can hold (for what was stored before the rule)."""
    return _NOT_IN_XML.sub("", text)
