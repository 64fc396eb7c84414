"""PDF rendering: WeasyPrint over the standalone HTML.

Fonts come from the system through fontconfig; the stylesheet asks for
"DejaVu Sans" (Debian: fonts-dejavu-core), which has glyphs for accented
Latin and Arabic; Pango/HarfBuzz shape Arabic right to left.
"""

from __future__ import annotations

from principles_app.domain.publication import PublicationExport
from principles_app.exports.html import html_string


def render_pdf(export: PublicationExport) -> bytes:
    import weasyprint  # imported lazily: loading Pango takes a moment

    document = weasyprint.HTML(string=html_string(export), base_url=None)
    return document.write_pdf()
