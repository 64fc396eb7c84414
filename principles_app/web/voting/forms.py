"""Forms of the voting pages: put a motion, cast a ballot."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length

from principles_app.domain.voting import Choice
from principles_app.labels import CHOICE_NAMES
from principles_app.web.choices import enum_options
from principles_app.web.forms_common import TextSafeForm


class PutMotionForm(TextSafeForm):
    """Put an open amendment to the vote."""

    # No `required` attribute: the list never has an empty placeholder option (the HTML standard asks for one).
    amendment_id = SelectField(_l("Amendment"), coerce=int, validators=[InputRequired()], render_kw={"required": False})
    submit = SubmitField(_l("Put to the vote"))


class PutBlockForm(TextSafeForm):
    """Put several open amendments to the vote as one block, passing or falling together."""

    amendment_ids = StringField(
        _l("Amendments of the block, in order"),
        validators=[DataRequired(), Length(max=10_000)],
        description=_l("Amendment numbers separated by commas, e.g. 12, 15, 9. Merged in this order if it passes."),
    )
    submit = SubmitField(_l("Put the block to the vote"))


class BallotForm(TextSafeForm):
    """Cast or change the organisation's ballot on one motion."""

    motion_id = HiddenField(validators=[DataRequired()])
    choice = RadioField(
        _l("Your organisation's vote"), choices=enum_options(Choice, CHOICE_NAMES), validators=[InputRequired()]
    )
    submit = SubmitField(_l("Cast ballot"))
