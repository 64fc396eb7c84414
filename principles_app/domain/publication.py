"""Publication of an adopted version: canonical form, hash and export model.

This module is pure Python (no Flask, no SQLAlchemy) so that the hash of a
published version can be recomputed anywhere, and so that every export
renderer (HTML, PDF, Markdown, JSON, DOCX) works from one plain data model.

Canonical serialisation and SHA-256 of a version
================================================

Every adopted version of the Principles is identified by the SHA-256 of its
*canonical JSON*.  Anyone can recompute it from the published text:

1. Normalise every string (the title, the preamble, and each principle's
   title and text):

   a. Unicode Normalization Form C (NFC);
   b. replace every CR LF pair, then every remaining lone CR, by LF;
   c. remove trailing whitespace from every line (whitespace as in Python's
      ``str.isspace()``: spaces, tabs, no-break spaces, ...);
   d. remove trailing whitespace (including newlines) from the whole string.

   Leading whitespace is kept.  A missing preamble is the empty string.

2. Build a JSON object with exactly these keys::

       {"title": str,
        "preamble": str,
        "principles": [{"number": int, "title": str, "text": str}, ...]}

   The principles stay in document order (the order in which they are
   published, normally by ascending number).  ``number`` is a JSON integer.

3. Serialise it with the keys of every object sorted by code point, no
   whitespace between tokens (separators ``,`` and ``:``), non-ASCII
   characters written as themselves (not ``\\uXXXX`` escapes), and encode the
   result as UTF-8.  Only ``"``, ``\\`` and control characters below U+0020
   are escaped (``\\n``, ``\\r``, ``\\t``, ``\\b``, ``\\f``, others as
   ``\\u00xx`` with lowercase hex) - this is what Python's ``json.dumps`` and
   JavaScript's ``JSON.stringify`` both do.

4. The version hash is the lowercase hexadecimal SHA-256 of those bytes.

In Python::

    import hashlib, json, unicodedata
    def norm(s):
        s = unicodedata.normalize("NFC", s or "").replace("\\r\\n", "\\n").replace("\\r", "\\n")
        return "\\n".join(line.rstrip() for line in s.split("\\n")).rstrip()
    obj = {"title": norm(title), "preamble": norm(preamble),
           "principles": [{"number": int(n), "title": norm(t), "text": norm(x)} for n, t, x in principles]}
    data = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    print(hashlib.sha256(data).hexdigest())

The JSON export carries the normalised snapshot under ``canonical.snapshot``,
so ``hashlib.sha256(json.dumps(snapshot, ensure_ascii=False, sort_keys=True,
separators=(",", ":")).encode("utf-8")).hexdigest()`` equals its ``sha256``.

``canonical_text`` gives a separate, human-readable plain-text form (used for
display and diffs); it is *not* the input of the hash.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

__all__ = [
    "CANONICAL_RECIPE",
    "DEFAULT_LABELS",
    "AdoptionResult",
    "ExportPrinciple",
    "PublicationExport",
    "canonical_json",
    "canonical_text",
    "normalise",
    "snapshot_of",
    "term",
    "text_direction",
    "version_hash",
]

#: One-sentence recipe, repeated in the JSON export next to the snapshot.
CANONICAL_RECIPE = (
    "SHA-256 (lowercase hex) of the UTF-8 bytes of the snapshot serialised as JSON "
    "with object keys sorted, no whitespace between tokens (separators ',' and ':') "
    "and non-ASCII characters unescaped, i.e. Python's json.dumps(snapshot, "
    "ensure_ascii=False, sort_keys=True, separators=(',', ':')); every string in the "
    "snapshot is already normalised (Unicode NFC, CRLF/CR to LF, trailing whitespace "
    "removed from each line and from the whole string)."
)


# --------------------------------------------------------------------------
# Canonical form and hash
# --------------------------------------------------------------------------


def normalise(s: str | None) -> str:
    """Unicode NFC, CRLF/CR -> LF, strip trailing whitespace of each line and
    of the whole string.  ``None`` becomes ``""``."""
    if s is None:
        return ""
    if not isinstance(s, str):
        raise TypeError(f"expected str, got {type(s).__name__}")
    s = unicodedata.normalize("NFC", s)
    s = s.replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in s.split("\n")).rstrip()


def _number(value: Any) -> int:
    # bool is an int subclass; a principle number of True is a bug upstream.
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise TypeError(f"principle number must be an int, got {value!r}")
    return int(value)


def _canonical_object(snapshot: Mapping[str, Any]) -> dict[str, Any]:
    principles = []
    for p in snapshot.get("principles") or ():
        principles.append(
            {
                "number": _number(p["number"]),
                "title": normalise(p["title"]),
                "text": normalise(p["text"]),
            }
        )
    return {
        "title": normalise(snapshot["title"]),
        "preamble": normalise(snapshot.get("preamble")),
        "principles": principles,
    }


def canonical_json(snapshot: Mapping[str, Any]) -> bytes:
    """Canonical UTF-8 JSON bytes of a version snapshot (see module docstring).

    ``snapshot`` is ``{"title", "preamble", "principles": [{"number", "title",
    "text"}]}``; other keys are ignored, the order of keys does not matter,
    strings are normalised here.
    """
    obj = _canonical_object(snapshot)
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def version_hash(snapshot: Mapping[str, Any]) -> str:
    """Lowercase hex SHA-256 of :func:`canonical_json`."""
    return hashlib.sha256(canonical_json(snapshot)).hexdigest()


def canonical_text(title: str, preamble: str | None, principles: Sequence[tuple[str, str]]) -> str:
    """Human-readable canonical plain text of a version.

    Layout (all strings normalised, principles numbered 1..n in order)::

        Title

        Preamble            (omitted with its blank line when empty)

        1. First title
        First text

        2. Second title
        ...

    The result ends with exactly one LF.  This is for display and diffs; the
    hash is computed over :func:`canonical_json`, not over this text.
    """
    blocks = [normalise(title)]
    pre = normalise(preamble)
    if pre:
        blocks.append(pre)
    for i, (p_title, p_text) in enumerate(principles, start=1):
        head = f"{i}. {normalise(p_title)}"
        body = normalise(p_text)
        blocks.append(f"{head}\n{body}" if body else head)
    return "\n\n".join(blocks) + "\n"


def text_direction(s: str | None, default: str = "ltr") -> str:
    """``"ltr"`` or ``"rtl"`` from the first strong character of ``s`` (the
    rule of HTML's ``dir="auto"``, which WeasyPrint does not implement), or
    ``default`` when ``s`` has no strong character (digits, punctuation)."""
    for ch in s or "":
        bidi = unicodedata.bidirectional(ch)
        if bidi == "L":
            return "ltr"
        if bidi in ("R", "AL"):
            return "rtl"
    return default


# --------------------------------------------------------------------------
# Export model
# --------------------------------------------------------------------------


def N_(message: str) -> str:
    """Mark a fixed text for extraction into the catalogues; it is translated where it is shown."""
    return message


#: Fixed English texts used by every renderer.  They are marked with ``N_`` so that
#: ``pybabel extract -k N_`` puts them in the catalogues; the web layer passes
#: gettext-translated values for the same keys via ``PublicationExport.labels``;
#: missing keys fall back to these.  ``term`` puts a label before its value
#: ("Version: 3"), with the punctuation each language uses there.
DEFAULT_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "principles": N_("Principles"),
        "record": N_("Record"),
        "label": N_("Label"),
        "approved": N_("Approved on"),
        "meeting": N_("Meeting"),
        "version": N_("Version"),
        "sha256": N_("SHA-256 of the adopted text"),
        "language": N_("Language"),
        "source_language": N_("Original language"),
        "adoption_result": N_("Adoption result"),
        "vote": N_("Vote"),
        "weighted": N_("Weighted votes"),
        "organisations": N_("Organisations"),
        "yes": N_("Yes"),
        "no": N_("No"),
        "abstain": N_("Abstain"),
        "participation": N_("Participation"),
        "eligible": N_("Eligible"),
        "majority": N_("Majority required"),
        "quorum": N_("Quorum"),
        "quorum_reached": N_("reached"),
        "quorum_not_reached": N_("not reached"),
        "result": N_("Result"),
        "passed": N_("Adopted"),
        "not_passed": N_("Not adopted"),
        "closed_at": N_("Vote closed"),
        "no_adoption": N_("No vote record is attached to this version."),
        "credits": N_("Organisations that adopted these principles"),
        "translation_note": N_(
            "This is a translation. The adopted text in the original language is "
            "authoritative; the SHA-256 identifies that original text."
        ),
        "verify_note": N_(
            "The SHA-256 can be recomputed from the text: see the JSON export, "
            "which contains the canonical snapshot and the recipe."
        ),
        "term": N_("%(term)s:"),
    }
)


def term(labels: Mapping[str, str], label: str) -> str:
    """Return a label followed by the punctuation that introduces its value ("Version:")."""
    return labels.get("term", DEFAULT_LABELS["term"]) % {"term": label}


@dataclass(frozen=True)
class ExportPrinciple:
    number: int
    title: str
    text: str


@dataclass(frozen=True)
class AdoptionResult:
    """Figures of the vote that adopted the version, already formatted.

    Weights are decimal strings (as stored, e.g. ``"12.5"``); ``majority`` and
    ``quorum`` are human-readable rules (e.g. ``"2/3 of weighted votes cast"``).
    """

    majority: str
    quorum: str
    quorum_reached: bool
    passed: bool
    yes_weight: str
    no_weight: str
    abstain_weight: str
    eligible_weight: str
    yes_count: int
    no_count: int
    abstain_count: int
    eligible_count: int
    participation_weight: str
    participation_count: int
    closed_at: str


def _frozen_labels(labels: Mapping[str, str] | None) -> Mapping[str, str]:
    merged = dict(DEFAULT_LABELS)
    if labels:
        merged.update({k: str(v) for k, v in labels.items()})
    return MappingProxyType(merged)


@dataclass(frozen=True)
class PublicationExport:
    """Everything a renderer needs; built by the web layer from the database.

    ``credits`` are organisation names already filtered for opt-outs.

    For a translation (``is_translation=True``) the title, preamble and
    principles are the translated texts, while ``sha256`` identifies the
    adopted original; pass that original as ``source_snapshot`` (a canonical
    snapshot dict) so that :func:`snapshot_of` - and the JSON export - carry
    the text the hash was computed from.
    """

    slug: str
    title: str
    preamble: str
    principles: tuple[ExportPrinciple, ...]
    label: str
    approved_at: str  # YYYY-MM-DD
    meeting: str
    version: int
    sha256: str
    adoption: AdoptionResult | None
    credits: tuple[str, ...]
    language: str = "en"
    direction: str = "ltr"
    is_translation: bool = False
    source_language: str = "en"
    labels: Mapping[str, str] = field(default_factory=lambda: _frozen_labels(None), hash=False, compare=False)
    source_snapshot: Mapping[str, Any] | None = field(default=None, hash=False, compare=False)

    def __post_init__(self) -> None:
        if self.direction not in ("ltr", "rtl"):
            raise ValueError(f"direction must be 'ltr' or 'rtl', not {self.direction!r}")
        # Accept lists from callers, store tuples (the dataclass is frozen).
        object.__setattr__(self, "principles", tuple(self.principles))
        object.__setattr__(self, "credits", tuple(self.credits))
        object.__setattr__(self, "preamble", self.preamble or "")
        object.__setattr__(self, "labels", _frozen_labels(self.labels))

    def t(self, key: str) -> str:
        """Fixed text for ``key`` (translated if the caller supplied it)."""
        return self.labels.get(key, key)


def snapshot_of(export: PublicationExport) -> dict[str, Any]:
    """The canonical snapshot (normalised) whose hash is ``export.sha256``.

    For a translation with a ``source_snapshot`` this is the original text;
    otherwise it is built from the export's own title, preamble and principles.
    """
    if export.is_translation and export.source_snapshot is not None:
        return _canonical_object(export.source_snapshot)
    return _canonical_object(
        {
            "title": export.title,
            "preamble": export.preamble,
            "principles": [{"number": p.number, "title": p.title, "text": p.text} for p in export.principles],
        }
    )
