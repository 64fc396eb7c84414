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
    # The document's General Meetings (set by the view); a round attached to one opens only at quorum.
    meeting_id = SelectField(_l("General Meeting"), default="", choices=[])
    submit = SubmitField(_l("Schedule round"))


def meeting_choices(meetings) -> list[SelectChoice]:
    """Offer no meeting, or one of the document's meetings, by title and start."""
    return [
        SelectChoice("", _l("Not voted at a meeting")),
        *(SelectChoice(str(m.id), f"{m.title} ({m.starts_at:%Y-%m-%d})") for m in meetings),
    ]


def chosen_meeting(value: str | None) -> int | None:
    """Read the meeting chosen in a form: an id, or None for none."""
    return int(value) if value and value.isdigit() else None


class ExtendForm(TextSafeForm):
    """Move an open round's closing time later."""

    closes_at = LocalDateTimeField(_l("New closing time"), validators=[InputRequired()])
    submit = SubmitField(_l("Extend round"))
