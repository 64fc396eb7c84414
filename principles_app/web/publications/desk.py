"""Signed-in pages around publication: the secretariat's publish form and the meeting pack."""
from __future__ import annotations

from functools import lru_cache

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from principles_app import permissions
from principles_app.exports.html import LAYOUTS
from principles_app.services import drafts as drafts_service
from principles_app.services import meeting_pack as pack_service
from principles_app.services import publications as publications_service
from principles_app.web.publications.forms import PublishForm
from principles_app.web.submitting import done, submit

bp = Blueprint("publishing", __name__)


@lru_cache(maxsize=1)
def export_css() -> Markup:
    """Return the exports' print stylesheet (A4, page numbers, DejaVu fonts) for the meeting pack."""
    return Markup((LAYOUTS / "print.css").read_text(encoding="utf-8"))


@bp.route("/documents/<slug>/publish", methods=["GET", "POST"])
@login_required
def publish(slug: str):
    if not permissions.can_publish(current_user):
        abort(403)
    document = drafts_service.get_document(slug)
    form = PublishForm()
    if request.method == "GET" and form.version.data is None:
        form.version.data = request.args.get("version", type=int) or document.current_version
    outcome = submit(form, lambda: publications_service.publish(
        current_user, document, form.version.data, form.label.data, form.approved_at.data, form.meeting.data))
    if outcome.succeeded:
        published = outcome.result
        return done(_("Published as %(label)s.", label=published.label),
                    url_for("public.publication", slug=document.slug, label=published.label))
    return render_template("publications/publish.html", form=form, document=document,
                           publications=publications_service.publications_of(document)), outcome.status


def _pack_html(slug: str, number: int) -> str:
    if not permissions.can_read_meeting_pack(current_user):
        abort(403)
    document = drafts_service.get_document(slug)
    pack = pack_service.build_meeting_pack(document, number, current_user)
    return render_template("publications/meeting_pack.html", pack=pack, css=export_css(), Markup=Markup)


@bp.get("/documents/<slug>/versions/<int:number>/meeting-pack.html")
@login_required
def meeting_pack_html(slug: str, number: int):
    response = Response(_pack_html(slug, number), mimetype="text/html")
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
    return response


@bp.get("/documents/<slug>/versions/<int:number>/meeting-pack.pdf")
@login_required
def meeting_pack_pdf(slug: str, number: int):
    import weasyprint  # loading Pango takes a moment; only this page needs it

    pdf = weasyprint.HTML(string=_pack_html(slug, number), base_url=None).write_pdf()
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{slug}-v{number}-meeting-pack.pdf"'
    return response
