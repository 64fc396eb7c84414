"""Forms of the amendment pages: propose, revise, and the one-button actions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from principles_app.domain.amendments import AmendmentKind
from principles_app.domain.procedure import Procedure
from principles_app.labels import AMENDMENT_KIND_CHOICE_NAMES, PROCEDURE_NAMES
from principles_app.web.choices import enum_options
from principles_app.web.forms_common import TextSafeForm


class ProposeForm(TextSafeForm):
    """Propose a change: edit the current text, add a principle, or delete one."""

    kind = SelectField(_l("What do you propose?"), choices=enum_options(AmendmentKind, AMENDMENT_KIND_CHOICE_NAMES))
    principle_id = HiddenField()
    after_principle_id = SelectField(_l("Place the new principle after"), coerce=str, validators=[Optional()])
    title = StringField(_l("Title of the principle"), validators=[Optional(), Length(max=200)])
    text = TextAreaField(
        _l("Text of the principle"),
        validators=[Optional(), Length(max=20_000)],
        render_kw={"rows": 10},
        description=_l("Edit the current text; the redline will show your changes."),
    )
    rationale = TextAreaField(
        _l("Why? (rationale)"), validators=[DataRequired(), Length(max=20_000)], render_kw={"rows": 5}
    )
    submit = SubmitField(_l("Propose amendment"))


class ReviseForm(TextSafeForm):
    """Revise an amendment onto the current text."""

    title = StringField(_l("Title of the principle"), validators=[Optional(), Length(max=200)])
    text = TextAreaField(_l("Proposed text"), validators=[Optional(), Length(max=20_000)], render_kw={"rows": 10})
    rationale = TextAreaField(
        _l("Why? (rationale)"), validators=[DataRequired(), Length(max=20_000)], render_kw={"rows": 5}
    )
    submit = SubmitField(_l("Save revision"))


class ActionForm(TextSafeForm):
    """A button that changes state (CSRF-protected)."""


class RecommendForm(TextSafeForm):
    """The secretariat's recommendation on an amendment; it may change until the proposer answers."""

    procedure = SelectField(_l("Recommendation"), choices=enum_options(Procedure, PROCEDURE_NAMES))
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=20_000)], render_kw={"rows": 4})
    text = TextAreaField(
        _l("The committee’s text (only for a modified recommendation)"),
        validators=[Optional(), Length(max=20_000)],
        render_kw={"rows": 8},
    )
    covered_by_id = SelectField(
        _l("Covered by (only for a covered-by recommendation)"), coerce=str, validators=[Optional()]
    )
    submit = SubmitField(_l("Save recommendation"))


class AnswerForm(TextSafeForm):
    """The proposer's organisation agrees or objects, with an optional comment."""

    comment = TextAreaField(
        _l("Comment (optional)"), validators=[Optional(), Length(max=20_000)], render_kw={"rows": 3}
    )
    agree = SubmitField(_l("Agree"))
    object = SubmitField(_l("Object"))
