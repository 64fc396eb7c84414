"""The account's signed-in browsers and API tokens: listed, and ended one by one."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from principles_app.services import sessions as session_service
from principles_app.web.auth.two_factor_forms import ConfirmButtonForm
from principles_app.web.submitting import act, done

bp = Blueprint("sessions", __name__)


@bp.get("/account/sessions")
@login_required
def listing():
    """Show every live session of the account (this one marked) and every API token that still works."""
    return render_template(
        "auth/sessions.html",
        sessions=session_service.live_sessions(current_user),
        this_session=current_user.current_session.id,
        button=ConfirmButtonForm(formdata=None),
    )


@bp.post("/account/sessions/<int:session_id>/end")
@login_required
def end(session_id: int):
    """End one session of the account (this one included: that signs this browser out)."""
    act(ConfirmButtonForm(), lambda: session_service.end_own_session(current_user, session_id))
    return done(_("The session has ended."), url_for("sessions.listing"))


@bp.post("/account/sessions/end-others")
@login_required
def end_others():
    """End every session of the account but this one."""
    user = current_user._get_current_object()
    act(ConfirmButtonForm(), lambda: session_service.end_all(user, keep=user.current_session))
    return done(_("Every other session has ended."), url_for("sessions.listing"))


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    """Revoke one API token of the account."""
    act(ConfirmButtonForm(), lambda: session_service.revoke_own_token(current_user, token_id))
    return done(_("The API token is revoked."), url_for("main.account") + "#api-tokens")


@bp.app_context_processor
def _tokens_on_the_account_page():
    def api_tokens() -> list:
        """The API tokens of the reader that still work, for the account page."""
        return session_service.list_tokens(current_user) if current_user.is_authenticated else []

    return {"api_tokens": api_tokens}
