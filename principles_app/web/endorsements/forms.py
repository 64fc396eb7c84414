"""The endorsement form, the confirming buttons and the secretariat's decision forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, SelectField, StringField, SubmitField, TextAreaField, URLField

from principles_app.domain.endorsements import MAX_STATEMENT
from principles_app.domain.organisations import Region
from principles_app.labels import REGION_NAMES
from principles_app.web.choices import enum_options, options
from principles_app.web.forms_common import TextSafeForm


class EndorseForm(TextSafeForm):
    """Who endorses: the service checks every field, so the form only gathers them."""

    organisation_name = StringField(_l("Name of the organisation"))
    country = SelectField(_l("Country"), validate_choice=False)
    region = SelectField(_l("Region"), validate_choice=False)
    website = URLField(_l("Website"), description=_l("Its address, starting with https:// or http://"))
    email = EmailField(
        _l("Contact e-mail"),
        description=_l("We send a link to confirm the endorsement to this address. It is never shown."),
    )
    statement = TextAreaField(
        _l("Statement (optional)"),
        description=_l("Plain text, at most %(n)d characters.", n=MAX_STATEMENT),
    )
    consent = BooleanField(
        _l("We agree that the name of our organisation, its country and statement are listed publicly.")
    )
    # A field people never see: a form that arrives with it filled in was sent by a machine.
    nickname = StringField(_l("Leave this field empty"))
    submit = SubmitField(_l("Endorse"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.region.choices = options([("", _l("Choose a region"))]) + enum_options(Region, REGION_NAMES)


class ConfirmForm(TextSafeForm):
    """The button that spends a verification link (mail scanners open links; only a person presses it)."""

    submit = SubmitField(_l("Confirm the endorsement"))


class WithdrawForm(TextSafeForm):
    """The button that withdraws an endorsement."""

    submit = SubmitField(_l("Withdraw the endorsement"))


class ApproveForm(TextSafeForm):
    """The secretariat publishes a verified endorsement."""

    submit = SubmitField(_l("Approve"))


class RejectForm(TextSafeForm):
    """The secretariat refuses a verified endorsement, saying why."""

    reason = TextAreaField(_l("Reason (sent to the endorser)"))
    submit = SubmitField(_l("Reject"))
