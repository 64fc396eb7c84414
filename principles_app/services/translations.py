"""Translations of principles: write them, tell when they are out of date, read them per language."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from principles_app import permissions
from principles_app.db import utcnow
from principles_app.domain.diffing import render_redline, word_diff
from principles_app.domain.languages import SOURCE_LANGUAGE, TRANSLATION_LANGUAGES, direction_of
from principles_app.domain.publication import ExportPrinciple, PublicationExport
from principles_app.extensions import db
from principles_app.models import Principle, PrincipleTranslation, User, Version
from principles_app.services import audit
from principles_app.services import drafts as draft_service
from principles_app.services.errors import (
    Conflict,
    Forbidden,
    NotFound,
    ValidationFailed,
)
from principles_app.services.publications import export_of


def check_language(language: str | None, field: str = "language") -> str:
    """Return a language a principle can be translated into, or refuse it with 422."""
    if language not in TRANSLATION_LANGUAGES:
        raise ValidationFailed(
            fields={field: str(_l("Choose one of: %(languages)s.", languages=", ".join(TRANSLATION_LANGUAGES)))}
        )
    return language


def get_principle(principle_id: int) -> Principle:
    """Return the principle with this id or raise NotFound."""
    principle = db.session.get(Principle, principle_id)
    if principle is None:
        raise NotFound(_l("No such principle."))
    return principle


def list_translations(principle: Principle) -> list[PrincipleTranslation]:
    """Return every translation of the principle, by language."""
    return list(
        db.session.execute(
            select(PrincipleTranslation)
            .where(PrincipleTranslation.principle_id == principle.id)
            .order_by(PrincipleTranslation.language)
        ).scalars()
    )


def find_translation(principle: Principle, language: str) -> PrincipleTranslation | None:
    """Return the principle's translation into this language, or None."""
    return db.session.execute(
        select(PrincipleTranslation).where(
            PrincipleTranslation.principle_id == principle.id, PrincipleTranslation.language == language
        )
    ).scalar_one_or_none()


def translations_by_principle(principle_ids: list[int], language: str) -> dict[int, PrincipleTranslation]:
    """Return the translations into one language of these principles, keyed by principle id."""
    if not principle_ids or language not in TRANSLATION_LANGUAGES:
        return {}
    rows = db.session.execute(
        select(PrincipleTranslation).where(
            PrincipleTranslation.principle_id.in_(principle_ids), PrincipleTranslation.language == language
        )
    ).scalars()
    return {row.principle_id: row for row in rows}


# --- Describing a translation -----------------------------------------------------------------


@dataclass(frozen=True)
class TranslationView:
    """A translation as readers see it: its text, and whether the source moved on since."""

    language: str
    title: str
    text: str
    source_version: int
    stale: bool
    source_title: str
    source_text: str
    # What changed in the source since the translation was made (empty when current).
    source_title_diff: list[tuple[int, str]]
    source_diff: list[tuple[int, str]]
    translated_by: str | None
    updated_at: datetime

    @property
    def direction(self) -> str:
        """Return the writing direction of the translation's language."""
        return direction_of(self.language)

    def redline(self, deleted_label: str = "deleted:", inserted_label: str = "inserted:") -> str:
        """Render what changed in the source text since the translation, as HTML."""
        return render_redline(self.source_diff, deleted_label, inserted_label)

    def title_redline(self, deleted_label: str = "deleted:", inserted_label: str = "inserted:") -> str:
        """Render what changed in the source title since the translation, as HTML."""
        return render_redline(self.source_title_diff, deleted_label, inserted_label)


def describe(translation: PrincipleTranslation) -> TranslationView:
    """Describe a translation against the principle's current title and text."""
    principle = translation.principle
    stale = translation.stale
    return TranslationView(
        language=translation.language,
        title=translation.title,
        text=translation.text,
        source_version=translation.source_version,
        stale=stale,
        source_title=translation.source_title,
        source_text=translation.source_text,
        source_title_diff=word_diff(translation.source_title, principle.title) if stale else [],
        source_diff=word_diff(translation.source_text, principle.text) if stale else [],
        translated_by=translation.translated_by.name if translation.translated_by is not None else None,
        updated_at=translation.updated_at,
    )


# --- Writing ----------------------------------------------------------------------------------


def principle_at_version(principle: Principle, version_number: int) -> dict[str, Any] | None:
    """Return the principle as it read in a version of its document, or None if it was not there."""
    version = db.session.execute(
        select(Version).where(Version.document_id == principle.document_id, Version.number == version_number)
    ).scalar_one_or_none()
    if version is None:
        return None
    return next((p for p in version.snapshot["principles"] if p.get("id") == principle.id), None)


def source_changes(
    old_title: str,
    old_text: str,
    principle: Principle,
    deleted_label: str = "deleted:",
    inserted_label: str = "inserted:",
) -> tuple[str, str]:
    """Render, as HTML redlines, how the principle's title and text changed since an older reading."""
    return (
        render_redline(word_diff(old_title, principle.title), deleted_label, inserted_label),
        render_redline(word_diff(old_text, principle.text), deleted_label, inserted_label),
    )


