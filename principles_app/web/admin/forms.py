"""Secretariat forms: organisations and users."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DecimalField, EmailField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from principles_app.domain.languages import LANGUAGE_NAMES, Language
from principles_app.domain.organisations import Category, Region, Role
from principles_app.labels import CATEGORY_NAMES, REGION_NAMES, ROLE_NAMES
from principles_app.web.choices import enum_options
from principles_app.web.forms_common import TextSafeForm


def four_places(form, field):
    """Refuse a weight with more than four decimal places."""
    if field.data is not None and field.data != field.data.quantize(Decimal("0.0001")):
        raise ValidationError(_l("Use at most 4 decimal places."))


class OrganisationForm(TextSafeForm):
    """Create or edit an organisation."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    region = SelectField(_l("Region"), choices=enum_options(Region, REGION_NAMES))
    category = SelectField(_l("Category"), choices=enum_options(Category, CATEGORY_NAMES))
    vote_weight = DecimalField(
        _l("Vote weight"),
        places=None,
        default=Decimal("0"),
        validators=[Optional(), NumberRange(min=0, max=99999999), four_places],
    )
    active = BooleanField(_l("Active"), default=True)
    credit_opt_out = BooleanField(_l("Do not name this organisation in credits"))
    submit = SubmitField(_l("Save organisation"))


class UserForm(TextSafeForm):
    """Create or edit a user."""

    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    role = SelectField(_l("Role"), choices=enum_options(Role, ROLE_NAMES))
    organisation_id = SelectField(_l("Organisation"), coerce=int)
    active = BooleanField(_l("Active"), default=True)
    submit = SubmitField(_l("Save user"))


class InvitationForm(TextSafeForm):
    """Invite a person; they choose their own password through the e-mailed link."""

    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    role = SelectField(_l("Role"), choices=enum_options(Role, ROLE_NAMES))
    organisation_id = SelectField(_l("Organisation"), coerce=int)
    language = SelectField(_l("Language of the e-mail"), choices=enum_options(Language, LANGUAGE_NAMES))
    submit = SubmitField(_l("Send the invitation"))


class EraseForm(TextSafeForm):
    """Erase a person, confirmed by typing their e-mail address or name."""

    confirm = StringField(
        _l("Type their e-mail address or name to confirm"), validators=[DataRequired(), Length(max=254)]
    )
    submit = SubmitField(_l("Erase this person"))
