"""Canonical serialisation and hash of a version (principles_app.domain.publication)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import unicodedata

import pytest

from principles_app.domain.publication import (
    DEFAULT_LABELS,
    AdoptionResult,
    ExportPrinciple,
    PublicationExport,
    canonical_json,
    canonical_text,
    normalise,
    snapshot_of,
    text_direction,
    version_hash,
)

# A fixed example: the literal hash below is a regression guard of the
# documented recipe.  It was also recomputed with JavaScript (JSON.stringify
# of the key-sorted object, SHA-256 of its UTF-8) and gave the same value.
FIXED = {
    "title": "Principles for Collaboration",
    "preamble": "We work together.\nنعمل معا.",
    "principles": [
        {"number": 1, "title": "Listen first", "text": "We listen before we act."},
        {"number": 2, "title": "Écouter d'abord", "text": "Nous écoutons  \r\navant d'agir."},
    ],
}
FIXED_CANONICAL = (
    '{"preamble":"We work together.\\nنعمل معا.","principles":['
    '{"number":1,"text":"We listen before we act.","title":"Listen first"},'
    '{"number":2,"text":"Nous écoutons\\navant d\'agir.","title":"Écouter d\'abord"}],'
    '"title":"Principles for Collaboration"}'
)
FIXED_SHA256 = "8c19d2d51b4bb1419947bc9763ffe7880493c0b2f6dd02211602436c6d2bd455"


def _snapshot(title="Principles", preamble="Preamble.", principles=None):
    return {
        "title": title,
        "preamble": preamble,
        "principles": principles
        if principles is not None
        else [
            {"number": 1, "title": "Shared purpose", "text": "We share a purpose."},
            {"number": 2, "title": "Fair credit", "text": "Credit follows the work."},
        ],
    }


# -- normalise -------------------------------------------------------------


def test_normalise_rules():
    assert normalise("e\u0301") == "\u00e9"  # NFC
    assert normalise("a\r\nb\rc\n") == "a\nb\nc"  # CRLF/CR -> LF, trailing newline
    assert normalise("a  \t\nb\u00a0 \n\n  ") == "a\nb"  # trailing ws per line and overall
    assert normalise("  indented") == "  indented"  # leading whitespace kept
    assert normalise(None) == ""
    with pytest.raises(TypeError):
        normalise(3)  # type: ignore[arg-type]


# -- version hash ----------------------------------------------------------


def test_composed_and_decomposed_accents_hash_the_same():
    composed = _snapshot(principles=[{"number": 1, "title": "\u00c9couter", "text": "caf\u00e9"}])
    decomposed = _snapshot(principles=[{"number": 1, "title": "E\u0301couter", "text": "cafe\u0301"}])
    assert unicodedata.normalize("NFD", "\u00e9") != "\u00e9"
    assert version_hash(composed) == version_hash(decomposed)


def test_crlf_and_lf_hash_the_same():
    lf = _snapshot(preamble="Line one.\nLine two.\n")
    crlf = _snapshot(preamble="Line one.\r\nLine two.\r\n")
    cr = _snapshot(preamble="Line one.\rLine two.")
    trailing = _snapshot(preamble="Line one.   \nLine two.\t\n\n")
    assert version_hash(lf) == version_hash(crlf) == version_hash(cr) == version_hash(trailing)


def test_changing_any_word_changes_the_hash():
    base = _snapshot()
    h = version_hash(base)
    variants = [
        _snapshot(title="Principle"),
        _snapshot(preamble="Preamble!"),
        _snapshot(preamble=None),
        _snapshot(
            principles=[
                {"number": 1, "title": "Shared purposes", "text": "We share a purpose."},
                {"number": 2, "title": "Fair credit", "text": "Credit follows the work."},
            ]
        ),
        _snapshot(
            principles=[
                {"number": 1, "title": "Shared purpose", "text": "We share one purpose."},
                {"number": 2, "title": "Fair credit", "text": "Credit follows the work."},
            ]
        ),
        _snapshot(
            principles=[
                {"number": 1, "title": "Shared purpose", "text": "We share a purpose."},
                {"number": 3, "title": "Fair credit", "text": "Credit follows the work."},
            ]
        ),
        _snapshot(
            principles=[  # order of principles matters
                {"number": 2, "title": "Fair credit", "text": "Credit follows the work."},
                {"number": 1, "title": "Shared purpose", "text": "We share a purpose."},
            ]
        ),
        _snapshot(
            principles=[
                {"number": 1, "title": "Shared purpose", "text": "We share a purpose."},
            ]
        ),
    ]
    hashes = {version_hash(v) for v in variants}
    assert h not in hashes
    assert len(hashes) == len(variants)


def test_key_order_of_the_input_does_not_matter():
    a = {"title": "T", "preamble": "P", "principles": [{"number": 1, "title": "A", "text": "x"}]}
    b = {"principles": [{"text": "x", "title": "A", "number": 1}], "preamble": "P", "title": "T"}
    assert canonical_json(a) == canonical_json(b)
    assert version_hash(a) == version_hash(b)


def test_none_preamble_is_empty_string_and_extra_keys_are_ignored():
    a = _snapshot(preamble=None)
    b = {**_snapshot(preamble=""), "id": 42, "status": "adopted"}
    assert version_hash(a) == version_hash(b)
    assert json.loads(canonical_json(a))["preamble"] == ""


def test_number_must_be_an_integer():
    with pytest.raises(TypeError):
        version_hash(_snapshot(principles=[{"number": True, "title": "A", "text": "x"}]))
    with pytest.raises(TypeError):
        version_hash(_snapshot(principles=[{"number": 1.5, "title": "A", "text": "x"}]))


def test_fixed_example_is_stable():
    assert canonical_json(FIXED) == FIXED_CANONICAL.encode("utf-8")
    assert version_hash(FIXED) == FIXED_SHA256


def test_fixed_example_recomputed_independently_from_the_docstring_recipe():
    """Only hashlib, json and unicodedata, as in the module docstring."""

    def norm(s):
        s = unicodedata.normalize("NFC", s or "").replace("\r\n", "\n").replace("\r", "\n")
        return "\n".join(line.rstrip() for line in s.split("\n")).rstrip()

    obj = {
        "title": norm(FIXED["title"]),
        "preamble": norm(FIXED["preamble"]),
        "principles": [
            {"number": int(p["number"]), "title": norm(p["title"]), "text": norm(p["text"])}
            for p in FIXED["principles"]
        ],
    }
    data = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    assert hashlib.sha256(data).hexdigest() == FIXED_SHA256


def test_canonical_json_is_compact_utf8_with_sorted_keys():
    raw = canonical_json(FIXED)
    text = raw.decode("utf-8")
    assert "é" in text and "نعمل" in text and "\\u" not in text
    assert ", " not in text.replace("We work together.", "") and '": ' not in text
    assert text.index('"preamble"') < text.index('"principles"') < text.index('"title"')


def test_docstring_documents_the_recipe():
    import principles_app.domain.publication as mod

    doc = mod.__doc__
    for needle in ("NFC", "sort", "ensure_ascii=False", "separators", "sha256", "UTF-8"):
        assert needle in doc, needle


# -- canonical text --------------------------------------------------------


def test_canonical_text_layout():
    text = canonical_text(
        "Principles \r\n",
        "We adopt.\r\n\r\nTogether.  ",
        [("Listen", "We listen.\r\n"), ("Credit", "Fair credit.")],
    )
    assert text == ("Principles\n\nWe adopt.\n\nTogether.\n\n1. Listen\nWe listen.\n\n2. Credit\nFair credit.\n")
    assert canonical_text("T", None, []) == "T\n"


# -- export model ----------------------------------------------------------


def _export(**kw):
    fields = dict(
        slug="principles",
        title="Principles",
        preamble="Preamble.",
        principles=(
            ExportPrinciple(1, "Shared purpose", "We share a purpose."),
            ExportPrinciple(2, "Fair credit", "Credit follows the work."),
        ),
        label="2025 edition",
        approved_at="2025-05-14",
        meeting="General Assembly 2025",
        version=1,
        sha256=version_hash(_snapshot()),
        adoption=None,
        credits=("Balkan Media Watch",),
    )
    fields.update(kw)
    return PublicationExport(**fields)


def test_snapshot_of_export_hashes_to_its_sha256():
    e = _export()
    assert version_hash(snapshot_of(e)) == e.sha256
    assert snapshot_of(e) == json.loads(canonical_json(_snapshot()))


def test_snapshot_of_translation_is_the_source():
    source = _snapshot()
    e = _export(
        title="مبادئ",
        principles=(ExportPrinciple(1, "هدف", "نص"),),
        language="ar",
        direction="rtl",
        is_translation=True,
        source_snapshot=source,
    )
    assert snapshot_of(e)["title"] == "Principles"
    assert version_hash(snapshot_of(e)) == e.sha256


def test_export_model_is_frozen_and_labels_merge_with_defaults():
    e = _export(labels={"record": "Registro"}, credits=["A", "B"])
    with pytest.raises(dataclasses.FrozenInstanceError):
        e.title = "x"  # type: ignore[misc]
    assert e.credits == ("A", "B")
    assert e.labels["record"] == "Registro"
    assert e.labels["sha256"] == DEFAULT_LABELS["sha256"]
    with pytest.raises(TypeError):
        e.labels["record"] = "x"  # type: ignore[index]
    for key in (
        "label",
        "approved",
        "meeting",
        "version",
        "sha256",
        "adoption_result",
        "credits",
        "yes",
        "no",
        "abstain",
        "majority",
        "quorum",
        "eligible",
        "participation",
        "passed",
        "translation_note",
        "weighted",
        "organisations",
    ):
        assert DEFAULT_LABELS[key], key
    with pytest.raises(ValueError):
        _export(direction="sideways")


def test_adoption_result_is_plain_data():
    a = AdoptionResult("2/3", "50%", True, True, "10", "2", "1", "20", 8, 2, 1, 15, "13", 11, "2025-05-14")
    assert dataclasses.asdict(a)["yes_weight"] == "10"


def test_text_direction():
    assert text_direction("2025 edition") == "ltr"
    assert text_direction("نلتزم بهذه المبادئ") == "rtl"
    assert text_direction("1. هدف") == "rtl"
    assert text_direction("2025-05-14", "rtl") == "rtl"
    assert text_direction("", "ltr") == "ltr"