def _check_source(principle: Principle, source_version: int | None, confirm_stale: bool) -> None:
    """Refuse a translation made against an older source unless the translator confirms it (409)."""
    if source_version is None:
        return
    current = principle.document.current_version
    if isinstance(source_version, bool) or not isinstance(source_version, int) or not 1 <= source_version <= current:
        raise ValidationFailed(
            fields={
                "source_version": str(_l("Give a version of this document, from 1 to %(current)s.", current=current))
            }
        )
    if source_version == current or confirm_stale:
        return
    before = principle_at_version(principle, source_version)
    if before is None:
        raise ValidationFailed(
            fields={"source_version": str(_l("This principle was not part of version %(n)s.", n=source_version))}
        )
    if before["title"] != principle.title or before["text"] != principle.text:
        raise Conflict(
            _l(
                "The principle changed since version %(n)s, which this translation was made from. "
                "Check the changes and confirm to save it anyway.",
                n=source_version,
            ),
            fields={"confirm_stale": str(_l("Confirm that the translation follows the current text."))},
        )


def put_translation(
    actor: User,
    principle: Principle,
    language: str,
    title: str | None,
    text: str | None,
    source_version: int | None = None,
    confirm_stale: bool = False,
    document_slug: str | None = None,
) -> PrincipleTranslation:
    """Add or replace the translation of a principle into one language, against its current text."""
    if not permissions.can_translate(actor, principle):
        raise Forbidden(_l("Only delegates of active member organisations and the secretariat translate."))
    if document_slug is not None and document_slug != principle.document.slug:
        raise ValidationFailed(fields={"document": str(_l("This principle belongs to another document."))})
    language = check_language(language)
    title = draft_service.check_title(title)
    text = draft_service.check_text(text)
    if principle.is_deleted:
        raise Conflict(_l("This principle was deleted from the draft; it cannot be translated any more."))
    _check_source(principle, source_version, confirm_stale)
    values = {
        "title": title,
        "text": text,
        "source_title": principle.title,
        "source_text": principle.text,
        "source_version": principle.document.current_version,
        "translated_by_id": actor.id if actor is not None else None,
        "updated_at": utcnow(),
    }
    translation, created = _store(principle, language, values)
    audit.record(
        "translation.created" if created else "translation.updated",
        "principle",
        principle.id,
        {
            "language": language,
            "title": title,
            "source_version": values["source_version"],
            "confirmed_stale": bool(
                confirm_stale and source_version is not None and source_version != values["source_version"]
            ),
        },
        actor,
    )
    return translation


def _store(principle: Principle, language: str, values: dict[str, Any]) -> tuple[PrincipleTranslation, bool]:
    """Insert or update the one row for (principle, language); a concurrent insert becomes an update."""
    existing = find_translation(principle, language)
    if existing is None:
        row = PrincipleTranslation(principle_id=principle.id, language=language, **values)
        try:
            with db.session.begin_nested():
                db.session.add(row)
                db.session.flush()
            return row, True
        except IntegrityError:
            # Another translator saved the first translation at the same moment: the later one wins.
            existing = find_translation(principle, language)
    for name, value in values.items():
        setattr(existing, name, value)
    db.session.flush()
    return existing, False


# --- Published versions -----------------------------------------------------------------------


def current_for_record(record: dict[str, Any], language: str) -> dict[int, PrincipleTranslation]:
    """Return, by principle number, the translations current for a publication's frozen text.

    A translation is current for a published version when it was made from exactly the title
    and text that were published.
    """
    principles = [p for p in record.get("principles", []) if p.get("id") is not None]
    found = translations_by_principle([p["id"] for p in principles], language)
    current = {}
    for p in principles:
        row = found.get(p["id"])
        if row is not None and row.source_title == p["title"] and row.source_text == p["text"]:
            current[int(p["number"])] = row
    return current


def languages_for_record(record: dict[str, Any]) -> dict[str, bool]:
    """Return each language with a current translation of some principle, and whether it covers all."""
    total = len(record.get("principles", []))
    languages = {}
    for language in TRANSLATION_LANGUAGES:
        count = len(current_for_record(record, language))
        if count:
            languages[language] = count == total
    return languages


def translations_fingerprint(rows: dict[int, PrincipleTranslation]) -> str:
    """Return a short key that changes whenever any of these translations reads differently."""
    parts = [f"{n}:{row.id}:{row.updated_at.isoformat()}" for n, row in sorted(rows.items())]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def translated_export(publication, language: str) -> PublicationExport | None:
    """Build the export of a publication in a language whose translation is current for every principle.

    Returns None when any principle lacks a current translation. The SHA-256 and the snapshot
    stay those of the authoritative text, so the export's hash check still works.
    """
    record = publication.record
    current = current_for_record(record, language)
    if not record.get("principles") or len(current) != len(record["principles"]):
        return None
    authoritative = export_of(publication, language)
    principles = [
        ExportPrinciple(p.number, current[p.number].title, current[p.number].text) for p in authoritative.principles
    ]
    snapshot = {
        "title": record["title"],
        "preamble": record["preamble"],
        "principles": [{"number": p["number"], "title": p["title"], "text": p["text"]} for p in record["principles"]],
    }
    return replace(
        authoritative,
        principles=principles,
        language=language,
        direction=direction_of(language),
        is_translation=True,
        source_language=SOURCE_LANGUAGE,
        source_snapshot=snapshot,
    )
