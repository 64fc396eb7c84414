"""Signed-in pages around publication: the secretariat's publish form and the meeting pack."""

from __future__ import annotations

from functools import lru_cache

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from principles_app import permissions
from principles_app.domain.languages import DEFAULT_LANGUAGE
from principles_app.exports.html import LAYOUTS
from principles_app.extensions import db
from principles_app.services import drafts as drafts_service
from principles_app.services import generated_files
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
    outcome = submit(
        form,
        lambda: publications_service.publish(
            current_user, document, form.version.data, form.label.data, form.approved_at.data, form.meeting.data
        ),
    )
    if outcome.succeeded:
        published = outcome.result
        return done(
            _("Published as %(label)s.", label=published.label),
            url_for("public.publication", slug=document.slug, label=published.label),
        )
    return render_template(
        "publications/publish.html",
        form=form,
        document=document,
        publications=publications_service.publications_of(document),
    ), outcome.status


PACK_TEMPLATE = "publications/meeting_pack.html"


@lru_cache(maxsize=1)
def pack_layout() -> str:
    """Return a hash of the pack's template and stylesheet, so a new layout never serves an old file."""
    source = current_app.jinja_loader.get_source(current_app.jinja_env, PACK_TEMPLATE)[0]
    return generated_files.fingerprint_of([source, str(export_css())])


def render_pack_html(pack) -> str:
    """Render the meeting pack as a standalone HTML page."""
    return render_template(PACK_TEMPLATE, pack=pack, css=export_css(), Markup=Markup)


def render_pack_pdf(pack) -> bytes:
    """Render the meeting pack as a PDF (seconds for a long pack: served from the stored file)."""
    import weasyprint  # loading Pango takes a moment; only this page needs it

    return weasyprint.HTML(string=render_pack_html(pack), base_url=None).write_pdf()


PACK_RENDERERS = {"html": render_pack_html, "pdf": render_pack_pdf}


def _pack_response(slug: str, number: int, fmt: str, mimetype: str) -> Response:
    """Serve a meeting pack rendered once per version, language and everything it shows."""
    if not permissions.can_read_meeting_pack(current_user):
        abort(403)
    document = drafts_service.get_document(slug)
    pack = pack_service.build_meeting_pack(document, number, current_user)
    stored = generated_files.generated_file(
        "meeting-pack",
        f"{document.id}:{number}",
        fmt,
        str(get_locale() or DEFAULT_LANGUAGE),
        pack_service.pack_fingerprint(pack, pack_layout()),
        lambda: PACK_RENDERERS[fmt](pack),
    )
    db.session.commit()
    response = Response(stored.body, mimetype=mimetype)
    response.set_etag(stored.etag)
    response.headers["Cache-Control"] = "private, no-cache"
    return response.make_conditional(request)


@bp.get("/documents/<slug>/versions/<int:number>/meeting-pack.html")
@login_required
def meeting_pack_html(slug: str, number: int):
    response = _pack_response(slug, number, "html", "text/html")
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
    return response


@bp.get("/documents/<slug>/versions/<int:number>/meeting-pack.pdf")
@login_required
def meeting_pack_pdf(slug: str, number: int):
    response = _pack_response(slug, number, "pdf", "application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{slug}-v{number}-meeting-pack.pdf"'
    return response
