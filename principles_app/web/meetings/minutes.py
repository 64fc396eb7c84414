"""Minutes of a General Meeting as HTML, PDF, DOCX and Markdown, in the reader's language.

Every format is drawn from one ``Minutes`` record (services/minutes.py), which reads no clock;
PDF and DOCX, slow to render, are stored once per fingerprint of what they show and served from
there, so two requests on unchanged records get the same bytes and the same ETag.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from principles_app import permissions
from principles_app.exports.minutes_docx import MinutesWriter, render_minutes_docx
from principles_app.extensions import db
from principles_app.labels import CHOICE_NAMES, MAJORITY_NAMES, PROCEDURE_NAMES, name_of
from principles_app.services import generated_files
from principles_app.services import meetings as meeting_service
from principles_app.services import minutes as minutes_service
from principles_app.web.publications.desk import export_css

bp = Blueprint("minutes", __name__)

HTML_TEMPLATE = "meetings/minutes.html"
MD_TEMPLATE = "meetings/minutes.md"
CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
# What the stored PDF and DOCX were rendered with: a new template or writer is a new file.
LAYOUT_VERSION = "minutes-1"


@bp.before_request
@login_required
def _signed_in_only():
    if not permissions.can_read_drafts(current_user):
        abort(403)


@bp.app_template_filter("markdown_text")
def markdown_text(value) -> str:
    """Keep a name or reason from breaking a Markdown line or table: one line, pipes escaped."""
    text = " ".join(str(value).split())
    for special in ("\\", "|", "*", "_", "`", "#", "<", ">", "[", "]"):
        text = text.replace(special, "\\" + special)
    return text


def mode_name(row: minutes_service.AttendanceLine) -> str:
    """Say how an organisation attended, in the reader's language."""
    if row.mode == "in_room":
        return _("In the room")
    if row.mode == "online":
        return _("Online")
    if row.mode == "represented":
        return _("Represented by %(holder)s", holder=row.represented_by or "")
    return _("Absent")


def cast_note(line: minutes_service.RollCallLine) -> str:
    """Say who cast a ballot of the roll call: a proxy holder, the secretariat from paper, or the organisation."""
    if line.proxy_holder:
        return _("cast by %(holder)s as proxy", holder=line.proxy_holder)
    if line.paper:
        return _("entered from a paper form")
    return _("by the organisation")


def _context(minutes: minutes_service.Minutes) -> dict:
    return {"minutes": minutes, "mode_name": mode_name, "cast_note": cast_note, "css": export_css()}


def render_html(minutes: minutes_service.Minutes) -> str:
    """Render the minutes as a standalone HTML document."""
    return render_template(HTML_TEMPLATE, **_context(minutes))


def render_markdown(minutes: minutes_service.Minutes) -> str:
    """Render the minutes as Markdown."""
    return render_template(MD_TEMPLATE, **_context(minutes)).strip() + "\n"


def render_pdf(minutes: minutes_service.Minutes) -> bytes:
    """Render the minutes as PDF through WeasyPrint (DejaVu fonts shape Arabic right to left)."""
    import weasyprint  # loading Pango takes a moment; only this format needs it

    return weasyprint.HTML(string=render_html(minutes), base_url=None).write_pdf()


