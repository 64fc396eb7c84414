"""Secretariat forms for rounds: schedule one, extend it, and the state buttons."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length

from principles_app.domain.rounds import RoundKind
from principles_app.domain.voting import DEFAULT_SECRECY, Majority, Secrecy
from principles_app.labels import MAJORITY_CHOICE_NAMES, ROUND_KIND_CHOICE_NAMES, SECRECY_CHOICE_NAMES
from principles_app.web.choices import SelectChoice, enum_options
from principles_app.web.forms_common import LocalDateTimeField, TextSafeForm


class RoundForm(TextSafeForm):
    """Schedule a round of a document."""

    kind = SelectField(_l("Kind of round"), choices=enum_options(RoundKind, ROUND_KIND_CHOICE_NAMES))
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    closes_at = LocalDateTimeField(_l("Closes at"), validators=[InputRequired()])
    # Voting and adoption settings; empty means the kind's default (simple / two-thirds, quorum 0.5).
    majority = SelectField(
        _l("Majority"),
        default="",
        choices=[SelectChoice("", _l("Default for the kind of round")), *enum_options(Majority, MAJORITY_CHOICE_NAMES)],
    )
    quorum = StringField(
        _l("Quorum"),
        default="",
        validators=[Length(max=12)],
        description=_l("Fraction of the eligible weight that must vote, e.g. 0.5; empty for 0.5."),
    )
    secrecy = SelectField(
        _l("Ballots"), default=DEFAULT_SECRECY.value, choices=enum_options(Secrecy, SECRECY_CHOICE_NAMES)
    )
    submit = SubmitField(_l("Schedule round"))


class ExtendForm(TextSafeForm):
    """Move an open round's closing time later."""

    closes_at = LocalDateTimeField(_l("New closing time"), validators=[InputRequired()])
    submit = SubmitField(_l("Extend round"))
