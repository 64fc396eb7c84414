"""DOCX rendering with python-docx.

Layout: Title (heading level 0), preamble, one "Heading 1" ``N. Title`` and
its text per principle, then a "Record" heading with the facts, a table with
the adoption result and the credits.

Right-to-left: python-docx has no API for paragraph direction, so we add
``<w:bidi/>`` to the paragraph properties (``w:pPr``) ourselves.  For
``direction == "rtl"`` the section (``w:sectPr/w:bidi``), the styles used and
every paragraph are right-to-left, tables get ``w:bidiVisual``; a paragraph
whose text starts with a left-to-right letter (say an organisation's Latin
name) gets ``<w:bidi w:val="0"/>`` instead, like HTML's ``dir="auto"``, and a
Latin value after an Arabic field name is preceded by U+200E LEFT-TO-RIGHT
MARK so that "2025 edition" is not displayed as "edition 2025".  In a
left-to-right document an Arabic-only paragraph also gets ``<w:bidi/>``.
Runs whose text starts with right-to-left script get ``w:rtl``.  Elements are
inserted at their schema position (``insert_element_before``) so Word
accepts them.
"""

from __future__ import annotations

import io
import re

from docx import Document
from docx.enum.table import WD_TABLE_DIRECTION
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from principles_app.domain.languages import language_name
from principles_app.domain.publication import PublicationExport, normalise, term, text_direction
from principles_app.domain.text import xml_characters

FONT = "DejaVu Sans"
MONO_FONT = "DejaVu Sans Mono"

LRM = "\u200e"
_BLANK_LINES = re.compile(r"\n\s*\n")

# Successors of w:bidi inside w:pPr (ECMA-376 order, see python-docx CT_PPr).
_PPR_AFTER_BIDI = (
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)
_SECTPR_AFTER_BIDI = ("w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange")
_RPR_AFTER_LANG = ("w:eastAsianLayout", "w:specVanish", "w:oMath")


def _set_bidi(pPr, on: bool = True) -> None:
    bidi = pPr.find(qn("w:bidi"))
    if bidi is None:
        bidi = OxmlElement("w:bidi")
        pPr.insert_element_before(bidi, *_PPR_AFTER_BIDI)
    if on:
        bidi.attrib.pop(qn("w:val"), None)
    else:
        bidi.set(qn("w:val"), "0")


def _set_fonts(rPr, name: str) -> None:
    """Use ``name`` for every script (Latin, East Asian, complex script) and
    drop theme fonts, which would otherwise win over explicit names."""
    rFonts = rPr.get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rFonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rFonts.set(qn(attr), name)


def _set_lang(rPr, language: str, rtl: bool) -> None:
    lang = rPr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rPr.insert_element_before(lang, *_RPR_AFTER_LANG)
    lang.set(qn("w:val"), language)
    if rtl:
        lang.set(qn("w:bidi"), language)


