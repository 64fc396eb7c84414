"""Reading and writing translations in the browser, on the draft and on the public site."""

from __future__ import annotations

import hashlib
import json

import pytest
from sqlalchemy import func, select

from principles_app.extensions import db
from principles_app.models import PrincipleTranslation
from principles_app.services import drafts as drafts_service
from principles_app.services import translations as translation_service
from tests.factories import (
    ARABIC,
    ARABIC_TITLE,
    SPANISH,
    SPANISH_TITLE,
    adopted_document,
    draft_in_round,
    make_user,
    merge_amendment,
    merge_change,
    principle,
    publish,
    sign_in,
)

IMMUTABLE = "public, max-age=31536000, immutable"


@pytest.fixture
def people(app):
    return {"secretariat": make_user("secretariat"), "member": make_user("member"), "observer": make_user("observer")}


# --- The working draft ------------------------------------------------------------------------


def test_the_draft_reads_in_spanish_with_a_note_where_no_translation_exists(client, people):
    document = draft_in_round()
    translation_service.put_translation(people["member"], principle(document, 1), "es", SPANISH_TITLE, SPANISH)
    db.session.commit()
    sign_in(client, people["observer"])
    page = client.get("/documents/charter/?text_lang=es").get_data(as_text=True)
    assert SPANISH_TITLE in page and SPANISH in page
    assert page.count("Not yet translated — showing the original") == 2
    assert 'href="/documents/charter/?text_lang=ar"' in page
    original = client.get("/documents/charter/").get_data(as_text=True)
    assert SPANISH not in original and "Not yet translated" not in original


def test_after_a_merge_the_translation_shows_out_of_date_with_the_source_redline(client, people):
    document = draft_in_round()
    translation_service.put_translation(people["member"], principle(document, 1), "es", SPANISH_TITLE, SPANISH)
    db.session.commit()
    merge_change(people["member"], people["secretariat"], document)
    sign_in(client, people["member"])
    page = client.get("/documents/charter/?text_lang=es").get_data(as_text=True)
    assert "Out of date" in page and SPANISH in page
    assert "<ins>" in page and "carefully" in page


def test_arabic_text_is_marked_right_to_left_on_the_draft(client, people):
    document = draft_in_round()
    translation_service.put_translation(people["member"], principle(document, 2), "ar", ARABIC_TITLE, ARABIC)
    db.session.commit()
    sign_in(client, people["member"])
    page = client.get("/documents/charter/?text_lang=ar").get_data(as_text=True)
    assert f'lang="ar" dir="rtl">{ARABIC}' in page


def test_a_member_adds_a_translation_through_the_form(client, people):
    document = draft_in_round()
    target = principle(document, 1)
    sign_in(client, people["member"])
    form = client.get(f"/principles/{target.id}/translations/fr/edit")
    assert form.status_code == 200 and target.text in form.get_data(as_text=True)
    response = client.post(
        f"/principles/{target.id}/translations/fr/edit",
        data={"title": "Écouter d'abord", "text": "Les partenaires s'écoutent.", "source_version": "1"},
    )
    assert response.status_code == 302 and "text_lang=fr" in response.headers["Location"]
    assert translation_service.find_translation(target, "fr").title == "Écouter d'abord"


def test_saving_against_a_text_that_changed_meanwhile_asks_for_confirmation(client, people):
    document = draft_in_round()
    target = principle(document, 1)
    merge_change(people["member"], people["secretariat"], document)
    sign_in(client, people["member"])
    data = {"title": SPANISH_TITLE, "text": SPANISH, "source_version": "1"}
    refused = client.post(f"/principles/{target.id}/translations/es/edit", data=data)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409 and 'name="confirm_stale"' in page and "<ins>" in page
    assert db.session.scalar(select(func.count()).select_from(PrincipleTranslation)) == 0
    confirmed = client.post(f"/principles/{target.id}/translations/es/edit", data={**data, "confirm_stale": "y"})
    assert confirmed.status_code == 302


def test_bad_translations_are_refused_in_the_form_and_change_nothing(client, people):
    target = principle(draft_in_round(), 1)
    sign_in(client, people["member"])
    response = client.post(f"/principles/{target.id}/translations/es/edit", data={"title": "", "text": ""})
    assert response.status_code == 422
    assert client.get(f"/principles/{target.id}/translations/de/edit").status_code == 404
    assert client.get("/principles/999999/translations/es/edit").status_code == 404
    assert db.session.scalar(select(func.count()).select_from(PrincipleTranslation)) == 0


