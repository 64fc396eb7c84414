"""Sign-in form."""

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
