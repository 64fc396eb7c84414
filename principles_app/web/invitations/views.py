"""Accept an invitation: the person chooses their own password and is signed in; download your data (SPEC §13)."""

from __future__ import annotations

import json

from flask import Blueprint, Response, redirect, render_template, url_for
from flask_login import current_user, login_required, logout_user

from principles_app.extensions import db
from principles_app.services import invitations as invitation_service
from principles_app.services import my_data, two_factor
from principles_app.web.auth.forms import AcceptInvitationForm
from principles_app.web.auth.views import _start_session
from principles_app.web.submitting import submit

bp = Blueprint("invitations", __name__)

NO_REFERRER = {"Referrer-Policy": "no-referrer"}


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def accept(token: str):
    """Choose a password with the e-mailed link; only a saved password spends it."""
    invitation = invitation_service.live_invitation(token)
    if invitation is None:
        return render_template("invitations/accept.html", form=None, invitation=None), 410, NO_REFERRER
    form = AcceptInvitationForm()
    outcome = submit(form, lambda: invitation_service.accept_invitation(token, form.password.data))
    if outcome.succeeded and outcome.result is None:  # spent by another submission meanwhile
        db.session.rollback()
        return render_template("invitations/accept.html", form=None, invitation=None), 410, NO_REFERRER
    if outcome.succeeded:
        user = outcome.result
        logout_user()
        _start_session(user)
        # Two-factor sign-in is offered at once; a role that requires it is held there by the existing rule.
        return redirect(url_for("two_factor.manage") if not two_factor.is_on(user) else url_for("main.home"))
    return (
        render_template("invitations/accept.html", form=form, invitation=invitation),
        outcome.status,
        NO_REFERRER,
    )


@bp.get("/account/export")
@login_required
def export_my_data():
    """Download everything the signed-in person wrote, and their account settings, as JSON."""
    body = json.dumps(my_data.export_for(current_user), ensure_ascii=False, indent=2)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="my-data.json"', "Cache-Control": "no-store"},
    )
