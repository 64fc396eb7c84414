"""The minutes of a General Meeting as DOCX, with python-docx, right to left in Arabic.

The paragraph, table and font handling is the publication export's (``docx_export``); what is
new is fixing every date the file carries: the core properties and the ZIP entries' times are
the minutes' "as of" record time, so the same records give the same bytes.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import datetime

from docx import Document
from docx.enum.table import WD_TABLE_DIRECTION
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from principles_app.domain.publication import text_direction
from principles_app.domain.text import xml_characters
from principles_app.exports.docx_export import _SECTPR_AFTER_BIDI, FONT, _set_bidi, _set_fonts, _set_lang


def _fixed_zip(body: bytes, moment: datetime) -> bytes:
    """Rewrite a ZIP with every entry dated ``moment`` (python-docx stamps the current time)."""
    stamp = (max(moment.year, 1980), moment.month, moment.day, moment.hour, moment.minute, moment.second)
    source = zipfile.ZipFile(io.BytesIO(body))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


class MinutesWriter:
    """Write paragraphs, headings and tables in the reader's direction."""

    def __init__(self, language: str, direction: str, title: str, moment: datetime) -> None:
        self.rtl = direction == "rtl"
        self.direction = direction
        self.moment = moment
        self.doc = Document()
        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Mm(20)
        if self.rtl:
            sectPr = section._sectPr
            if sectPr.find(qn("w:bidi")) is None:
                sectPr.insert_element_before(OxmlElement("w:bidi"), *_SECTPR_AFTER_BIDI)
        for name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "List Bullet"):
            style = self.doc.styles[name]
            rPr = style.element.get_or_add_rPr()
            _set_fonts(rPr, FONT)
            if name == "Normal":
                _set_lang(rPr, language, self.rtl)
                style.font.size = Pt(10.5)
            if self.rtl:
                _set_bidi(style.element.get_or_add_pPr())
        props = self.doc.core_properties
        props.title = xml_characters(title)
        props.language = language
        props.author = ""
        props.last_modified_by = ""
        props.comments = ""
        props.revision = 1
        props.created = props.modified = props.last_printed = moment.replace(tzinfo=None, microsecond=0)

    def _direction(self, paragraph) -> None:
        if text_direction(paragraph.text, self.direction) == "rtl":
            _set_bidi(paragraph._p.get_or_add_pPr())
        elif self.rtl:
            _set_bidi(paragraph._p.get_or_add_pPr(), on=False)

    def _run(self, paragraph, text: str, bold: bool = False, mono: bool = False) -> None:
        run = paragraph.add_run(xml_characters(text))
        run.bold = bold or None
        if mono:
            run.font.name = "DejaVu Sans Mono"
        if text_direction(text, "ltr") == "rtl":
            run.font.rtl = True

    def heading(self, text: str, level: int) -> None:
        p = self.doc.add_heading("", level=level)
        self._run(p, " ".join(text.split()))
        self._direction(p)

    def paragraph(self, text: str, bold_prefix: str = "", style: str | None = None, mono: bool = False) -> None:
        p = self.doc.add_paragraph(style=style)
        if bold_prefix:
            self._run(p, bold_prefix + " ", bold=True)
        self._run(p, text, mono=mono)
        self._direction(p)

    def table(self, header: list[str], rows: list[list[str]]) -> None:
        table = self.doc.add_table(rows=0, cols=len(header))
        table.style = self.doc.styles["Table Grid"]
        if self.rtl:
            table.table_direction = WD_TABLE_DIRECTION.RTL
        for index, values in enumerate([header, *rows]):
            for column, (cell, value) in enumerate(zip(table.add_row().cells, values)):
                p = cell.paragraphs[0]
                self._run(p, value, bold=index == 0 or column == 0)
                self._direction(p)

    def save(self) -> bytes:
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return _fixed_zip(buffer.getvalue(), self.moment)


def render_minutes_docx(build: Callable[[MinutesWriter], None], writer: MinutesWriter) -> bytes:
    """Let ``build`` write the minutes' content, then return the file's bytes."""
    build(writer)
    return writer.save()
