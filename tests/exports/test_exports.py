"""Exports of a publication: JSON, PDF, DOCX, Markdown, HTML.

No Flask app: the renderers take a plain PublicationExport.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import re
import shutil
import subprocess
import unicodedata
from html.parser import HTMLParser

import pytest

from principles_app.domain.publication import (
    AdoptionResult,
    ExportPrinciple,
    PublicationExport,
    snapshot_of,
    text_direction,
    version_hash,
)
from principles_app.exports import CONTENT_TYPES, RENDERERS, render

ARABIC = "نلتزم بهذه المبادئ في كل عمل مشترك"

PRINCIPLES = [
    (
        "Shared purpose",
        "We collaborate because we share a purpose: a world where people can speak, "
        "inform and organise freely. Joint work serves that purpose before the "
        "visibility of any single organisation.",
    ),
    (
        "Écouter d'abord",
        "Before proposing, we listen. Organisations closest to a situation describe "
        "it first, in their own words and language, and their analysis shapes the "
        "response.",
    ),
    (
        "Consent before exposure",
        "No partner is named, quoted or pictured in a joint statement, report or "
        "campaign without its explicit consent. Where exposure creates risk, "
        "anonymity is the default.",
    ),
    (
        "Transparency about money",
        "We disclose to each other the funding that supports a joint activity, and "
        "any condition a donor attaches to it.\nNo partner accepts money on behalf of "
        "the network without the others' agreement.",
    ),
    (
        "Fair credit",
        "Every contribution is acknowledged in proportion to the work done. Lead "
        "authors, researchers and translators are credited by name when they wish "
        "to be.",
    ),
    (
        "Decisions close to those affected",
        "Decisions are taken at the level closest to the people they affect. "
        "Regional networks decide regional matters; the whole network decides only "
        "what concerns all of us.",
    ),
    (
        "Language justice",
        "Meetings and documents are available in the working languages of the "
        "participants. Interpretation and translation are budgeted from the start, "
        "not added at the end.",
    ),
    (
        "Security of partners",
        "We protect each other's communications, data and people. A partner may "
        "withdraw from any joint activity at any time, without explanation, when "
        "its safety requires it.",
    ),
    (
        "Disagreement in good faith",
        "We disagree openly, within the network first. A dispute is raised with the "
        "partners concerned before it is raised with donors, media or the public.",
    ),
    (
        "Review and renewal",
        "These principles are reviewed at least every three years. Any member may "
        "propose an amendment; amendments are adopted by the General Assembly.",
    ),
]

PREAMBLE = (
    "We, the organisations of the network, adopt these principles to guide how we "
    "work together across regions, languages and mandates.\n"
    f"{ARABIC}\n\n"
    "They bind our joint work, not the internal life of each organisation."
)

CREDITS = (
    "Sahel Press Freedom Network",
    "Andean Journalists' Association",
    "Pacific Islands Press Council",
    "Balkan Media Watch",
    "Réseau des Médias Libres",
)

ADOPTION = AdoptionResult(
    majority="two thirds of weighted votes cast (yes + no)",
    quorum="half of the eligible weight",
    quorum_reached=True,
    passed=True,
    yes_weight="19",
    no_weight="2",
    abstain_weight="1",
    eligible_weight="27",
    yes_count=15,
    no_count=2,
    abstain_count=1,
    eligible_count=22,
    participation_weight="22",
    participation_count=18,
    closed_at="2025-05-14 17:00 UTC",
)


def _make_export(**overrides) -> PublicationExport:
    principles = tuple(
        ExportPrinciple(number=i, title=title, text=text) for i, (title, text) in enumerate(PRINCIPLES, start=1)
    )
    snapshot = {
        "title": "Principles for Collaboration",
        "preamble": PREAMBLE,
        "principles": [{"number": p.number, "title": p.title, "text": p.text} for p in principles],
    }
    fields = dict(
        slug="principles-for-collaboration",
        title="Principles for Collaboration",
        preamble=PREAMBLE,
        principles=principles,
        label="2025 edition",
        approved_at="2025-05-14",
        meeting="General Assembly 2025, Nairobi",
        version=3,
        sha256=version_hash(snapshot),
        adoption=ADOPTION,
        credits=CREDITS,
    )
    fields.update(overrides)
    return PublicationExport(**fields)


@pytest.fixture(scope="module")
def export() -> PublicationExport:
    return _make_export()


@pytest.fixture(scope="module")
def arabic_export(export) -> PublicationExport:
    """A translation: Arabic texts, right to left, hash of the English original."""
    return dataclasses.replace(
        export,
        title="مبادئ التعاون",
        preamble=ARABIC,
        principles=(
            ExportPrinciple(1, "هدف مشترك", "نتعاون لأن لنا هدفا مشتركا."),
            ExportPrinciple(2, "الإصغاء أولا", "قبل أن نقترح، نصغي."),
        ),
        language="ar",
        direction="rtl",
        is_translation=True,
        source_snapshot=snapshot_of(export),
    )


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


# --------------------------------------------------------------------------
# Registry
# --------------------------------------------------------------------------


def test_registry_covers_every_format():
    assert set(RENDERERS) == set(CONTENT_TYPES) == {"html", "pdf", "md", "json", "docx"}


def test_render_unknown_format_raises_keyerror(export):
    with pytest.raises(KeyError):
        render("odt", export)


def test_export_requires_valid_direction(export):
    with pytest.raises(ValueError):
        dataclasses.replace(export, direction="up")


def test_partial_labels_fall_back_to_english(export):
    e = dataclasses.replace(export, labels={"record": "Procès-verbal"})
    assert e.labels["record"] == "Procès-verbal"
    assert e.labels["meeting"] == "Meeting"
    assert "Procès-verbal" in render("md", e).decode("utf-8")


# --------------------------------------------------------------------------
# JSON
# --------------------------------------------------------------------------


def test_json_hash_recomputable_from_canonical_snapshot_alone(export):
    data = json.loads(render("json", export).decode("utf-8"))
    canonical = data["canonical"]
    assert canonical["algorithm"] == "sha256"
    assert "sort" in canonical["serialisation"]
    # Only hashlib + json, following the documented recipe.
    payload = json.dumps(canonical["snapshot"], ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode(
        "utf-8"
    )
    assert hashlib.sha256(payload).hexdigest() == data["sha256"] == export.sha256


def test_json_contains_everything(export):
    raw = render("json", export)
    text = raw.decode("utf-8")
    assert ARABIC in text  # ensure_ascii=False
    assert "\n  " in text  # indent 2
    data = json.loads(text)
    for key in (
        "slug",
        "title",
        "preamble",
        "principles",
        "label",
        "approved_at",
        "meeting",
        "version",
        "sha256",
        "adoption",
        "credits",
        "language",
        "is_translation",
        "canonical",
    ):
        assert key in data, key
    assert len(data["principles"]) == 10
    assert data["principles"][1] == {"number": 2, "title": "Écouter d'abord", "text": PRINCIPLES[1][1]}
    assert data["adoption"]["yes_weight"] == "19"
    assert data["adoption"]["passed"] is True
    assert data["credits"] == list(CREDITS)
    assert data["is_translation"] is False


def test_json_translation_snapshot_is_the_original(export, arabic_export):
    data = json.loads(render("json", arabic_export))
    assert data["is_translation"] is True
    assert data["title"] == "مبادئ التعاون"
    assert data["canonical"]["snapshot"]["title"] == "Principles for Collaboration"
    payload = json.dumps(
        data["canonical"]["snapshot"], ensure_ascii=False, sort_keys=True, separators=(",", ":")
    ).encode("utf-8")
    assert hashlib.sha256(payload).hexdigest() == data["sha256"] == export.sha256


def test_json_without_adoption(export):
    data = json.loads(render("json", dataclasses.replace(export, adoption=None)))
    assert data["adoption"] is None


# --------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pdf_bytes(export) -> bytes:
    return render("pdf", export)


@pytest.fixture(scope="module")
def pdf_reader(pdf_bytes):
    from pypdf import PdfReader

    return PdfReader(io.BytesIO(pdf_bytes))


@pytest.fixture(scope="module")
def pdf_text(pdf_reader) -> str:
    return "\n".join(page.extract_text() or "" for page in pdf_reader.pages)


def test_pdf_is_a4_pdf(pdf_bytes, pdf_reader):
    assert pdf_bytes.startswith(b"%PDF-")
    box = pdf_reader.pages[0].mediabox
    # A4 = 595.28 x 841.89 pt
    assert abs(float(box.width) - 595.28) < 1 and abs(float(box.height) - 841.89) < 1


def test_pdf_text_has_label_hash_titles(export, pdf_text):
    flat = _squash(unicodedata.normalize("NFC", pdf_text))
    assert _squash(export.label) in flat
    assert export.sha256 in flat
    for p in export.principles:
        assert _squash(f"{p.number}. {p.title}") in flat, p.title
    assert _squash(export.meeting) in flat
    for name in export.credits:
        assert _squash(name) in flat, name


def test_pdf_hash_is_on_one_line(export, pdf_text):
    assert export.sha256 in pdf_text


def test_pdf_page_numbers(pdf_reader, pdf_text):
    n = len(pdf_reader.pages)
    assert n >= 2
    assert f"1 / {n}" in pdf_text and f"{n} / {n}" in pdf_text


def _arabic_variants(text: str) -> set[str]:
    nfkc = unicodedata.normalize("NFKC", text)
    return {_squash(text), _squash(nfkc), _squash(nfkc)[::-1]}


def test_pdf_arabic_extracts_in_logical_order(pdf_text):
    flat = _squash(unicodedata.normalize("NFKC", pdf_text))
    assert _squash(ARABIC) in flat
    # Stronger than the brief's fallback: pypdf gives logical order, base
    # letters (no presentation forms) - so no reversal was needed.
    assert not re.search("[\ufb50-\ufdff\ufe70-\ufeff]", pdf_text)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_pdf_arabic_with_pdftotext(pdf_bytes):
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf_bytes, capture_output=True, check=True
    ).stdout.decode("utf-8")
    # pdftotext wraps right-to-left runs in U+202B ... U+202C: drop bidi controls
    out = re.sub("[\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", out)
    flat = _squash(unicodedata.normalize("NFKC", out))
    assert _squash(ARABIC) in flat


def _font_names(reader) -> set[str]:
    names: set[str] = set()
    for page in reader.pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            names.add(str(font.get("/BaseFont", "")))
            for desc in font.get("/DescendantFonts", []) or []:
                names.add(str(desc.get_object().get("/BaseFont", "")))
    return names


def test_pdf_embeds_dejavu(pdf_reader):
    names = _font_names(pdf_reader)
    assert any("DejaVu" in n for n in names), names


def test_pdf_rtl_translation(arabic_export):
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(render("pdf", arabic_export)))
    text = "\n".join(p.extract_text() or "" for p in reader.pages)
    flat = _squash(unicodedata.normalize("NFKC", text))
    assert any(v in flat for v in _arabic_variants("مبادئ التعاون"))
    assert arabic_export.sha256 in flat
    assert any("DejaVu" in n for n in _font_names(reader))


# --------------------------------------------------------------------------
# DOCX
# --------------------------------------------------------------------------


def _docx(export):
    import docx

    return docx.Document(io.BytesIO(render("docx", export)))


def _docx_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_docx_structure_and_record(export):
    document = _docx(export)
    titles = [p.text for p in document.paragraphs if p.style.name == "Title"]
    assert titles == [export.title]
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    for p in export.principles:
        assert f"{p.number}. {p.title}" in headings
    assert headings[-1] == export.labels["record"]
    text = _docx_text(document)
    for needle in (export.sha256, export.label, export.meeting, export.approved_at, ARABIC, *export.credits):
        assert needle in text, needle
    # adoption table
    assert len(document.tables) == 1
    cells = [c.text for c in document.tables[0].rows[1].cells]
    assert cells == [export.labels["yes"], "19", "15"]
    assert document.core_properties.identifier == f"sha256:{export.sha256}"
    # not right-to-left
    assert b"<w:bidi/>" not in document.part.blob


def test_docx_rtl_sets_bidi(arabic_export):
    from docx.oxml.ns import qn

    document = _docx(arabic_export)
    body_paragraphs = document.paragraphs
    assert body_paragraphs
    seen = set()
    for p in body_paragraphs:
        pPr = p._p.pPr
        bidi = pPr.find(qn("w:bidi")) if pPr is not None else None
        assert bidi is not None, p.text
        # like dir="auto": Arabic (or neutral) text right to left, Latin text
        # (credits, untranslated fixed words) explicitly left to right.
        expected = text_direction(p.text, "rtl")
        seen.add(expected)
        assert (bidi.get(qn("w:val")) == "0") == (expected == "ltr"), p.text
    assert seen == {"ltr", "rtl"}
    rtl_runs = [r for p in body_paragraphs for r in p.runs if r.font.rtl]
    assert any(ARABIC in r.text for r in rtl_runs)
    table = document.tables[0]
    assert table._tbl.tblPr.find(qn("w:bidiVisual")) is not None
    assert document.sections[0]._sectPr.find(qn("w:bidi")) is not None
    assert [p.text for p in body_paragraphs if p.style.name == "Title"] == ["مبادئ التعاون"]


def test_rtl_latin_values_keep_their_order(arabic_export):
    """'2025 edition' after an Arabic field name must not display as
    'edition 2025': a LEFT-TO-RIGHT MARK before the value."""
    e = dataclasses.replace(arabic_export, labels={"label": "التسمية", "meeting": "الاجتماع"})
    document = _docx(e)
    fact = next(p for p in document.paragraphs if p.text.startswith("التسمية"))
    assert "\u200e2025 edition" in fact.text
    assert (
        fact._p.pPr.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}bidi").get(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}val"
        )
        is None
    )
    html = render("html", e).decode("utf-8")
    assert "<td>\u200e2025 edition</td>" in html
    assert '<p class="text" dir="rtl">' + ARABIC in html
    from pypdf import PdfReader

    text = PdfReader(io.BytesIO(render("pdf", e))).pages[0].extract_text()
    assert "2025 edition" in text and "edition 2025" not in text


# --------------------------------------------------------------------------
# Markdown
# --------------------------------------------------------------------------


def test_markdown_headings_and_record(export):
    md = render("md", export).decode("utf-8")
    assert md.startswith("# Principles for Collaboration\n")
    for p in export.principles:
        assert f"\n## {p.number}. {p.title}\n" in md
    assert ARABIC in md
    assert "\n## Record\n" in md
    record = md.split("\n## Record\n", 1)[1]
    for needle in (
        export.label,
        export.approved_at,
        export.meeting,
        str(export.version),
        export.sha256,
        "| Yes | 19 | 15 |",
        *CREDITS,
    ):
        assert needle in record, needle
    assert "Adopted" in record and "reached" in record


def test_markdown_escapes_inline_markup(export):
    e = dataclasses.replace(export, principles=(ExportPrinciple(1, "Use *stars* | pipes", "Body"),))
    md = render("md", e).decode("utf-8")
    assert "## 1. Use \\*stars\\* \\| pipes" in md


# --------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------


class _Checker(HTMLParser):
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.ids: list[str] = []
        self.headings: list[int] = []
        self.tags: list[tuple[str, dict]] = []
        self.errors: list[str] = []
        self.decl: str | None = None

    def handle_decl(self, decl):
        self.decl = decl

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if "id" in a:
            self.ids.append(a["id"])
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unexpected </{tag}>, open: {self.stack[-3:]}")
            return
        self.stack.pop()


def _check_html(raw: bytes) -> _Checker:
    checker = _Checker()
    checker.feed(raw.decode("utf-8"))
    checker.close()
    assert checker.decl and checker.decl.lower() == "doctype html"
    assert not checker.errors, checker.errors
    assert not checker.stack, checker.stack
    assert len(checker.ids) == len(set(checker.ids)), "duplicate ids"
    # headings start at h1, only one h1, never skip a level going down
    assert checker.headings[0] == 1 and checker.headings.count(1) == 1
    for prev, cur in zip(checker.headings, checker.headings[1:]):
        assert cur <= prev + 1, checker.headings
    return checker


def test_html_standalone_and_printable(export):
    raw = render("html", export)
    html = raw.decode("utf-8")
    assert html.lower().startswith("<!doctype html>")
    assert '<html lang="en" dir="ltr">' in html
    assert '<meta charset="utf-8">' in html
    assert "<title>Principles for Collaboration" in html
    assert "@page" in html and "A4" in html and "counter(pages)" in html
    assert "DejaVu Sans" in html
    assert "margin-inline-start" in html or "padding-inline-start" in html
    assert "text-align: start" in html
    lowered = html.lower()
    assert "<script" not in lowered and "<nav" not in lowered
    assert "<link" not in lowered and "src=" not in lowered and "@import" not in lowered
    checker = _check_html(raw)
    assert any(tag == "caption" for tag, _ in checker.tags)
    assert export.sha256 in html and "Écouter d&#39;abord" in html
    assert ARABIC in html
    for name in CREDITS:
        assert name.replace("'", "&#39;") in html


def test_html_escapes_text(export):
    e = dataclasses.replace(export, principles=(ExportPrinciple(1, "<script>alert(1)</script>", "a & b"),))
    html = render("html", e).decode("utf-8")
    assert "<script" not in html.lower()
    assert "&lt;script&gt;" in html and "a &amp; b" in html


def test_html_rtl(arabic_export):
    raw = render("html", arabic_export)
    html = raw.decode("utf-8")
    assert 'dir="rtl"' in html and 'lang="ar"' in html
    assert arabic_export.labels["translation_note"] in html
    _check_html(raw)


def test_html_without_adoption_or_credits(export):
    raw = render("html", dataclasses.replace(export, adoption=None, credits=()))
    html = raw.decode("utf-8")
    assert export.labels["no_adoption"] in html
    _check_html(raw)
