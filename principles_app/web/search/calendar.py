"""The personal calendar feed: its secret address and the account page's renewal form (SPEC §15)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from principles_app.extensions import db
from principles_app.services import calendar_feed
from principles_app.services.notifications import absolute_url
from principles_app.web.submitting import done

bp = Blueprint("calendar", __name__)
SHOWN_ONCE = "calendar_address"


@bp.get("/calendar/<token>.ics")
def feed(token: str):
    user = calendar_feed.user_for_token(token)
    if user is None:
        abort(404)
    response = Response(calendar_feed.build_feed(user), mimetype="text/calendar")
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Disposition"] = 'inline; filename="principles.ics"'
    return response


@bp.post("/account/calendar")
@login_required
def renew():
    token = calendar_feed.renew(current_user)
    db.session.commit()
    # Shown once on the account page, then forgotten: only the token's hash is kept.
    session[SHOWN_ONCE] = absolute_url(calendar_feed.feed_path(token))
    return done(
        _("Your calendar address is ready; any earlier address no longer works."), url_for("main.account") + "#calendar"
    )


@bp.app_context_processor
def _calendar_on_the_account_page():
    def calendar_address() -> dict:
        """What the account page says of the feed: whether one exists, and its address just after renewal."""
        if not current_user.is_authenticated:
            return {"exists": False, "address": None}
        return {"exists": calendar_feed.has_feed(current_user), "address": session.pop(SHOWN_ONCE, None)}

    return {"calendar_address": calendar_address}
