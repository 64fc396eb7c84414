"""Forms of the home area: language switch and personal preferences."""

from __future__ import annotations

from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, StringField, SubmitField
from wtforms.validators import AnyOf, DataRequired, Optional, ValidationError

from principles_app.domain.languages import LANGUAGE_NAMES, Language
from principles_app.domain.organisations import NotificationPreference
from principles_app.labels import NOTIFICATION_PREFERENCE_NAMES
from principles_app.web.choices import SelectChoice, enum_options
from principles_app.web.forms_common import TextSafeForm


class LanguageForm(TextSafeForm):
    """Switch the interface language; works without JavaScript."""

    language = SelectField(_l("Language"), choices=enum_options(Language, LANGUAGE_NAMES), validators=[DataRequired()])
    next = HiddenField()
    submit = SubmitField(_l("Change language"))


class PreferencesForm(TextSafeForm):
    """A user's language, time zone and notification choice."""

    language = SelectField(
        _l("Language"),
        choices=[SelectChoice("", _l("As my browser asks")), *enum_options(Language, LANGUAGE_NAMES)],
        validators=[Optional()],
    )
    time_zone = StringField(
        _l("Time zone"), validators=[Optional()], description=_l("An IANA name such as Africa/Dakar or America/Lima.")
    )
    notifications = SelectField(
        _l("Email notifications"),
        choices=enum_options(NotificationPreference, NOTIFICATION_PREFERENCE_NAMES),
        validators=[AnyOf([preference.value for preference in NotificationPreference])],
    )
    submit = SubmitField(_l("Save preferences"))

    def validate_time_zone(self, field):
        if field.data and field.data not in available_timezones():
            raise ValidationError(_l("Give an IANA time zone such as Africa/Nairobi."))