def _write_docx(minutes: minutes_service.Minutes, w: MinutesWriter) -> None:
    w.heading(_("Minutes: %(meeting)s", meeting=minutes.title), 0)
    w.paragraph(minutes.document)
    w.paragraph(minutes.starts_at, _("Starts"))
    w.paragraph(minutes.ends_at, _("Ends"))
    w.paragraph(minutes.place, _("Place"))
    if minutes.online_url:
        w.paragraph(minutes.online_url, _("Online"))
    w.paragraph(
        _(
            "Present and represented weight: %(weight)s of %(eligible)s; quorum %(quorum)s of the eligible weight "
            "— %(state)s.",
            weight=minutes.attending_weight,
            eligible=minutes.eligible_weight,
            quorum=minutes.quorum,
            state=_("reached") if minutes.quorum_reached else _("not reached"),
        ),
        _("Quorum"),
    )
    w.paragraph(
        _("Drawn from the records as of %(time)s. Times are given in the meeting's time zone.", time=minutes.as_of)
    )
    w.heading(_("Attendance"), 1)
    w.table(
        [_("Organisation"), _("Weight"), _("Attendance")],
        [[row.organisation, row.weight, mode_name(row)] for row in minutes.attendance],
    )
    w.heading(_("Proxies"), 1)
    for p in minutes.proxies:
        w.paragraph(
            f"{_('%(giver)s gave its proxy to %(holder)s', giver=p.giver, holder=p.holder)} ({p.given_at})",
            style="List Bullet",
        )
    if not minutes.proxies:
        w.paragraph(_("No proxies have been given."))
    w.heading(_("Motions"), 1)
    for r in minutes.rounds:
        w.heading(r.title, 2)
        for m in r.motions:
            w.heading(m.title, 3)
            for heading in m.amendments:
                w.paragraph(heading, style="List Bullet")
            for rec in m.recommendations:
                w.paragraph(f"{name_of(PROCEDURE_NAMES, rec['procedure'])} — {rec['reason']}", _("Recommendation:"))
            if not m.decided:
                w.paragraph(_("Not decided at the time of these minutes."))
                continue
            w.paragraph(m.decided_at or "", _("Result: passed") if m.passed else _("Result: failed"))
            rows = [[str(label), m.tally[c]["weight"], str(m.tally[c]["count"])] for c, label in CHOICE_NAMES.items()]
            rows.append([_("Participation"), m.participation["weight"], str(m.participation["count"])])
            rows.append([_("Eligible"), m.participation["eligible_weight"], str(m.participation["eligible_count"])])
            w.table([_("Choice"), _("Weight"), _("Organisations")], rows)
            w.paragraph(
                _(
                    "Majority required: %(m)s; quorum %(q)s of the eligible weight — %(r)s.",
                    m=name_of(MAJORITY_NAMES, m.majority),
                    q=m.quorum,
                    r=_("reached") if m.quorum_reached else _("not reached"),
                )
            )
            if m.adopted_sha256:
                w.paragraph(m.adopted_sha256, _("Version %(v)s adopted; its SHA-256:", v=m.version_number), mono=True)
            if m.roll_call is not None:
                w.heading(_("Roll call"), 3)
                w.table(
                    [_("Organisation"), _("Choice"), _("Weight"), _("Cast")],
                    [
                        [line.organisation, str(name_of(CHOICE_NAMES, line.choice)), line.weight, cast_note(line)]
                        for line in m.roll_call
                    ],
                )
    if not minutes.rounds:
        w.paragraph(_("No rounds were held at this meeting."))


def render_docx(minutes: minutes_service.Minutes) -> bytes:
    """Render the minutes as DOCX with every date fixed to the record time."""
    moment = datetime.fromisoformat(minutes.as_of_utc)
    writer = MinutesWriter(
        minutes.language, minutes.direction, _("Minutes: %(meeting)s", meeting=minutes.title), moment
    )
    return render_minutes_docx(lambda w: _write_docx(minutes, w), writer)


RENDERERS = {"html": render_html, "md": render_markdown, "pdf": render_pdf, "docx": render_docx}


@lru_cache(maxsize=8)
def _layout(language: str) -> str:
    """Name the template, writer and catalogue a stored file was made with: a new one is a new file."""
    source = current_app.jinja_loader.get_source(current_app.jinja_env, HTML_TEMPLATE)[0]
    catalogue = Path(current_app.root_path) / "translations" / language / "LC_MESSAGES" / "messages.mo"
    stamp = catalogue.stat().st_mtime_ns if catalogue.exists() else 0
    return generated_files.fingerprint_of([source, LAYOUT_VERSION, language, stamp])


@bp.get("/meetings/<int:meeting_id>/minutes.<fmt>")
def minutes(meeting_id: int, fmt: str):
    """Serve the meeting's minutes in one of four formats."""
    if fmt not in RENDERERS:
        abort(404)
    meeting = meeting_service.get_meeting(meeting_id)
    record = minutes_service.build_minutes(meeting)
    if fmt in ("pdf", "docx"):
        stored = generated_files.generated_file(
            "meeting-minutes",
            str(meeting.id),
            fmt,
            record.language,
            minutes_service.minutes_fingerprint(record, _layout(record.language)),
            lambda: RENDERERS[fmt](record),
        )
        db.session.commit()
        body, etag = stored.body, stored.etag
    else:
        body = RENDERERS[fmt](record).encode("utf-8")
        etag = generated_files.fingerprint_of([body.decode("utf-8")])
    response = Response(body, mimetype=CONTENT_TYPES[fmt])
    response.set_etag(etag)
    response.headers["Cache-Control"] = "private, no-cache"
    if fmt == "html":
        response.headers["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
        )
    else:
        response.headers["Content-Disposition"] = f'inline; filename="meeting-{meeting.id}-minutes.{fmt}"'
    return response.make_conditional(request)
