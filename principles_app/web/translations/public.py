"""Published versions read in a translation: which translations are current, and translated exports.

The authoritative page under a label never changes, so its language switch lists every
translation language and never depends on what translators did since. A ``?text_lang=`` variant
reads the translations that are current for the published text; because a translation can
still be corrected or completed, those variants are cached briefly (ETag per body) instead of
for a year; their exports are stored once per state of the translation (services/generated_files.py).
"""

from __future__ import annotations

from flask import request
from flask_babel import force_locale

from principles_app.exports import render
from principles_app.extensions import db
from principles_app.models import Publication
from principles_app.services import generated_files
from principles_app.services import translations as translation_service
from principles_app.web.translations.views import requested_text_language


def public_text_variant(publication_id: int) -> tuple[str | None, dict, str]:
    """Return the chosen text language, the current translations by principle number and their fingerprint."""
    text_lang = requested_text_language()
    if text_lang is None:
        return None, {}, ""
    publication = db.session.get(Publication, publication_id)
    current = translation_service.current_for_record(publication.record, text_lang)
    return text_lang, current, translation_service.translations_fingerprint(current)


def variant_context(publication: Publication, text_lang: str | None, current: dict) -> dict:
    """Return what the publication template needs to show the text in the chosen language."""
    total = len(publication.record.get("principles", []))
    return {
        "text_lang": text_lang,
        "text_languages": translation_service.TRANSLATION_LANGUAGES,
        "translated": {n: {"title": row.title, "text": row.text} for n, row in current.items()},
        "translation_complete": bool(text_lang) and total > 0 and len(current) == total,
        "text_direction": translation_service.direction_of(text_lang) if text_lang else "ltr",
        "switch_url": lambda code: request.path + (f"?text_lang={code}" if code else ""),
    }


def translated_export_body(publication: Publication, fmt: str, text_lang: str) -> tuple[bytes, str] | None:
    """Render (once per translation state, for every worker) the export of a publication in a current, complete translation."""
    current = translation_service.current_for_record(publication.record, text_lang)
    principles = publication.record.get("principles", [])
    if not principles or len(current) != len(principles):
        return None

    def build() -> bytes:
        with force_locale(text_lang):
            return render(fmt, translation_service.translated_export(publication, text_lang))

    stored = generated_files.generated_file(
        "translated-export",
        str(publication.id),
        fmt,
        text_lang,
        translation_service.translations_fingerprint(current),
        build,
    )
    db.session.commit()
    return stored.body, stored.etag
