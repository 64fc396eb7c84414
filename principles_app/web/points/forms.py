"""Forms of the consultation pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from principles_app.domain.points import MAX_SESSION_LENGTH, MAX_THEME_LENGTH
from principles_app.web.forms_common import TextSafeForm

# The service says what a point may hold (1,000 characters, not empty); the form only caps the request.
POINT_FIELD_LIMIT = 20_000


class PointForm(TextSafeForm):
    """Raise a key point, or edit one's own."""

    text = TextAreaField(
        _l("Key point"),
        description=_l("What must the principles say? At most 1,000 characters, in any of the four languages."),
        validators=[Length(max=POINT_FIELD_LIMIT)],
        render_kw={"rows": 5},
    )
    language = SelectField(_l("Language of the point"), choices=[], validators=[Optional()])
    theme = StringField(
        _l("Theme (optional)"),
        description=_l("An existing theme's name, or a new one."),
        validators=[Optional(), Length(max=MAX_THEME_LENGTH)],
    )
    anonymous = BooleanField(_l("Show my organisation only by the protective label"))
    submit = SubmitField(_l("Submit key point"))


class SessionPointForm(PointForm):
    """Record a point an organisation raised in a live engagement session (secretariat)."""

    organisation_id = SelectField(_l("Organisation that raised it"), choices=[], validators=[DataRequired()])
    session = StringField(_l("Engagement session"), validators=[DataRequired(), Length(max=MAX_SESSION_LENGTH)])
    session_date = DateField(_l("Day of the session"), validators=[DataRequired()])
    submit = SubmitField(_l("Record key point"))


class PointTranslationForm(TextSafeForm):
    """Translate a key point into another language."""

    text = TextAreaField(_l("Translated key point"), validators=[Length(max=POINT_FIELD_LIMIT)], render_kw={"rows": 5})
    submit = SubmitField(_l("Save translation"))


class ThemeRenameForm(TextSafeForm):
    """Rename a theme."""

    name = StringField(_l("New name"), validators=[DataRequired(), Length(max=MAX_THEME_LENGTH)])
    submit = SubmitField(_l("Rename"))


class ThemeMergeForm(TextSafeForm):
    """Merge a theme into another."""

    into = SelectField(_l("Merge into"), choices=[], validators=[DataRequired()])
    submit = SubmitField(_l("Merge"))


class ThemeCreateForm(TextSafeForm):
    """Add a theme."""

    name = StringField(_l("Theme name"), validators=[DataRequired(), Length(max=MAX_THEME_LENGTH)])
    submit = SubmitField(_l("Add theme"))


class ActionForm(TextSafeForm):
    """A button that changes state (CSRF-protected)."""


class SourcesForm(TextSafeForm):
    """Which points a principle draws on: the ticked ones among those shown; others linked stay."""

    submit = SubmitField(_l("Save sources"))
