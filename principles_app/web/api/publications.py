"""Publications over JSON: publish (secretariat), list and read (anyone, no token needed)."""

from __future__ import annotations

from flask import g

from principles_app import permissions
from principles_app.exports import RENDERERS
from principles_app.extensions import db
from principles_app.models import Publication
from principles_app.services import drafts as drafts_service
from principles_app.services import publications as publications_service
from principles_app.web.api import bp
from principles_app.web.api.core import ok, require
from principles_app.web.api.openapi import Endpoint, endpoint
from principles_app.web.api.publications_schemas import (
    PublicationBrief,
    PublicationCreate,
    PublicationList,
    PublicationOut,
)
from principles_app.web.templating import public_url_for


def _brief(publication: Publication) -> dict:
    record = publication.record
    return {
        "document": record["slug"],
        "title": record["title"],
        "label": publication.label,
        "version": publication.version_number,
        "approved_at": publication.approved_at,
        "meeting": publication.meeting,
        "published_at": publication.published_at,
        "sha256": publication.sha256,
        "url": public_url_for("public.publication", slug=record["slug"], label=publication.label),
    }


def publication_out(publication: Publication) -> PublicationOut:
    """Describe a publication from its frozen record."""
    record = publication.record
    exports = {
        fmt: public_url_for("public.export", slug=record["slug"], label=publication.label, fmt=fmt) for fmt in RENDERERS
    }
    return PublicationOut(
        **_brief(publication),
        preamble=record["preamble"],
        principles=[{k: p[k] for k in ("number", "title", "text")} for p in record["principles"]],
        adoption=record.get("adoption"),
        credits=record["credits"],
        exports=exports,
    )


@bp.post("/documents/<slug>/publications")
@endpoint(
    Endpoint(
        "Publish a version whose adoption motion passed",
        auth="secretariat",
        body=PublicationCreate,
        response=PublicationOut,
        status=201,
        errors=(404, 409),
        tag="publications",
    )
)
def create_publication(slug: str, body: PublicationCreate):
    require(permissions.can_publish(g.api_user))
    document = drafts_service.get_document(slug)
    publication = publications_service.publish(
        g.api_user, document, body.version, body.label, body.approved_at, body.meeting
    )
    db.session.commit()
    return ok(publication_out(publication), 201)


@bp.get("/publications")
@endpoint(Endpoint("Every publication, newest first", auth="public", response=PublicationList, tag="publications"))
def list_publications():
    publications = [PublicationBrief(**_brief(p)) for p in publications_service.all_publications()]
    return ok(PublicationList(publications=publications))


@bp.get("/publications/<slug>/<label>")
@endpoint(
    Endpoint(
        "One publication: the adopted text and its record",
        auth="public",
        response=PublicationOut,
        errors=(404,),
        tag="publications",
    )
)
def get_publication(slug: str, label: str):
    document = publications_service.published_document(slug)
    return ok(publication_out(publications_service.get_publication(document, label)))
