"""Public reading of published principles: index, latest, any label, redline, exports and feed.

No sign-in and no JavaScript. Nothing here reads drafts, amendments, threads or ballots: every
page is built from a publication's frozen record.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from principles_app.domain.languages import DEFAULT_LANGUAGE, LANGUAGES
from principles_app.exports import CONTENT_TYPES, RENDERERS
from principles_app.extensions import db
from principles_app.models import Publication
from principles_app.services import drafts as drafts_service
from principles_app.services import endorsements as endorsement_service
from principles_app.services import points as point_service
from principles_app.services import publications as publications_service
from principles_app.web.publications.page_cache import (
    IMMUTABLE,
    SHORT_LIVED,
    conditional_response,
    pages,
    recent_keys,
)
from principles_app.web.templating import public_url_for
from principles_app.web.translations.public import public_text_variant, translated_export_body, variant_context
from principles_app.web.translations.views import requested_text_language

public_bp = Blueprint("public", __name__, url_prefix="/principles")

FEED_SIZE = 50
HTML = "text/html"


def _language() -> str:
    """Return the page language: ?lang= when given, else the reader's usual choice."""
    chosen = request.args.get("lang")
    return chosen if chosen in LANGUAGES else str(get_locale() or DEFAULT_LANGUAGE)


def _page(key: tuple, template: str, cache_control: str, context, mimetype: str = HTML):
    """Serve a page from the page cache; ``context()`` runs only when the page must be rendered."""
    language = _language()

    def build() -> str:
        with force_locale(language):
            return render_template(template, language=language, languages=LANGUAGES, **context())

    # Absolute links come from PUBLIC_URL, so no page depends on the Host the request named.
    body, etag = pages.get_or_build((template, language, *key), build)
    return conditional_response(body, etag, mimetype, cache_control)


def _view_of(publication) -> dict:
    """Return what a page shows of one publication: its frozen record plus the label facts."""
    export = publications_service.export_of(publication)
    # Where each principle comes from: the key points its version drew on (never changed once published).
    sources = point_service.sources_of_version(publication.document_id, publication.version_number, None)
    return {"publication": publication, "export": export, "sources": sources}


@public_bp.app_template_filter("atom_time")
def atom_time(value: datetime | None) -> str:
    """Format an aware time as RFC 3339 UTC for the feed."""
    if value is None:
        return "1970-01-01T00:00:00Z"
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _keys(slug: str | None = None, label: str | None = None, limit: int | None = None) -> list:
    """Return the publication keys a page depends on; 404 for an unpublished slug or unknown label."""
    seconds = float(current_app.config["PUBLIC_KEYS_FRESH_SECONDS"])
    keys = recent_keys.get_or_fetch(
        (slug, label, limit), seconds, lambda: publications_service.publication_keys(slug, label, limit)
    )
    if slug is not None and not keys:
        abort(404)
    return keys


@public_bp.get("/")
def index():
    keys = _keys()
    return _page(
        ("index", publications_service.publication_fingerprint(keys)),
        "publications/index.html",
        SHORT_LIVED,
        lambda: {"publications": publications_service.latest_by_document()},
    )


def _endorsements_of(keys: list) -> dict:
    """Return the approved endorsements of the first publication by region, and those of earlier ones by label."""
    endorsements = endorsement_service.approved_endorsements([key.id for key in keys])
    current = [e for e in endorsements if e.publication_id == keys[0].id]
    earlier = [
        (key, [e for e in endorsements if e.publication_id == key.id])
        for key in keys[1:]
        if any(e.publication_id == key.id for e in endorsements)
    ]
    return {"endorsements": current, "endorsement_groups": endorsement_service.by_region(current), "earlier": earlier}


@public_bp.get("/<slug>/")
def latest(slug: str):
    keys = _keys(slug)
    text_lang, current, translations = public_text_variant(keys[0].id)

    def context() -> dict:
        history = [db.session.get(Publication, key.id) for key in keys]
        return {
            "history": history,
            "is_latest": True,
            **_view_of(history[0]),
            **variant_context(history[0], text_lang, current),
            **_endorsements_of(keys),
        }

    # Approving or withdrawing an endorsement changes the page: its key says which are shown.
    endorsed = endorsement_service.endorsement_fingerprint([key.id for key in keys])
    return _page(
        ("latest", publications_service.publication_fingerprint(keys), text_lang, translations, endorsed),
        "publications/publication.html",
        SHORT_LIVED,
        context,
    )


