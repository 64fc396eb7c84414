"""Secretariat pages for a document's rounds: schedule, open, extend and close."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from principles_app import permissions
from principles_app.domain.rounds import allowed_actions
from principles_app.services import closing
from principles_app.services import drafts as draft_service
from principles_app.services import meetings as meeting_service
from principles_app.services import rounds as round_service
from principles_app.web.amendments.forms import ActionForm
from principles_app.web.rounds.forms import ExtendForm, RoundForm, chosen_meeting, meeting_choices
from principles_app.web.submitting import act, done, submit
from principles_app.web.voices.views import deadline_preview, warn_of_night

bp = Blueprint("rounds", __name__)


@bp.before_request
@login_required
def _signed_in_only():
    if not permissions.can_read_drafts(current_user):
        abort(403)


def _page(document, form, status: int = 200, refused: dict[int, ExtendForm] | None = None, preview=None):
    if not form.meeting_id.choices:
        form.meeting_id.choices = meeting_choices(meeting_service.meetings_of(document))
    rounds = round_service.list_rounds(document)
    extend_forms = {r.id: ExtendForm(prefix=f"r{r.id}", closes_at=r.closes_at) for r in rounds}
    extend_forms.update(refused or {})  # a refused extension is shown again as typed, with its errors
    return render_template(
        "rounds/rounds.html",
        document=document,
        rounds=rounds,
        form=form,
        extend_forms=extend_forms,
        action_form=ActionForm(),
        allowed={r.id: allowed_actions(r.state) for r in rounds},
        can_manage=permissions.can_manage_rounds(current_user),
        preview_fairness=preview,
    ), status


@bp.route("/documents/<slug>/rounds/", methods=["GET", "POST"])
def rounds(slug: str):
    document = draft_service.get_document(slug)
    form = RoundForm()
    form.meeting_id.choices = meeting_choices(meeting_service.meetings_of(document))
    if form.is_submitted() and not permissions.can_manage_rounds(current_user):
        abort(403)
    if form.is_submitted() and request.form.get("preview"):
        # Only shows the closing time in every region's local time; nothing is scheduled.
        checked = form.closes_at.validate(form)
        return _page(document, form, 200 if checked else 422, preview=deadline_preview(form) if checked else None)
    outcome = submit(
        form,
        lambda: round_service.create_round(
            current_user,
            document,
            form.kind.data,
            form.title.data,
            form.closes_at.data,
            majority=form.majority.data or None,
            quorum=(form.quorum.data or "").strip() or None,
            secrecy=form.secrecy.data or None,
            meeting_id=chosen_meeting(form.meeting_id.data),
        ),
    )
    if outcome.succeeded:
        warn_of_night(outcome.result.closes_at)
        return done(_("Round scheduled. Open it when it should start."), url_for("rounds.rounds", slug=slug))
    return _page(document, form, outcome.status)


def _change(round_id: int, change, said: str):
    if not permissions.can_manage_rounds(current_user):
        abort(403)
    target = round_service.get_round(round_id)
    act(ActionForm(), lambda: change(current_user, target))
    return done(said, url_for("rounds.rounds", slug=target.document.slug))


@bp.post("/rounds/<int:round_id>/open")
def open_round(round_id: int):
    return _change(round_id, closing.open_round, _("The round is open."))


@bp.post("/rounds/<int:round_id>/close")
def close_round(round_id: int):
    return _change(round_id, closing.close_round, _("The round is closed."))


@bp.post("/rounds/<int:round_id>/extend")
def extend_round(round_id: int):
    if not permissions.can_manage_rounds(current_user):
        abort(403)
    target = round_service.get_round(round_id)
    form = ExtendForm(prefix=f"r{round_id}")
    outcome = submit(form, lambda: round_service.extend_round(current_user, target, form.closes_at.data))
    if outcome.succeeded:
        warn_of_night(target.closes_at)
        return done(_("The round now closes later."), url_for("rounds.rounds", slug=target.document.slug))
    return _page(target.document, RoundForm(formdata=None), outcome.status, refused={round_id: form})


@bp.post("/rounds/<int:round_id>/meeting")
def attach_to_meeting(round_id: int):
    """Attach a scheduled round to one of its document's meetings, or detach it."""
    if not permissions.can_manage_rounds(current_user):
        abort(403)
    target = round_service.get_round(round_id)
    value = request.form.get("meeting_id", "")
    if value and not (value.isdigit() and int(value) <= 2**31 - 1):
        abort(422)
    act(ActionForm(), lambda: meeting_service.attach_round(current_user, chosen_meeting(value), target))
    return done(_("The round's meeting is saved."), url_for("voting.round_page", round_id=round_id))
