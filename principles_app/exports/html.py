"""Standalone HTML5 rendering of a publication (also the source of the PDF).

One self-contained file: CSS inlined in ``<style>``, no script, no external
resource, no navigation.  Built with a private Jinja2 environment loading
``exports/layouts/`` (autoescape on), independent of the Flask app.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from markupsafe import Markup

from principles_app.domain.languages import language_name
from principles_app.domain.publication import PublicationExport, normalise, term, text_direction

LAYOUTS = Path(__file__).resolve().parent / "layouts"

_BLANK_LINES = re.compile(r"\n\s*\n")


def paragraphs(text: str) -> list[str]:
    """Split normalised text into paragraphs at blank lines (single line
    breaks stay inside a paragraph, shown by ``white-space: pre-line``)."""
    text = normalise(text)
    return [p for p in _BLANK_LINES.split(text) if p.strip()] if text else []


@pass_context
def _textdir(context, s: str) -> str:
    """``dir`` value for a piece of text: what ``dir="auto"`` would compute
    (WeasyPrint does not implement it), defaulting to the document direction
    for text without a strong character."""
    return text_direction(s, context["e"].direction)


@pass_context
def _bidimark(context, s: str) -> str:
    """Prefix a value whose direction differs from the document's with a
    LEFT-TO-RIGHT (or RIGHT-TO-LEFT) MARK, so that e.g. "2025 edition" in an
    Arabic table cell keeps its word order while the cell keeps the
    document's alignment."""
    s = "" if s is None else str(s)
    doc = context["e"].direction
    own = text_direction(s, doc)
    if own == doc:
        return s
    return ("\u200e" if own == "ltr" else "\u200f") + s


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(LAYOUTS)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals["paragraphs"] = paragraphs
    env.globals["term"] = term
    env.globals["language_name"] = language_name
    env.filters["textdir"] = _textdir
    env.filters["bidimark"] = _bidimark
    return env


@lru_cache(maxsize=1)
def _css() -> Markup:
    # Our own file, inlined verbatim (it contains quotes that must not be escaped).
    css = (LAYOUTS / "print.css").read_text(encoding="utf-8")
    if "</" in css:  # would close the <style> element
        raise ValueError("print.css must not contain '</'")
    return Markup(css)


def html_string(export: PublicationExport) -> str:
    """The standalone HTML document as text (used by the PDF renderer too)."""
    template = _environment().get_template("publication.html")
    return template.render(
        e=export,
        t=export.labels,
        a=export.adoption,
        css=_css(),
        preamble_paragraphs=paragraphs(export.preamble),
    )


def render_html(export: PublicationExport) -> bytes:
    return html_string(export).encode("utf-8")
