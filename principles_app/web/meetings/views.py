"""Pages of a General Meeting: details in the reader's zone, attendance, quorum and proxies."""

from __future__ import annotations

from flask import Blueprint, abort, g, make_response, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from principles_app import permissions
from principles_app.db import utcnow
from principles_app.domain import meetings as rules
from principles_app.extensions import db
from principles_app.formatting import time_in_zone
from principles_app.models import Organisation
from principles_app.services import calendar_feed
from principles_app.services import drafts as draft_service
from principles_app.services import meetings as meeting_service
from principles_app.services import proxies as proxy_service
from principles_app.web.amendments.forms import ActionForm
from principles_app.web.meetings.forms import MeetingForm
from principles_app.web.submitting import act, done, submit

bp = Blueprint("meetings", __name__)


@bp.app_template_global("document_meetings")
def document_meetings(document):
    """List a document's General Meetings on its page."""
    return meeting_service.meetings_of(document)


@bp.app_template_global("next_general_meeting")
def next_general_meeting():
    """The next General Meeting, for the public home page (what, where, when in its own zone; no online link)."""
    found = meeting_service.next_meeting()
    if found is None:
        return None
    return {
        "title": found.title,
        "place": found.place,
        "starts": time_in_zone(found.starts_at, found.time_zone, "full"),
        "ends": time_in_zone(found.ends_at, found.time_zone, "full"),
    }


@bp.app_template_filter("plain_weight")
def plain_weight(weight) -> str:
    """Write a weight without trailing zeros, as the refusal to open a round names it (6.75, not 6.75000000)."""
    return rules.plain_weight(weight)


@bp.before_request
@login_required
def _signed_in_only():
    if not permissions.can_read_drafts(current_user):
        abort(403)


def _organisation_id(name: str) -> int:
    try:
        value = int(request.form.get(name, ""))
    except ValueError:
        abort(422)
    if not 1 <= value <= 2**31 - 1:
        abort(422)
    return value


@bp.get("/meetings/<int:meeting_id>/")
def meeting_page(meeting_id: int):
    meeting = meeting_service.get_meeting(meeting_id)
    rows = meeting_service.attendance_of(meeting)
    names = {row.organisation_id: row.name for row in rows}
    proxies = meeting_service.proxies_of(meeting)
    own_id = current_user.organisation_id if current_user.role.value == "member" else None
    is_secretariat = permissions.is_secretariat(current_user)
    return render_template(
        "meetings/meeting.html",
        meeting=meeting,
        rows=rows,
        names=names,
        proxies=proxies,
        summary=meeting_service.summary(meeting),
        meeting_rounds=meeting_service.rounds_of(meeting),
        own_id=own_id,
        is_secretariat=is_secretariat,
        check_in_open=rules.check_in_open(rules_now(), meeting.starts_at, meeting.ends_at),
        proxies_open=rules.proxies_open(rules_now(), meeting.proxies_close_at),
        own_proxy=next((p for p in proxies if p.giver_organisation_id == own_id), None),
        action_form=ActionForm(),
        modes=mode_choices(),
    )


def rules_now():
    """Return the current time (one place to read the clock on this page)."""
    return utcnow()


def mode_choices():
    """Return the attendance modes with their names in the request's language."""
    return [
        (rules.Mode.IN_ROOM.value, _("In the room")),
        (rules.Mode.ONLINE.value, _("Online")),
        (rules.Mode.ABSENT.value, _("Absent")),
    ]


@bp.post("/meetings/<int:meeting_id>/attendance/<int:organisation_id>")
def set_attendance(meeting_id: int, organisation_id: int):
    meeting = meeting_service.get_meeting(meeting_id)
    mode = request.form.get("mode", "")
    if mode not in {value for value, _label in mode_choices()}:
        abort(422)
    act(ActionForm(), lambda: meeting_service.set_attendance(current_user, meeting, organisation_id, mode))
    return done(_("Attendance recorded."), url_for("meetings.meeting_page", meeting_id=meeting.id))


@bp.post("/meetings/<int:meeting_id>/proxies")
def give_proxy(meeting_id: int):
    meeting = meeting_service.get_meeting(meeting_id)
    holder = _organisation_id("holder_organisation_id")
    giver = _organisation_id("giver_organisation_id") if request.form.get("giver_organisation_id") else None
    act(ActionForm(), lambda: proxy_service.give_proxy(current_user, meeting, holder, giver))
    name = db.session.get(Organisation, holder).name
    return done(
        _("The proxy was given to %(holder)s.", holder=name),
        url_for("meetings.meeting_page", meeting_id=meeting.id),
    )


@bp.post("/meetings/<int:meeting_id>/proxies/<int:giver_organisation_id>/revoke")
def revoke_proxy(meeting_id: int, giver_organisation_id: int):
    meeting = meeting_service.get_meeting(meeting_id)
    act(ActionForm(), lambda: proxy_service.revoke_proxy(current_user, meeting, giver_organisation_id))
    return done(_("The proxy was revoked."), url_for("meetings.meeting_page", meeting_id=meeting.id))


def _secretariat_only() -> None:
    if not permissions.is_secretariat(current_user):
        abort(403)


@bp.route("/documents/<slug>/meetings/new", methods=["GET", "POST"])
def new_meeting(slug: str):
    """Schedule a General Meeting of the document, its times typed in the meeting's zone."""
    _secretariat_only()
    document = draft_service.get_document(slug)
    form = MeetingForm()
    outcome = submit(form, lambda: meeting_service.create_meeting(current_user, document, **form.values()))
    if outcome.succeeded:
        return done(_("The meeting is scheduled."), url_for("meetings.meeting_page", meeting_id=outcome.result.id))
    return render_template("meetings/meeting_form.html", form=form, document=document, meeting=None), outcome.status


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
def edit_meeting(meeting_id: int):
    """Change a meeting's details; the proxy deadline cannot move once it has passed."""
    _secretariat_only()
    meeting = meeting_service.get_meeting(meeting_id)
    g.meeting_zone = meeting.time_zone  # the stored times are shown in the meeting's own zone
    form = MeetingForm(obj=meeting)
    if not form.is_submitted():
        form.quorum.data = rules.plain_weight(meeting.quorum)
    outcome = submit(form, lambda: meeting_service.update_meeting(current_user, meeting, **_kept_times(form, meeting)))
    if outcome.succeeded:
        return done(_("The meeting is saved."), url_for("meetings.meeting_page", meeting_id=meeting.id))
    return render_template(
        "meetings/meeting_form.html", form=form, document=meeting.document, meeting=meeting
    ), outcome.status


def _kept_times(form: MeetingForm, meeting) -> dict:
    """Return the form's values, keeping a stored time the form shows to the minute and was sent back unchanged."""
    values = form.values()
    for name in ("starts_at", "ends_at", "proxies_close_at"):
        stored = getattr(meeting, name)
        if values[name] is not None and values[name] == stored.replace(second=0, microsecond=0):
            values[name] = stored
    return values


@bp.get("/meetings/<int:meeting_id>.ics")
def meeting_calendar(meeting_id: int):
    """Give the meeting as a calendar event (signed in, like its page)."""
    meeting = meeting_service.get_meeting(meeting_id)
    response = make_response(calendar_feed.meeting_ics(meeting))
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="meeting-{meeting.id}.ics"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
