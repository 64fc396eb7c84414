"""Key points of a consultation over JSON (SPEC §16)."""

from __future__ import annotations

from flask import g, request
from flask_babel import gettext as _

from principles_app import permissions
from principles_app.domain.languages import LANGUAGES
from principles_app.domain.organisations import AuthorCategory
from principles_app.domain.points import POINTS_PER_PAGE
from principles_app.extensions import db
from principles_app.models import Region
from principles_app.services import drafts as draft_service
from principles_app.services import points as point_service
from principles_app.services import translations as translation_service
from principles_app.services.errors import ValidationFailed
from principles_app.web.api import bp
from principles_app.web.api.core import ok, require
from principles_app.web.api.openapi import Endpoint, endpoint
from principles_app.web.api.points_schemas import (
    PointCreate,
    PointList,
    PointOut,
    PointPatch,
    PointTranslationOut,
    PointTranslationPut,
    SessionIn,
    SourcesOut,
    SourcesPut,
    SupportOut,
)


def point_out(view: point_service.PointView, slug: str) -> PointOut:
    """Describe a point as the caller may see it."""
    return PointOut(
        id=view.id,
        document=slug,
        text=view.text,
        language=view.language,
        theme_id=view.theme_id,
        theme=view.theme,
        anonymous=view.anonymous,
        organisation_id=view.organisation_id,
        organisation=str(view.organisation),
        region=view.region,
        category=view.category,
        session=view.session_name,
        session_date=view.session_date,
        supports=view.supports,
        supported=view.supported,
        translations=view.translations,
        principle_ids=view.principle_ids,
        created_at=view.created_at,
        edited_at=view.edited_at,
    )


def _point_response(point, status: int = 200):
    return ok(point_out(point_service.point_view(point, g.api_user), point.document.slug), status)


@bp.post("/documents/<slug>/points")
@endpoint(
    Endpoint(
        "Raise a key point while a consultation is open; the secretariat records one from an engagement session",
        body=PointCreate,
        response=PointOut,
        status=201,
        errors=(403, 409),
        tag="points",
    )
)
def raise_point(slug: str, body: PointCreate):
    document = draft_service.get_document(slug)
    session, session_date = body.session, body.session_date
    if isinstance(session, SessionIn):
        session, session_date = session.name, session.date or session_date
    point = point_service.submit_point(
        g.api_user,
        document,
        body.text,
        theme=body.theme,
        anonymous=body.anonymous,
        language=body.language,
        session=session,
        session_date=session_date,
        organisation_id=body.organisation_id,
    )
    db.session.commit()
    return _point_response(point, 201)


@bp.get("/documents/<slug>/points")
@endpoint(
    Endpoint(
        "A document's key points, most supported first, filtered and paginated",
        response=PointList,
        tag="points",
        query={
            "theme": {"type": "integer", "minimum": 1, "description": "a theme's id"},
            "region": {"type": "string", "enum": [region.value for region in Region]},
            "category": {"type": "string", "enum": [category.value for category in AuthorCategory]},
            "language": {"type": "string", "enum": list(LANGUAGES)},
            "min_support": {"type": "integer", "minimum": 0},
            "unlinked": {"type": "boolean", "description": "only the points no principle draws on"},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": 100},
        },
    )
)
def list_points(slug: str):
    require(permissions.can_read_drafts(g.api_user))
    document = draft_service.get_document(slug)
    filters = point_service.parse_filters(request.args)
    page = point_service.page_number(request.args.get("page"))
    per_page_raw = (request.args.get("per_page") or str(POINTS_PER_PAGE)).strip()
    if not per_page_raw.isdigit() or not 1 <= int(per_page_raw) <= 100:
        raise ValidationFailed(fields={"per_page": _("Give a whole number from 1 to 100.")})
    views, shown = point_service.list_points(document, g.api_user, filters, page, int(per_page_raw))
    return ok(
        PointList(
            document=document.slug,
            points=[point_out(view, document.slug) for view in views],
            page=shown.number,
            pages=shown.pages,
            per_page=shown.size,
            total=shown.total,
        )
    )


