"""Secretariat forms for rounds: schedule one, extend it, and the state buttons."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length

from principles_app.web.forms_common import LocalDateTimeField, TextSafeForm
from principles_app.web.choices import options

ROUND_KIND_CHOICES = [("amendments", _l("Amendments (proposals and comments)")), ("voting", _l("Voting")),
                      ("adoption", _l("Adoption"))]


class RoundForm(TextSafeForm):
    """Schedule a round of a document."""

    kind = SelectField(_l("Kind of round"), choices=options(ROUND_KIND_CHOICES))
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    closes_at = LocalDateTimeField(_l("Closes at"), validators=[InputRequired()])
    # Voting and adoption settings; empty means the kind's default (simple / two-thirds, quorum 0.5).
    majority = SelectField(_l("Majority"), default="", choices=options([
        ("", _l("Default for the kind of round")), ("simple", _l("Simple: more yes than no")),
        ("two_thirds", _l("Two thirds of yes and no")), ("three_quarters", _l("Three quarters of yes and no")),
        ("absolute", _l("Absolute: more than half of all eligible weight"))]))
    quorum = StringField(_l("Quorum"), default="", validators=[Length(max=12)],
                         description=_l("Fraction of the eligible weight that must vote, e.g. 0.5; empty for 0.5."))
    secrecy = SelectField(_l("Ballots"), default="named", choices=options([
        ("named", _l("Named: the roll-call is shown after close")),
        ("secret", _l("Secret: nobody sees who voted what"))]))
    submit = SubmitField(_l("Schedule round"))


class ExtendForm(TextSafeForm):
    """Move an open round's closing time later."""

    closes_at = LocalDateTimeField(_l("New closing time"), validators=[InputRequired()])
    submit = SubmitField(_l("Extend round"))