class _Writer:
    def __init__(self, export: PublicationExport) -> None:
        self.export = export
        self.rtl = export.direction == "rtl"
        self.doc = Document()
        self._setup()

    # -- document set-up --------------------------------------------------
    def _setup(self) -> None:
        e, doc = self.export, self.doc
        section = doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Mm(20)
        section.top_margin, section.bottom_margin = Mm(20), Mm(22)
        if self.rtl:
            sectPr = section._sectPr
            if sectPr.find(qn("w:bidi")) is None:
                sectPr.insert_element_before(OxmlElement("w:bidi"), *_SECTPR_AFTER_BIDI)

        for name in ("Normal", "Title", "Heading 1", "Heading 2", "Caption", "List Bullet"):
            style = doc.styles[name]
            rPr = style.element.get_or_add_rPr()
            _set_fonts(rPr, FONT)
            if name == "Normal":
                _set_lang(rPr, e.language, self.rtl)
                style.font.size = Pt(10.5)
            if self.rtl:
                _set_bidi(style.element.get_or_add_pPr())

        props = doc.core_properties
        props.title = xml_characters(e.title)
        props.subject = xml_characters(e.label)
        props.language = e.language
        props.identifier = f"sha256:{e.sha256}"
        props.keywords = f"{e.slug}; version {e.version}; {e.approved_at}"
        props.author = ""
        props.last_modified_by = ""
        props.comments = ""

    # -- helpers -----------------------------------------------------------
    def _direction(self, paragraph) -> None:
        """Paragraph direction from its first strong character (default:
        the document's direction)."""
        direction = text_direction(paragraph.text, self.export.direction)
        if direction == "rtl":
            _set_bidi(paragraph._p.get_or_add_pPr())
        elif self.rtl:  # styles are right-to-left: switch off explicitly
            _set_bidi(paragraph._p.get_or_add_pPr(), on=False)

    def _run(self, paragraph, text: str, *, bold=False, italic=False, mono=False):
        # DOCX is XML: a control character stored before text fields refused them must not make it a 500.
        lines = xml_characters(text).split("\n")
        run = None
        for i, line in enumerate(lines):
            run = paragraph.add_run(line)
            if i < len(lines) - 1:
                run.add_break()
            if bold:
                run.bold = True
            if italic:
                run.italic = True
            if mono:
                run.font.name = MONO_FONT
            if text_direction(line, "ltr") == "rtl":
                run.font.rtl = True
        return run

    def heading(self, text: str, level: int):
        p = self.doc.add_heading("", level=level)
        self._run(p, " ".join(text.split()))
        self._direction(p)
        return p

    def paragraph(self, text: str = "", style: str | None = None, **run_kw):
        p = self.doc.add_paragraph(style=style)
        if text:
            self._run(p, text, **run_kw)
        self._direction(p)
        return p

    def text_block(self, text: str) -> None:
        text = normalise(text)
        for para in _BLANK_LINES.split(text) if text else ():
            if para.strip():
                self.paragraph(para)

    def fact(self, label: str, value: str, *, mono: bool = False) -> None:
        p = self.doc.add_paragraph()
        self._run(p, term(self.export.labels, label) + " ", bold=True)
        if text_direction(label, self.export.direction) == "rtl" and text_direction(value) == "ltr":
            value = LRM + value
        self._run(p, value, mono=mono)
        self._direction(p)

    def table(self, rows: list[list[str]], header: bool = True):
        cols = max(len(r) for r in rows)
        table = self.doc.add_table(rows=0, cols=cols)
        table.style = self.doc.styles["Table Grid"]
        if self.rtl:
            table.table_direction = WD_TABLE_DIRECTION.RTL
        for r_index, values in enumerate(rows):
            cells = list(table.add_row().cells)
            if len(values) < cols:  # last value spans the remaining columns
                cells = cells[: len(values) - 1] + [cells[len(values) - 1].merge(cells[-1])]
            for cell, value in zip(cells, values):
                p = cell.paragraphs[0]
                self._run(p, value, bold=(header and r_index == 0) or cell is cells[0])
                self._direction(p)
        return table

    # -- content -----------------------------------------------------------
    def build(self) -> bytes:
        e, t = self.export, self.export.labels
        self.heading(e.title, 0)
        if e.is_translation:
            self.paragraph(t["translation_note"], italic=True)
        self.text_block(e.preamble)

        for p in e.principles:
            self.heading(f"{p.number}. {p.title}", 1)
            self.text_block(p.text)

        self.heading(t["record"], 1)
        self.fact(t["label"], e.label)
        self.fact(t["approved"], e.approved_at)
        self.fact(t["meeting"], e.meeting)
        self.fact(t["version"], str(e.version))
        if e.is_translation:
            self.fact(t["language"], language_name(e.language))
            self.fact(t["source_language"], language_name(e.source_language))
        self.fact(t["sha256"], e.sha256, mono=True)
        self.paragraph(t["verify_note"], italic=True)

        self.heading(t["adoption_result"], 2)
        a = e.adoption
        if a is None:
            self.paragraph(t["no_adoption"])
        else:
            self.paragraph(f"{t['adoption_result']} · {term(t, t['closed_at'])} {a.closed_at}", style="Caption")
            quorum_state = t["quorum_reached"] if a.quorum_reached else t["quorum_not_reached"]
            self.table(
                [
                    [t["vote"], t["weighted"], t["organisations"]],
                    [t["yes"], a.yes_weight, str(a.yes_count)],
                    [t["no"], a.no_weight, str(a.no_count)],
                    [t["abstain"], a.abstain_weight, str(a.abstain_count)],
                    [t["participation"], a.participation_weight, str(a.participation_count)],
                    [t["eligible"], a.eligible_weight, str(a.eligible_count)],
                    [t["majority"], a.majority],
                    [t["quorum"], f"{a.quorum} ({quorum_state})"],
                    [t["result"], t["passed"] if a.passed else t["not_passed"]],
                ]
            )

        if e.credits:
            self.heading(t["credits"], 2)
            for name in e.credits:
                self.paragraph(name, style="List Bullet")

        buf = io.BytesIO()
        self.doc.save(buf)
        return buf.getvalue()


def render_docx(export: PublicationExport) -> bytes:
    return _Writer(export).build()
