"""The live view of a General Meeting: the motion on the floor, its countdown, turnout and result.

Without JavaScript the page is complete and a "Refresh" link reloads it; with JavaScript
(static/live.js) the page asks ``/live/region`` every two seconds with the ETag it holds and
swaps the region when it changed. The region's ETag is the same cheap fingerprint as the API's,
so an unchanged meeting costs one aggregate query and renders nothing.
"""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import get_locale, get_timezone
from flask_login import current_user, login_required

from principles_app import permissions
from principles_app.db import utcnow
from principles_app.domain.languages import DEFAULT_LANGUAGE
from principles_app.labels import REGION_NAMES
from principles_app.services import live as live_service
from principles_app.web.voting.charts import choice_bars

bp = Blueprint("meeting_live", __name__)

REGION_TEMPLATE = "meetings/_live_region.html"


@bp.before_request
@login_required
def _signed_in_only():
    if not permissions.can_read_drafts(current_user):
        abort(403)


def _projector() -> bool:
    return request.args.get("projector") == "1"


def _variant() -> tuple[str, ...]:
    """Name what the region's HTML depends on besides the records: language, zone, layout."""
    zone = get_timezone()
    return (
        "page",
        str(get_locale() or DEFAULT_LANGUAGE),
        str(getattr(zone, "key", zone)),
        "projector" if _projector() else "page",
    )


def countdown(closes_at: datetime, now: datetime | None = None) -> str:
    """Say how long until the deadline as the timer shows it: H:MM:SS, 0:00:00 once passed."""
    seconds = max(int((closes_at - (now or utcnow())).total_seconds()), 0)
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"


def _context(state: live_service.LiveState, ticking: bool = True) -> dict:
    found = state.motion
    chart = None
    if found is not None and found.result is not None:
        p = found.result["participation"]
        chart = choice_bars(found.result["tally"], p["eligible_weight"], p["eligible_count"], "live-chart-title")
    return {
        "state": state,
        "meeting": state.meeting,
        "m": found,
        "chart": chart,
        # The region the script fetches carries no clock reading, so one ETag always means one body;
        # the script sets the timer as soon as it swaps the region in.
        "countdown": countdown(found.closes_at) if found is not None and ticking else "",
        "projector": _projector(),
        "REGION_NAMES": REGION_NAMES,
    }


def _not_modified(etag: str) -> Response:
    response = Response(status=304)
    response.set_etag(etag)
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.get("/meetings/<int:meeting_id>/live")
def live_page(meeting_id: int):
    """Show the live view, or its projector layout with ``?projector=1``."""
    state = live_service.live_state(meeting_id, *_variant())
    template = "meetings/live_projector.html" if _projector() else "meetings/live.html"
    return render_template(template, **_context(state))


@bp.get("/meetings/<int:meeting_id>/live/region")
def live_region(meeting_id: int):
    """Send the live region alone for the page's script; 304 while its ETag still holds."""
    variant = _variant()
    etag = live_service.live_fingerprint(meeting_id, *variant)
    if etag in request.if_none_match:
        return _not_modified(etag)

    def build() -> tuple[str, bytes]:
        state = live_service.live_state(meeting_id, *variant)
        return state.fingerprint, render_template(REGION_TEMPLATE, **_context(state, ticking=False)).encode("utf-8")

    etag, body = live_service.RENDERED.get_or_build(etag, build)
    response = Response(body, mimetype="text/html")
    response.set_etag(etag)
    response.headers["Cache-Control"] = "private, no-cache"
    return response
