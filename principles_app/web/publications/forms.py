"""The secretariat's form to publish an adopted version."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange

from principles_app.web.forms_common import TextSafeForm


class PublishForm(TextSafeForm):
    """Version, label, approval date and meeting of a publication."""

    version = IntegerField(
        _l("Version"),
        validators=[DataRequired(), NumberRange(min=1)],
        description=_l("The version whose adoption motion passed."),
    )
    label = StringField(_l("Label"), validators=[DataRequired(), Length(max=40)], description=_l("For example 1.0"))
    approved_at = DateField(_l("Approved on"), validators=[DataRequired()], description=_l("YYYY-MM-DD"))
    meeting = StringField(
        _l("Meeting"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("For example General Meeting, Berlin 2024"),
    )
    submit = SubmitField(_l("Publish"))
