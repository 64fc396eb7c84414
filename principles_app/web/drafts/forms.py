"""Forms of the draft pages: a new document."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from principles_app.web.forms_common import TextSafeForm


class DocumentForm(TextSafeForm):
    """Create a document; each principle starts with a line "## Title"."""

    slug = StringField(
        _l("Short name for addresses (slug)"),
        validators=[DataRequired(), Length(max=100)],
        description=_l("Lowercase letters, digits and hyphens, e.g. principles-2025."),
    )
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    preamble = TextAreaField(_l("Preamble"), validators=[Optional(), Length(max=20_000)])
    principles = TextAreaField(
        _l("Principles"),
        validators=[DataRequired(), Length(max=500_000)],
        render_kw={"rows": 16},
        description=_l('Start each principle with a line "## Title", then its text.'),
    )
    submit = SubmitField(_l("Create document"))


def parse_principles(source: str) -> list[dict[str, str]]:
    """Split "## Title" blocks into principles; text before the first heading is ignored."""
    principles: list[dict[str, str]] = []
    for line in (source or "").replace("\r\n", "\n").split("\n"):
        if line.startswith("## "):
            principles.append({"title": line[3:].strip(), "text": ""})
        elif principles:
            principles[-1]["text"] += line + "\n"
    return [{"title": p["title"], "text": p["text"].strip()} for p in principles]


class BatchMergeForm(TextSafeForm):
    """Merge several open amendments, in the order given, into one new version."""

    amendment_ids = StringField(
        _l("Amendments to merge, in order"),
        validators=[DataRequired(), Length(max=10_000)],
        description=_l("Amendment numbers separated by commas, e.g. 12, 15, 9. All merge or none does."),
    )
    submit = SubmitField(_l("Merge into one new version"))


def parse_ids(text: str) -> list[int] | None:
    """Read "12, 15 9" as [12, 15, 9]; None when something is not a number."""
    pieces = [p for p in text.replace(",", " ").split() if p]
    if not pieces or not all(p.isdigit() and len(p) < 10 for p in pieces):
        return None
    return [int(p) for p in pieces]
