"""Renderers of a :class:`~principles_app.domain.publication.PublicationExport`.

Each renderer is ``render_<fmt>(export) -> bytes``; :data:`RENDERERS` maps the
format keys used in URLs (``html``, ``pdf``, ``md``, ``json``, ``docx``) to
them and :data:`CONTENT_TYPES` to the HTTP Content-Type.
"""

from __future__ import annotations

from collections.abc import Callable

from principles_app.domain.publication import PublicationExport
from principles_app.exports.docx_export import render_docx
from principles_app.exports.html import render_html
from principles_app.exports.json_export import render_json
from principles_app.exports.markdown import render_markdown
from principles_app.exports.pdf import render_pdf

__all__ = [
    "CONTENT_TYPES",
    "EXTENSIONS",
    "RENDERERS",
    "render",
    "render_docx",
    "render_html",
    "render_json",
    "render_markdown",
    "render_pdf",
]

CONTENT_TYPES: dict[str, str] = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "md": "text/markdown; charset=utf-8",
    "json": "application/json",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}

#: File-name extension for a download (``f"{slug}-v{version}.{ext}"``).
EXTENSIONS: dict[str, str] = {fmt: fmt for fmt in CONTENT_TYPES}

RENDERERS: dict[str, Callable[[PublicationExport], bytes]] = {
    "html": render_html,
    "pdf": render_pdf,
    "md": render_markdown,
    "json": render_json,
    "docx": render_docx,
}


def render(fmt: str, export: PublicationExport) -> bytes:
    """Render ``export`` in format ``fmt``; ``KeyError`` for an unknown format."""
    try:
        renderer = RENDERERS[fmt]
    except KeyError:
        raise KeyError(f"unknown export format: {fmt!r}") from None
    return renderer(export)
