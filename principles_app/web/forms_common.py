"""What the forms of several areas share: the base form that checks every text, and a date and time
typed in the reader's own zone.

Usage (a form of any area)::

    from principles_app.web.forms_common import LocalDateTimeField

    class RoundForm(FlaskForm):
        closes_at = LocalDateTimeField(_l("Closes at"), validators=[InputRequired()])

    form.closes_at.data        # aware UTC datetime (or None), ready for the service
    form.closes_at.zone_name   # the zone the input was read in, e.g. "Europe/Berlin": show it
    form.closes_at.note        # set when the local time happened twice (clocks went back): show it
    RoundForm(closes_at=round.closes_at)  # a stored UTC time fills the input in the reader's zone

In a template: ``{{ field(form.closes_at) }}`` renders ``<input type="datetime-local">``; add
``{{ form.closes_at.zone_name }}`` next to it. A time skipped by a clock change, or text that is
no date, becomes a field error, never a 500.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from flask_babel import get_timezone
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms.fields import Field, PasswordField, StringField, TextAreaField
from wtforms.widgets import DateTimeLocalInput

from principles_app.domain.text import text_problem
from principles_app.domain.times import (
    FALLBACK_ZONE,
    NonexistentLocalTime,
    UnknownTimeZone,
    resolve_local_datetime,
    to_local_input,
)


class TextSafeForm(FlaskForm):
    """A form whose every text field refuses what no page, feed or export could carry (domain/text.py).

    Text areas may hold tabs and line breaks; every other text field is one line. Every form of the
    app derives from this one, so no text reaches a service unchecked.
    """

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            if (
                not isinstance(field, StringField)
                or isinstance(field, PasswordField)
                or not isinstance(field.data, str)
            ):
                continue
            problem = text_problem(field.data, multiline=isinstance(field, TextAreaField))
            if problem:
                field.errors = [*field.errors, _(problem)]
                valid = False
        return valid


def reader_zone_name() -> str:
    """Return the IANA name of the current reader's time zone."""
    zone = get_timezone()
    return getattr(zone, "key", None) or str(zone or FALLBACK_ZONE)


class LocalDateTimeField(Field):
    """A datetime-local input read in the reader's time zone; its data is aware UTC."""

    widget = DateTimeLocalInput()

    def __init__(self, label=None, validators=None, zone: str | Callable[[], str] | None = None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self._zone = zone
        self.note: str | None = None

    @property
    def zone_name(self) -> str:
        """Return the zone the input is read and shown in."""
        if callable(self._zone):
            return self._zone()
        return self._zone or reader_zone_name()

    def _value(self) -> str:
        if self.raw_data:
            return " ".join(self.raw_data)
        if isinstance(self.data, datetime) and self.data.tzinfo is not None:
            return to_local_input(self.data, self.zone_name)
        return ""

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        text = valuelist[0].strip()
        zone_name = self.zone_name
        try:
            resolved = resolve_local_datetime(text, zone_name)
        except NonexistentLocalTime:
            self.data = None
            raise ValueError(
                _(
                    "%(time)s does not exist in %(zone)s: the clocks skip it. Choose another time.",
                    time=text.replace("T", " "),
                    zone=zone_name,
                )
            ) from None
        except UnknownTimeZone:
            self.data = None
            raise ValueError(
                _("Your time zone %(zone)s is unknown; choose one in your account.", zone=zone_name)
            ) from None
        except ValueError:
            self.data = None
            raise ValueError(_("Give a date and time.")) from None
        self.data = resolved.utc
        if resolved.ambiguous:
            self.note = _(
                "%(time)s happens twice in %(zone)s because the clocks go back; the first of the two was taken.",
                time=text.replace("T", " "),
                zone=zone_name,
            )