@public_bp.get("/<slug>/<label>/")
def publication(slug: str, label: str):
    keys = _keys(slug, label)
    # A translated variant can still be corrected, so only the authoritative text is cached for good.
    text_lang, current, translations = public_text_variant(keys[0].id)

    def context() -> dict:
        found = db.session.get(Publication, keys[0].id)
        return {"history": None, "is_latest": False, **_view_of(found), **variant_context(found, text_lang, current)}

    return _page(
        ("label", publications_service.publication_fingerprint(keys), text_lang, translations),
        "publications/publication.html",
        IMMUTABLE if text_lang is None else SHORT_LIVED,
        context,
    )


@public_bp.get("/<slug>/<label>/endorsements")
def endorsements(slug: str, label: str):
    """Show who endorses one publication, by region, newest first; it changes, so it is short-lived."""
    keys = _keys(slug, label)
    latest_keys = _keys(slug)

    def context() -> dict:
        found = db.session.get(Publication, keys[0].id)
        newer = latest_keys[0] if latest_keys[0].id != found.id else None
        return {**_view_of(found), **_endorsements_of(keys), "newer": newer}

    endorsed = endorsement_service.endorsement_fingerprint([keys[0].id])
    return _page(
        ("endorsements", publications_service.publication_fingerprint(keys), latest_keys[0].id, endorsed),
        "publications/endorsements.html",
        SHORT_LIVED,
        context,
    )


@public_bp.get("/<slug>/<label>/export.<fmt>")
def export(slug: str, label: str, fmt: str):
    if fmt not in RENDERERS:
        abort(404)
    document = publications_service.published_document(slug)
    found = publications_service.get_publication(document, label)
    language = _language()
    text_lang = requested_text_language()
    if text_lang is not None:
        # Only a translation current for every principle of this version becomes an export.
        translated = translated_export_body(found, fmt, text_lang)
        if translated is None:
            abort(404)
        response = conditional_response(translated[0], translated[1], CONTENT_TYPES[fmt], SHORT_LIVED)
        label = f"{label}.{text_lang}"
    else:
        with force_locale(language):
            cached = publications_service.rendered_export(found, fmt, language)
        db.session.commit()
        response = conditional_response(cached.body, cached.etag, CONTENT_TYPES[fmt], IMMUTABLE)
    disposition = "inline" if fmt in ("html", "pdf") else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{slug}-{label}.{fmt}"'
    if fmt == "html":
        # A standalone file with its stylesheet inlined; it runs no script.
        response.headers["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
            "form-action 'none'; frame-ancestors 'none'"
        )
    return response


@public_bp.get("/<slug>/compare/<a>/<b>/")
def compare(slug: str, a: str, b: str):
    keys = _keys(slug, a) + _keys(slug, b)

    def context() -> dict:
        first, second = (db.session.get(Publication, key.id) for key in keys)
        comparison = drafts_service.compare_snapshots(first.record, second.record, _("deleted:"), _("inserted:"))
        return {"first": first, "second": second, "comparison": comparison, "Markup": Markup}

    return _page(
        ("compare", publications_service.publication_fingerprint(keys)), "publications/compare.html", IMMUTABLE, context
    )


@public_bp.get("/feed.atom")
def feed():
    keys = _keys(limit=FEED_SIZE)
    ids = [key.id for key in keys]
    key = ("feed", publications_service.publication_fingerprint(keys), endorsement_service.endorsement_fingerprint(ids))
    return _page(
        key,
        "publications/feed.xml",
        SHORT_LIVED,
        lambda: {
            "publications": publications_service.all_publications(limit=FEED_SIZE),
            "endorsements": endorsement_service.approved_endorsements(ids)[:FEED_SIZE],
            "feed_url": public_url_for("public.feed"),
            "index_url": public_url_for("public.index"),
        },
        mimetype="application/atom+xml",
    )
