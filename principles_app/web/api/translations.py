"""Translations of principles over JSON."""

from __future__ import annotations

from flask import g

from principles_app import permissions
from principles_app.extensions import db
from principles_app.models import PrincipleTranslation
from principles_app.services import translations as translation_service
from principles_app.web.api import bp
from principles_app.web.api.core import ok, require
from principles_app.web.api.openapi import Endpoint, endpoint
from principles_app.web.api.translations_schemas import (
    TranslationList,
    TranslationOut,
    TranslationPut,
)


def translation_out(translation: PrincipleTranslation) -> TranslationOut:
    """Describe a translation with its staleness and the source's changes since."""
    view = translation_service.describe(translation)
    return TranslationOut(
        principle_id=translation.principle_id,
        language=view.language,
        title=view.title,
        text=view.text,
        source_version=view.source_version,
        stale=view.stale,
        source_title=view.source_title,
        source_text=view.source_text,
        source_diff=view.source_diff if view.stale else None,
        source_title_diff=view.source_title_diff if view.stale else None,
        translated_by=view.translated_by,
        updated_at=view.updated_at,
    )


@bp.get("/principles/<int:principle_id>/translations")
@endpoint(
    Endpoint(
        "Every translation of a principle, each marked stale when the source changed since",
        response=TranslationList,
        tag="translations",
    )
)
def list_translations(principle_id: int):
    require(permissions.can_read_drafts(g.api_user))
    principle = translation_service.get_principle(principle_id)
    return ok(
        TranslationList(
            principle_id=principle.id,
            document=principle.document.slug,
            source_language=translation_service.SOURCE_LANGUAGE,
            version=principle.document.current_version,
            title=principle.title,
            text=principle.text,
            translations=[translation_out(t) for t in translation_service.list_translations(principle)],
        )
    )


@bp.put("/principles/<int:principle_id>/translations/<language>")
@endpoint(
    Endpoint(
        "Add or replace the translation of a principle into es, fr or ar (members, secretariat)",
        body=TranslationPut,
        response=TranslationOut,
        errors=(403, 404, 409, 422),
        tag="translations",
    )
)
def put_translation(principle_id: int, language: str, body: TranslationPut):
    principle = translation_service.get_principle(principle_id)
    require(permissions.can_translate(g.api_user, principle))
    translation = translation_service.put_translation(
        g.api_user,
        principle,
        language,
        body.title,
        body.text,
        source_version=body.source_version,
        confirm_stale=body.confirm_stale,
        document_slug=body.document,
    )
    db.session.commit()
    return ok(translation_out(translation))
