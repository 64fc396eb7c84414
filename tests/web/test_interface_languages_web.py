"""Readers who chose Spanish, French or Arabic read statuses, choices, labels and error pages in that language."""

from __future__ import annotations

import re

from principles_app.extensions import db
from principles_app.services import ballots as ballot_service
from principles_app.services import closing
from principles_app.services import motions as motion_service
from principles_app.web import errors
from tests.database_faults import database_fails
from tests.factories import adopted_document, make_scene, make_user, publish, sign_in, voting_round

NBSP = "\u00a0"  # French puts a no-break space before a colon


def _choose_language(client, language: str) -> None:
    assert client.post("/language", data={"language": language, "next": "/"}).status_code == 302


def _vote(client, motion, choice: str) -> None:
    client.post(
        f"/motions/{motion.id}/ballot", data={f"m{motion.id}-motion_id": str(motion.id), f"m{motion.id}-choice": choice}
    )


def _text(html: str) -> str:
    """Return what a reader sees of a page: no tags, no attribute values."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_spanish_delegate_reads_the_ballot_choices_and_history_in_spanish(client):
    scene = make_scene()
    target = voting_round(scene)
    motion = motion_service.motions_of(target)[0]
    sign_in(client, scene.delegates[0])
    _choose_language(client, "es")
    _vote(client, motion, "yes")
    _vote(client, motion, "abstain")
    page = client.get(f"/rounds/{target.id}/ballot").get_data(as_text=True)
    for choice in ("Sí", "No", "Abstención"):
        assert f" {choice}</label>" in page
    seen = _text(page)
    assert "Voto actual: Abstención" in seen
    assert "Sí → Abstención" in seen
    assert "abstain" not in seen and "yes" not in seen


def test_a_spanish_reader_sees_the_round_kind_state_and_majority_in_spanish(client):
    scene = make_scene()
    target = voting_round(scene)
    sign_in(client, scene.delegates[0])
    _choose_language(client, "es")
    seen = _text(client.get(f"/rounds/{target.id}/").get_data(as_text=True))
    assert "Tipo Votación" in seen and "Estado abierta" in seen
    assert "Mayoría Mayoría simple: más síes que noes (ponderados)" in seen  # the rule, not its code "simple"


def test_open_agrees_with_round_and_with_amendment_in_arabic(client):
    # "مفتوحة" agrees with a round (جولة), "مفتوح" with an amendment (تعديل): one English word, two contexts.
    scene = make_scene()
    target = voting_round(scene, motions=False)
    sign_in(client, scene.secretariat)
    _choose_language(client, "ar")
    assert "الحالة مفتوحة" in _text(client.get(f"/rounds/{target.id}/").get_data(as_text=True))
    amendment_page = client.get(f"/amendments/{scene.amendments[0].id}").get_data(as_text=True)
    assert '<span class="badge badge-open">مفتوح</span>' in amendment_page
    refused = client.post(f"/rounds/{target.id}/open")
    assert refused.status_code == 409
    assert "«مفتوحة»" in refused.get_data(as_text=True)


def test_a_closed_vote_reads_in_spanish_on_the_result_page(client):
    scene = make_scene(weights=("1", "2", "3"))
    target = voting_round(scene)
    motion = motion_service.motions_of(target)[0]
    for delegate in scene.delegates:
        ballot_service.cast_ballot(delegate, motion.id, "yes")
    closing.close_round(scene.secretariat, target)
    db.session.commit()
    sign_in(client, scene.delegates[0])
    _choose_language(client, "es")
    seen = _text(client.get(f"/motions/{motion.id}/result").get_data(as_text=True))
    assert "Sí · peso" in seen and "Sí · organizaciones" in seen  # the chart's bars
    assert "incorporada al borrador de trabajo" in seen  # what closing did
    assert "Mayoría requerida: Mayoría simple: más síes que noes (ponderados)" in seen
    bulletin = seen.split("Comprobantes y opciones")[1]
    assert "Sí" in bulletin and " yes " not in bulletin


def test_the_meeting_pack_labels_read_in_french(client, app):
    adopted_document()
    sign_in(client, make_user("observer"))
    _choose_language(client, "fr")
    page = client.get("/documents/principles/versions/1/meeting-pack.html").get_data(as_text=True)
    assert f"<title>Dossier de séance{NBSP}: " in page
    assert f"Statut{NBSP}: " in page and f"Justification{NBSP}:" in page
    assert "Status:" not in page and "}}:" not in page
    assert re.search(f"Statut{NBSP}: (ouvert|retiré|rejeté|intégré|en conflit)", page)


def test_the_exports_fixed_labels_read_in_french(client, app):
    publish(adopted_document())
    markdown = client.get("/principles/principles/1.0/export.md?lang=fr").get_data(as_text=True)
    assert "## Relevé officiel" in markdown
    assert f"- **Version{NBSP}:** " in markdown and f"- **Clôture du vote{NBSP}:** " in markdown
    html = client.get("/principles/principles/1.0/export.html?lang=fr").get_data(as_text=True)
    assert f"Clôture du vote{NBSP}: " in html
    english = client.get("/principles/principles/1.0/export.md?lang=en").get_data(as_text=True)
    assert "- **Version:** " in english and "- **Vote closed:** " in english


def test_the_english_text_link_names_its_language_for_a_spanish_reader(client, app):
    publish(adopted_document())
    page = client.get("/principles/principles/1.0/?lang=es").get_data(as_text=True)
    link = re.search(r'<a [^>]*>[^<]*<span lang="en" dir="ltr">English</span> \(texto que hace fe\)</a>', page)
    assert link is not None
    opening = link.group(0).split(">")[0]
    assert 'hreflang="en"' in opening and ' lang="en"' not in opening  # the link's own words are Spanish


def test_an_arabic_reader_gets_the_error_page_in_arabic(client):
    response = client.get("/no-such-page", headers={"Accept-Language": "ar"})
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page and "الصفحة غير موجودة." in page
    assert "Not Found" not in page


def test_the_bare_outage_page_is_in_arabic_when_the_error_page_cannot_render(client, monkeypatch):
    def cannot_render(*args, **kwargs):
        raise RuntimeError("the layout needs the database")

    monkeypatch.setattr(errors, "render_template", cannot_render)
    with database_fails():
        response = client.get("/principles/", headers={"Accept-Language": "ar"})
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    page = response.get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    assert "الخدمة غير متاحة" in page and "يُرجى المحاولة مرة أخرى بعد بضع ثوانٍ." in page


def test_the_bare_outage_page_falls_back_to_english_when_translating_fails(client, monkeypatch):
    def fails(*args, **kwargs):
        raise RuntimeError("no locale")

    monkeypatch.setattr(errors, "render_template", fails)
    monkeypatch.setattr(errors, "get_locale", fails)
    with database_fails():
        response = client.get("/principles/", headers={"Accept-Language": "ar"})
    assert response.status_code == 503
    assert response.get_data(as_text=True) == errors.FALLBACK_PAGE
