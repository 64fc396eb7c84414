"""The secretariat's desk on an open round: who has not voted, reminders, ballots entered from paper."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms import RadioField, SelectField, SubmitField
from wtforms.validators import InputRequired

from principles_app import permissions
from principles_app.db import utcnow
from principles_app.domain.rounds import accepts_input
from principles_app.domain.voting import Choice
from principles_app.extensions import db
from principles_app.labels import CHOICE_NAMES
from principles_app.models import Ballot, Organisation, User
from principles_app.services import ballots, motions, turnout
from principles_app.web.amendments.forms import ActionForm
from principles_app.web.amendments.presenters import describe
from principles_app.web.choices import enum_options, options
from principles_app.web.forms_common import TextSafeForm
from principles_app.web.submitting import act, done, submit

bp = Blueprint("ballot_desk", __name__)


class PaperBallotForm(TextSafeForm):
    """An organisation's choice copied from its paper form by the secretariat."""

    organisation_id = SelectField(
        _l("Organisation"), coerce=int, validators=[InputRequired()], render_kw={"required": False}
    )
    choice = RadioField(
        _l("Choice on the paper form"), choices=enum_options(Choice, CHOICE_NAMES), validators=[InputRequired()]
    )
    submit = SubmitField(_l("Record the paper ballot"))


@bp.before_request
@login_required
def _secretariat_only():
    if not permissions.is_secretariat(current_user):
        abort(403)


def _paper_form(motion, rows, refused: PaperBallotForm | None = None) -> PaperBallotForm:
    form = refused if refused is not None else PaperBallotForm(prefix=f"p{motion.id}", formdata=None)
    form.organisation_id.choices = options((row.organisation_id, row.name) for row in rows)
    return form


def desks_for(target, refused: PaperBallotForm | None = None, refused_motion_id: int | None = None) -> dict:
    """Describe, by motion id, who has not voted and the secretariat's forms, while the round takes ballots."""
    if not (
        permissions.can_follow_participation(current_user)
        and target.kind in motions.VOTING_KINDS
        and accepts_input(target.state, target.closes_at, utcnow())
    ):
        return {}
    desks = {}
    for motion in motions.motions_of(target):
        rows = turnout.participation_of(current_user, motion)
        desks[motion.id] = {
            "missing": [row for row in rows if not row.voted],
            "paper_form": _paper_form(motion, rows, refused if refused_motion_id == motion.id else None),
        }
    return desks


def _round_page(target, status: int, refused=None, motion_id=None):
    from principles_app.web.voting.views import round_page_with  # the round page owns its layout

    return round_page_with(target, status, desks_for(target, refused, motion_id))


@bp.post("/motions/<int:motion_id>/reminders")
def send_reminder(motion_id: int):
    """Remind the organisations that have not voted on a motion, from the round page."""
    motion = motions.get_motion(motion_id)
    sent = act(ActionForm(), lambda: turnout.send_reminder(current_user, motion))
    return done(
        _(
            "Reminder sent to %(organisations)s organisations (%(recipients)s people).",
            organisations=len(sent.organisation_ids),
            recipients=sent.recipients,
        ),
        url_for("voting.round_page", round_id=motion.round_id) + f"#desk-{motion.id}",
    )


@bp.post("/motions/<int:motion_id>/paper-ballot")
def record_paper_ballot(motion_id: int):
    """Record an organisation's paper ballot from the round page, then show its receipt to print."""
    motion = motions.get_motion(motion_id)
    target = motion.round
    form = _paper_form(motion, turnout.participation_of(current_user, motion), PaperBallotForm(prefix=f"p{motion.id}"))
    outcome = submit(
        form,
        lambda: ballots.record_paper_ballot(current_user, motion.id, form.organisation_id.data, form.choice.data),
        raise_for=(403, 404, 409),  # a closed round shows no form to put the refusal on
    )
    if outcome.succeeded:
        return done(
            _("Paper ballot recorded. Receipt: %(receipt)s", receipt=outcome.result.receipt),
            url_for("ballot_desk.paper_receipt", motion_id=motion.id, organisation_id=form.organisation_id.data),
        )
    return _round_page(target, outcome.status, form, motion.id)


@bp.get("/motions/<int:motion_id>/paper-ballots/<int:organisation_id>")
def paper_receipt(motion_id: int, organisation_id: int):
    """Show the receipt of a ballot entered from paper, to print and hand to the organisation.

    Once the organisation has changed its ballot from a device, the paper receipt is no longer
    shown: its choice is the organisation's to see.
    """
    motion = motions.get_motion(motion_id)
    ballot = db.session.execute(
        select(Ballot).where(Ballot.motion_id == motion.id, Ballot.organisation_id == organisation_id)
    ).scalar_one_or_none()
    if ballot is None or not ballot.paper:
        abort(404)
    elector = motions.elector_of(motion.round, organisation_id)
    return render_template(
        "voting/paper_receipt.html",
        motion=motion,
        round=motion.round,
        row={
            "motion": motion,
            "amendment": describe(motion.amendment, viewer=current_user) if motion.amendment else None,
        },
        ballot=ballot,
        organisation=db.session.get(Organisation, organisation_id),
        entered_by=db.session.get(User, ballot.cast_by_id),
        weight=elector.weight if elector is not None else None,
    )