def test_observers_get_no_translation_form(client, people):
    target = principle(draft_in_round(), 1)
    sign_in(client, people["observer"])
    assert client.get(f"/principles/{target.id}/translations/es/edit").status_code == 403
    assert (
        client.post(f"/principles/{target.id}/translations/es/edit", data={"title": "T", "text": "X"}).status_code
        == 403
    )
    page = client.get("/documents/charter/?text_lang=es").get_data(as_text=True)
    assert "/translations/es/edit" not in page


def test_public_readers_are_sent_to_sign_in(client, people):
    target = principle(draft_in_round(), 1)
    response = client.get(f"/principles/{target.id}/translations/es/edit")
    assert response.status_code == 302 and "sign-in" in response.headers["Location"]


# --- The public site --------------------------------------------------------------------------


@pytest.fixture
def published(app):
    scenario = adopted_document()
    publish(scenario)
    return scenario


def translate_all(scenario, language: str, prefix: str) -> None:
    for p in drafts_service.live_principles(scenario.document, refresh=True):
        translation_service.put_translation(
            scenario.proposer, p, language, f"{prefix} {p.number}", f"{prefix} — {p.number}."
        )
    db.session.commit()


def test_the_public_page_reads_in_a_current_arabic_translation(client, published):
    translate_all(published, "ar", "مبدأ")
    page = client.get("/principles/principles/1.0/?text_lang=ar")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and 'lang="ar" dir="rtl"' in body
    assert "Translation of the authoritative English text" in body and "مبدأ 1" in body
    assert "export.pdf?text_lang=ar" in body
    assert page.headers["ETag"] == f'"{hashlib.sha256(page.data).hexdigest()}"'
    again = client.get("/principles/principles/1.0/?text_lang=ar", headers={"If-None-Match": page.headers["ETag"]})
    assert again.status_code == 304


def test_the_authoritative_page_stays_immutable_and_untouched_by_translations(client, published):
    before = client.get("/principles/principles/1.0/")
    translate_all(published, "es", "Principio")
    after = client.get("/principles/principles/1.0/")
    assert after.headers["Cache-Control"] == IMMUTABLE and after.data == before.data
    assert "Principio 1" not in after.get_data(as_text=True)


def test_a_translation_of_another_text_is_not_shown_as_the_published_one(client, published):
    merge_amendment(published, "Principle title 1", "Text of principle 1, amended again after publication.")
    translate_all(published, "ar", "مبدأ")  # made from the newer draft: principle 1 differs from 1.0
    body = client.get("/principles/principles/1.0/?text_lang=ar").get_data(as_text=True)
    assert "مبدأ 1" not in body and "مبدأ 2" in body
    assert "No translation of this version yet" in body
    assert "export.pdf?text_lang=ar" not in body
    assert client.get("/principles/principles/1.0/export.html?text_lang=ar").status_code == 404


def test_the_arabic_export_is_a_marked_translation_whose_hash_still_checks(client, published):
    translate_all(published, "ar", "مبدأ")
    html = client.get("/principles/principles/1.0/export.html?text_lang=ar")
    text = html.get_data(as_text=True)
    assert html.status_code == 200 and 'dir="rtl"' in text and "مبدأ 1" in text
    assert "translation-note" in text
    assert "العربية (ar)" in text and "English (en)" in text  # languages named in themselves, not bare codes
    markdown = client.get("/principles/principles/1.0/export.md?text_lang=ar").get_data(as_text=True)
    assert "العربية (ar)" in markdown and "English (en)" in markdown
    exported = json.loads(client.get("/principles/principles/1.0/export.json?text_lang=ar").data)
    assert exported["is_translation"] is True and exported["direction"] == "rtl" and exported["language"] == "ar"
    canonical = json.dumps(
        exported["canonical"]["snapshot"], ensure_ascii=False, sort_keys=True, separators=(",", ":")
    ).encode("utf-8")
    assert hashlib.sha256(canonical).hexdigest() == exported["sha256"]
    assert "Principle title 1" in json.dumps(exported["canonical"]["snapshot"])
    assert client.get("/principles/principles/1.0/export.pdf?text_lang=ar").status_code == 200


def test_an_export_without_a_complete_current_translation_is_404(client, published):
    first = drafts_service.live_principles(published.document, refresh=True)[0]
    translation_service.put_translation(published.proposer, first, "fr", "Titre", "Texte.")
    db.session.commit()
    assert client.get("/principles/principles/1.0/export.md?text_lang=fr").status_code == 404
    assert client.get("/principles/principles/1.0/export.md").status_code == 200
