"""Sign-in, password change and password reset forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, HiddenField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Length

from principles_app.web.forms_common import TextSafeForm


class SignInForm(TextSafeForm):
    """Email and password."""

    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])
    next = HiddenField()
    submit = SubmitField(_l("Sign in"))


class SignInLinkForm(TextSafeForm):
    """The button that spends an e-mailed sign-in link."""

    submit = SubmitField(_l("Sign in"))


class SignOutForm(TextSafeForm):
    """A CSRF-protected sign-out button."""

    submit = SubmitField(_l("Sign out"))


class ChangePasswordForm(TextSafeForm):
    """The current password and the new one, on the account page beside the preferences form."""

    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(max=1024)],
        render_kw={"autocomplete": "new-password"},
        description=_l(
            "At least 12 characters and not easy to guess: a few uncommon words together are easy to remember."
        ),
    )
    change_password = SubmitField(_l("Change password"))


class ForgotPasswordForm(TextSafeForm):
    """The address to send a link to choose a new password."""

    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    submit = SubmitField(_l("Send me a link"))


class ResetPasswordForm(TextSafeForm):
    """The new password chosen through an e-mailed link."""

    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(max=1024)],
        render_kw={"autocomplete": "new-password"},
        description=_l(
            "At least 12 characters and not easy to guess: a few uncommon words together are easy to remember."
        ),
    )
    submit = SubmitField(_l("Save the new password"))


class AcceptInvitationForm(TextSafeForm):
    """The password an invited person chooses for their new account."""

    password = PasswordField(
        _l("Choose your password"),
        validators=[DataRequired(), Length(max=1024)],
        render_kw={"autocomplete": "new-password"},
        description=_l(
            "At least 12 characters and not easy to guess: a few uncommon words together are easy to remember."
        ),
    )
    submit = SubmitField(_l("Create my account"))
