"""Comment forms: post or reply, edit, flag, hide."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, SelectField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from principles_app.domain.comments import MODERATOR_HIDDEN_CATEGORIES, Stance
from principles_app.labels import HIDDEN_CATEGORY_CHOICE_NAMES, STANCE_NAMES
from principles_app.web.choices import SelectChoice, enum_options
from principles_app.web.forms_common import TextSafeForm

# Length and emptiness are checked by the service so the browser and the API refuse alike (422).
STANCE_CHOICES = [SelectChoice("", _l("No stance")), *enum_options(Stance, STANCE_NAMES)]
HIDE_CHOICES = enum_options(MODERATOR_HIDDEN_CATEGORIES, HIDDEN_CATEGORY_CHOICE_NAMES)


class CommentForm(TextSafeForm):
    """Write a comment or a reply."""

    body = TextAreaField(
        _l("Your comment"),
        description=_l(
            "Markdown: *emphasis*, **strong**, [links](https://example.org), lists and > quotes. Up to 10,000 characters."
        ),
    )
    stance = SelectField(_l("Stance"), choices=STANCE_CHOICES, validators=[Optional()])
    anonymous = BooleanField(_l("Show me only as an organisation from my region (the secretariat still sees who)"))
    parent_id = HiddenField()
    submit = SubmitField(_l("Post comment"))


class EditCommentForm(TextSafeForm):
    """Change my comment; the earlier text is kept."""

    body = TextAreaField(_l("Your comment"))
    stance = SelectField(_l("Stance"), choices=STANCE_CHOICES, validators=[Optional()])
    submit = SubmitField(_l("Save changes"))


class FlagForm(TextSafeForm):
    """Ask the secretariat to look at a comment."""

    reason = TextAreaField(_l("Why should the secretariat look at this comment?"), validators=[Length(max=1000)])
    submit = SubmitField(_l("Flag comment"))


class HideForm(TextSafeForm):
    """Hide a comment behind a placeholder."""

    category = SelectField(_l("Reason shown to readers"), choices=HIDE_CHOICES)
    reason = TextAreaField(_l("Reason (recorded in the audit log)"), validators=[Length(max=1000)])
    submit = SubmitField(_l("Hide comment"))


class ConfirmForm(TextSafeForm):
    """A button that carries only the CSRF token."""

    submit = SubmitField(_l("Confirm"))
