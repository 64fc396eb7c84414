"""Sign-in form."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Length


class SignInForm(FlaskForm):
    """Email and password."""

    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])
    next = HiddenField()
    submit = SubmitField(_l("Sign in"))


class SignInLinkForm(FlaskForm):
    """The button that spends an e-mailed sign-in link."""

    submit = SubmitField(_l("Sign in"))


class SignOutForm(FlaskForm):
    """A CSRF-protected sign-out button."""

    submit = SubmitField(_l("Sign out"))
