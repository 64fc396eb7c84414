"""Translations of principles: who writes them, and when they are out of date."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from principles_app.domain.diffing import DELETE, INSERT
from principles_app.extensions import db
from principles_app.models import AuditEntry, PrincipleTranslation
from principles_app.services import translations as translation_service
from principles_app.services.errors import Conflict, Forbidden, ValidationFailed
from tests.factories import (
    LISTEN_AMENDED,
    SPANISH,
    SPANISH_AMENDED,
    SPANISH_TITLE,
    draft_in_round,
    make_document,
    make_organisation,
    make_user,
    merge_change,
    principle,
)


@pytest.fixture
def people(app):
    return {"secretariat": make_user("secretariat"), "member": make_user("member"), "observer": make_user("observer")}


def translations_count():
    return db.session.scalar(select(func.count()).select_from(PrincipleTranslation))


def test_a_member_translates_a_principle_and_it_is_current(people):
    document = make_document()
    target = principle(document, 1)
    saved = translation_service.put_translation(people["member"], target, "es", SPANISH_TITLE, SPANISH)
    db.session.commit()
    view = translation_service.describe(saved)
    assert (view.language, view.title, view.text, view.source_version, view.stale) == (
        "es",
        SPANISH_TITLE,
        SPANISH,
        1,
        False,
    )
    assert view.source_diff == []
    assert [t.language for t in translation_service.list_translations(target)] == ["es"]


def test_the_secretariat_may_translate_and_a_second_save_replaces_the_first(people):
    document = make_document()
    target = principle(document, 1)
    translation_service.put_translation(people["member"], target, "fr", "Écouter", "Texte.")
    translation_service.put_translation(
        people["secretariat"], target, "fr", "Écouter d'abord", "Les partenaires s'écoutent."
    )
    db.session.commit()
    rows = translation_service.list_translations(target)
    assert (
        len(rows) == 1 and rows[0].title == "Écouter d'abord" and rows[0].translated_by_id == people["secretariat"].id
    )


def test_every_write_is_audited(people):
    document = make_document()
    target = principle(document, 1)
    before = db.session.scalar(select(func.count()).select_from(AuditEntry))
    translation_service.put_translation(people["member"], target, "es", SPANISH_TITLE, SPANISH)
    translation_service.put_translation(people["member"], target, "es", SPANISH_TITLE, SPANISH + " Siempre.")
    db.session.commit()
    actions = db.session.execute(select(AuditEntry.action).order_by(AuditEntry.id).offset(before)).scalars().all()
    assert actions == ["translation.created", "translation.updated"]


def test_a_merge_makes_the_translation_out_of_date_with_a_redline_of_the_source(people):
    document = draft_in_round()
    target = principle(document, 1)
    translation_service.put_translation(people["member"], target, "es", SPANISH_TITLE, SPANISH)
    db.session.commit()
    assert merge_change(people["member"], people["secretariat"], document) == 2
    view = translation_service.describe(translation_service.find_translation(target, "es"))
    assert view.stale and view.source_version == 1
    assert any(op == INSERT and "carefully" in text for op, text in view.source_diff)
    assert not any(op == DELETE for op, _text in view.source_diff)
    assert "<ins>" in view.redline() and "carefully" in view.redline()
    # Updating it against the new text makes it current again.
    translation_service.put_translation(
        people["member"], target, "es", SPANISH_TITLE, SPANISH_AMENDED, source_version=2
    )
    db.session.commit()
    view = translation_service.describe(translation_service.find_translation(target, "es"))
    assert not view.stale and view.source_version == 2 and view.source_text == LISTEN_AMENDED


def test_a_translation_of_an_older_source_needs_confirmation(people):
    document = draft_in_round()
    target = principle(document, 1)
    merge_change(people["member"], people["secretariat"], document)
    with pytest.raises(Conflict):
        translation_service.put_translation(people["member"], target, "es", SPANISH_TITLE, SPANISH, source_version=1)
    db.session.rollback()
    assert translations_count() == 0
    translation_service.put_translation(
        people["member"], target, "es", SPANISH_TITLE, SPANISH, source_version=1, confirm_stale=True
    )
    db.session.commit()
    assert translations_count() == 1


def test_an_old_version_number_is_fine_when_this_principle_did_not_change(people):
    document = draft_in_round()
    merge_change(
        people["member"],
        people["secretariat"],
        document,
        number=2,
        text="Every organisation that contributes is named.",
    )
    translation_service.put_translation(
        people["member"], principle(document, 1), "es", SPANISH_TITLE, SPANISH, source_version=1
    )
    db.session.commit()
    assert translations_count() == 1


@pytest.mark.parametrize("language", ["en", "de", "", "ES", "es-ES", None])
def test_unknown_languages_are_refused(people, language):
    target = principle(make_document(), 1)
    with pytest.raises(ValidationFailed) as refusal:
        translation_service.put_translation(people["member"], target, language, SPANISH_TITLE, SPANISH)
    assert "language" in refusal.value.fields


@pytest.mark.parametrize(
    "title, text, field",
    [
        ("", SPANISH, "title"),
        ("x" * 201, SPANISH, "title"),
        ("Uno\nDos", SPANISH, "title"),
        (SPANISH_TITLE, "  ", "text"),
        (SPANISH_TITLE, "x" * 20_001, "text"),
    ],
)
def test_empty_or_oversized_translations_are_refused(people, title, text, field):
    target = principle(make_document(), 1)
    with pytest.raises(ValidationFailed) as refusal:
        translation_service.put_translation(people["member"], target, "es", title, text)
    assert field in refusal.value.fields


@pytest.mark.parametrize("source_version", [0, 3, -1])
def test_a_version_the_document_does_not_have_is_refused(people, source_version):
    target = principle(make_document(), 1)
    with pytest.raises(ValidationFailed) as refusal:
        translation_service.put_translation(
            people["member"], target, "es", SPANISH_TITLE, SPANISH, source_version=source_version
        )
    assert "source_version" in refusal.value.fields


def test_observers_and_inactive_organisations_may_not_translate(people):
    target = principle(make_document(), 1)
    with pytest.raises(Forbidden):
        translation_service.put_translation(people["observer"], target, "es", SPANISH_TITLE, SPANISH)
    dormant = make_user("member", organisation=make_organisation("Dormant", active=False))
    with pytest.raises(Forbidden):
        translation_service.put_translation(dormant, target, "es", SPANISH_TITLE, SPANISH)
    assert translations_count() == 0


def test_a_principle_of_another_document_is_refused_where_the_document_is_named(people):
    make_document("other")
    target = principle(make_document("charter-two"), 1)
    with pytest.raises(ValidationFailed) as refusal:
        translation_service.put_translation(
            people["member"], target, "es", SPANISH_TITLE, SPANISH, document_slug="other"
        )
    assert "document" in refusal.value.fields


def test_a_deleted_principle_is_not_translated(people):
    document = draft_in_round()
    from principles_app.services import amendments as amendment_service

    target = principle(document, 3)
    deletion = amendment_service.propose(people["member"], document, "delete", "Redundant.", principle_id=target.id)
    amendment_service.merge_amendment(people["secretariat"], deletion)
    db.session.commit()
    with pytest.raises(Conflict):
        translation_service.put_translation(people["member"], target, "es", SPANISH_TITLE, SPANISH)
