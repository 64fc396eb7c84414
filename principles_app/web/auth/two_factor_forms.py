"""Forms of two-factor sign-in: the code at sign-in, enrolment, turning it off, the secretariat's reset."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from principles_app.web.forms_common import TextSafeForm


class SecondFactorForm(TextSafeForm):
    """The code from the app, or a recovery code, after the password."""

    code = StringField(
        _l("Code"),
        validators=[DataRequired(), Length(max=64)],
        render_kw={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"},
        description=_l("The six digits your authenticator app shows now, or one of your recovery codes."),
    )
    submit = SubmitField(_l("Continue"))


class ConfirmEnrolmentForm(TextSafeForm):
    """The first code from the app, which turns two-factor sign-in on."""

    code = StringField(
        _l("Code from the app"),
        validators=[DataRequired(), Length(max=64)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )
    submit = SubmitField(_l("Turn on two-factor sign-in"))


class DisableForm(TextSafeForm):
    """The current password, to turn two-factor sign-in off."""

    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )
    disable = SubmitField(_l("Turn off two-factor sign-in"))


class ConfirmButtonForm(TextSafeForm):
    """A CSRF-protected button that confirms an action."""

    next = HiddenField()
    submit = SubmitField(_l("Confirm"))