@bp.get("/points/<int:point_id>")
@endpoint(Endpoint("A key point", response=PointOut, tag="points"))
def get_point(point_id: int):
    require(permissions.can_read_drafts(g.api_user))
    return _point_response(point_service.get_point(point_id))


@bp.patch("/points/<int:point_id>")
@endpoint(
    Endpoint(
        "Edit one's own key point while the consultation is open (history kept)",
        body=PointPatch,
        response=PointOut,
        errors=(403, 409),
        tag="points",
    )
)
def edit_point(point_id: int, body: PointPatch):
    point = point_service.get_point(point_id)
    require(permissions.can_edit_point(g.api_user, point))
    point_service.edit_point(g.api_user, point, body.text, language=body.language, theme=body.theme)
    db.session.commit()
    return _point_response(point)


def _support_out(point) -> SupportOut:
    view = point_service.point_view(point, g.api_user)
    return SupportOut(point_id=point.id, supports=view.supports, supported=view.supported)


@bp.post("/points/<int:point_id>/supports")
@endpoint(
    Endpoint(
        "Support another organisation's key point (once per organisation, while open)",
        response=SupportOut,
        status=201,
        errors=(403, 409),
        tag="points",
    )
)
def support_point(point_id: int):
    point = point_service.get_point(point_id)
    require(permissions.can_support_point(g.api_user, point))
    point_service.support_point(g.api_user, point)
    db.session.commit()
    return ok(_support_out(point), 201)


@bp.delete("/points/<int:point_id>/supports")
@endpoint(
    Endpoint(
        "Withdraw one's organisation's support while the consultation is open",
        response=SupportOut,
        errors=(403, 409),
        tag="points",
    )
)
def withdraw_support(point_id: int):
    point = point_service.get_point(point_id)
    require(permissions.can_support_point(g.api_user, point))
    point_service.withdraw_support(g.api_user, point)
    db.session.commit()
    return ok(_support_out(point))


@bp.put("/points/<int:point_id>/translations/<language>")
@endpoint(
    Endpoint(
        "Add or replace a key point's translation (members, secretariat)",
        body=PointTranslationPut,
        response=PointTranslationOut,
        errors=(403,),
        tag="points",
    )
)
def put_point_translation(point_id: int, language: str, body: PointTranslationPut):
    point = point_service.get_point(point_id)
    require(permissions.can_translate_point(g.api_user, point))
    translation = point_service.put_point_translation(g.api_user, point, language, body.text)
    db.session.commit()
    return ok(PointTranslationOut(point_id=point.id, language=translation.language, text=translation.text, stale=False))


def _sources_out(principle, version: int | None) -> SourcesOut:
    views = point_service.sources_by_principle([principle.id], g.api_user, version).get(principle.id, [])
    slug = principle.document.slug
    return SourcesOut(
        principle_id=principle.id,
        version=version,
        point_ids=[view.id for view in views],
        points=[point_out(view, slug) for view in views],
        regions=point_service.regions_of(views),
    )


@bp.get("/principles/<int:principle_id>/sources")
@endpoint(
    Endpoint(
        "The key points a principle draws on, now or in a version",
        response=SourcesOut,
        tag="points",
        query={"version": {"type": "integer", "minimum": 1, "description": "a version of the document"}},
    )
)
def get_sources(principle_id: int):
    require(permissions.can_read_drafts(g.api_user))
    principle = translation_service.get_principle(principle_id)
    raw = (request.args.get("version") or "").strip()
    if raw and (not raw.isdigit() or not 1 <= int(raw) <= 2**31 - 1):
        raise ValidationFailed(fields={"version": _("Give a whole number of at least %(minimum)d.", minimum=1)})
    return ok(_sources_out(principle, int(raw) if raw else None))


@bp.put("/principles/<int:principle_id>/sources")
@endpoint(
    Endpoint(
        "Say which key points of its document a principle draws on (secretariat)",
        auth="secretariat",
        body=SourcesPut,
        response=SourcesOut,
        errors=(409,),
        tag="points",
    )
)
def put_sources(principle_id: int, body: SourcesPut):
    principle = translation_service.get_principle(principle_id)
    require(permissions.can_link_sources(g.api_user))
    point_service.set_sources(g.api_user, principle, body.point_ids)
    db.session.commit()
    return ok(_sources_out(principle, None))
