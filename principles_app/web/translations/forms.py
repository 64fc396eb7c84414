"""Forms of the translation pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from principles_app.web.forms_common import TextSafeForm


class TranslationForm(TextSafeForm):
    """Translate a principle's title and text into one language."""

    title = StringField(_l("Translated title"), validators=[DataRequired(), Length(max=200)])
    text = TextAreaField(_l("Translated text"), validators=[DataRequired(), Length(max=20_000)], render_kw={"rows": 10})
    # The document version the translator was shown; a merge in between asks for confirmation.
    source_version = HiddenField()
    confirm_stale = BooleanField(_l("I have checked the changes: my translation follows the current text"))
    submit = SubmitField(_l("Save translation"))
