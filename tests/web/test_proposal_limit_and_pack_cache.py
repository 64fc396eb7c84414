"""Work a member can make the server do: proposals are rate limited, generated files render once."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from principles_app import create_app
from principles_app.extensions import db
from principles_app.models import Amendment, GeneratedFile
from principles_app.services import amendments as amendment_service
from principles_app.services import ballots, closing, motions
from principles_app.services import organisations as org_service
from principles_app.services.errors import ValidationFailed
from principles_app.web.publications import desk
from tests.factories import (
    auth_header,
    error_of,
    make_document,
    make_user,
    open_amendments_round,
    principle,
    propose,
    sign_in,
    token_for,
)

PACK = "/documents/charter/versions/1/meeting-pack"


@pytest.fixture
def document(app):
    found = make_document()
    open_amendments_round(found)
    return found


def amendments() -> int:
    return db.session.scalar(select(func.count(Amendment.id)))


def modify(number: int, words: str) -> dict:
    return {
        "kind": "modify",
        "principle_id": number,
        "text": f"Partners {words} before they decide anything.",
        "rationale": "Clearer.",
    }


# --- Proposals ---------------------------------------------------------------------------------


def test_proposing_too_fast_gets_429_with_retry_after_in_the_api(app, document, monkeypatch):
    monkeypatch.setitem(app.config, "PROPOSAL_RATE_LIMIT", "2 per minute")
    member = make_user()
    headers = auth_header(token_for(member))
    client = app.test_client()
    target = principle(document, 1).id
    for words in ("listen", "listen well"):
        assert (
            client.post("/api/v1/documents/charter/amendments", json=modify(target, words), headers=headers).status_code
            == 201
        )
    refused = client.post(
        "/api/v1/documents/charter/amendments", json=modify(target, "listen closely"), headers=headers
    )
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert error_of(refused)["code"] == "rate_limited"
    assert amendments() == 2
    # The limit is per user: a colleague of the same organisation still proposes.
    colleague = make_user(organisation=member.organisation)
    assert (
        client.post(
            "/api/v1/documents/charter/amendments",
            json=modify(target, "listen closely"),
            headers=auth_header(token_for(colleague)),
        ).status_code
        == 201
    )


def test_proposing_too_fast_shows_a_message_on_the_form(app, document, monkeypatch):
    monkeypatch.setitem(app.config, "PROPOSAL_RATE_LIMIT", "1 per minute")
    member = make_user()
    client = app.test_client()
    sign_in(client, member)
    target = principle(document, 1)
    url = f"/documents/charter/amendments/new?principle={target.id}&kind=modify"

    def post(words: str):
        return client.post(
            url,
            data={
                "kind": "modify",
                "principle_id": str(target.id),
                "after_principle_id": str(target.id),
                "title": target.title,
                "text": f"Partners {words} before they decide anything.",
                "rationale": "Why.",
            },
        )

    assert post("listen").status_code == 302
    refused = post("listen well")
    assert refused.status_code == 429
    assert "proposing very fast" in refused.get_data(as_text=True)
    assert amendments() == 1


def test_refused_proposals_do_not_use_up_the_limit(app, document, monkeypatch):
    monkeypatch.setitem(app.config, "PROPOSAL_RATE_LIMIT", "1 per minute")
    member = make_user()
    with pytest.raises(ValidationFailed):
        amendment_service.propose(
            member, document, "modify", "Why.", principle_id=principle(document, 1).id, text=principle(document, 1).text
        )  # identical: refused
    db.session.rollback()
    propose(member, document)
    assert amendments() == 1


# --- The meeting pack --------------------------------------------------------------------------


@pytest.fixture
def renders(monkeypatch):
    """Count the renderings of each format of the meeting pack."""
    counted = {"html": 0, "pdf": 0}
    for fmt, render in list(desk.PACK_RENDERERS.items()):

        def counting(pack, fmt=fmt, render=render):
            counted[fmt] += 1
            return render(pack)

        monkeypatch.setitem(desk.PACK_RENDERERS, fmt, counting)
    return counted


def test_the_pack_renders_once_and_again_only_when_what_it_shows_changes(app, document, renders):
    proposer = make_user()
    amendment = propose(proposer, document)
    reader = make_user("observer")
    client = app.test_client()
    sign_in(client, reader)
    first = client.get(PACK + ".html")
    assert first.status_code == 200 and proposer.organisation.name in first.get_data(as_text=True)
    assert client.get(PACK + ".html").data == first.data
    assert renders["html"] == 1, "a repeated request is served from the stored file"
    # A co-sponsor joins after the version was made: the pack shows it at once.
    cosponsor = make_user(region="americas")
    amendment_service.cosponsor(cosponsor, db.session.get(Amendment, amendment.id))
    db.session.commit()
    second = client.get(PACK + ".html")
    assert cosponsor.organisation.name in second.get_data(as_text=True) and renders["html"] == 2
    # So does a rename of the proposing organisation, and the amendment's rejection.
    org_service.update_organisation(None, proposer.organisation, name="Renamed Voices")
    amendment_service.reject(None, db.session.get(Amendment, amendment.id))
    db.session.commit()
    third = client.get(PACK + ".html").get_data(as_text=True)
    assert "Renamed Voices" in third, third[third.find("Proposed by") : third.find("Proposed by") + 300]
    assert "Status: rejected" in third and renders["html"] == 3
    client.get(PACK + ".html")
    assert renders["html"] == 3
    # Each language is its own file.
    spanish = client.get(PACK + ".html", headers={"Accept-Language": "es"})
    assert 'lang="es"' in spanish.get_data(as_text=True) and renders["html"] == 4


def test_the_pdf_renders_once_for_every_worker(app, document, renders, db_url):
    propose(make_user(), document)
    client = app.test_client()
    sign_in(client, make_user("observer"))
    first = client.get(PACK + ".pdf")
    assert first.status_code == 200 and first.mimetype == "application/pdf" and renders["pdf"] == 1
    # Another worker (another app on the same database) serves the stored file without rendering.
    other = create_app(dict(app.config))  # the same settings, as every worker of one site has
    other_client = other.test_client()
    sign_in(other_client, make_user("observer"))
    again = other_client.get(PACK + ".pdf")
    assert again.data == first.data and renders["pdf"] == 1
    # A browser that has it already gets 304.
    assert client.get(PACK + ".pdf", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    assert db.session.scalar(select(func.count(GeneratedFile.id))) == 1


def test_a_vote_closed_after_the_version_shows_its_result_in_the_pack(app, renders):
    from tests.factories import make_scene, voting_round

    scene = make_scene(weights=("1", "2"), amendments=1)
    target = voting_round(scene)
    client = app.test_client()
    sign_in(client, make_user("observer"))
    url = "/documents/principles/versions/1/meeting-pack.html"
    before = client.get(url).get_data(as_text=True)
    assert "Result:" not in before and renders["html"] == 1
    motion = motions.motions_of(target)[0]
    for delegate in scene.delegates:
        ballots.cast_ballot(delegate, motion.id, "yes")
    closing.close_round(scene.secretariat, target)
    db.session.commit()
    after = client.get(url).get_data(as_text=True)
    assert "Result:" in after and "passed" in after and renders["html"] == 2
    client.get(url)
    assert renders["html"] == 2


def test_a_translated_export_renders_once_per_state_of_its_translation(app, monkeypatch):
    from principles_app.services import drafts as drafts_service
    from principles_app.services import translations as translation_service
    from principles_app.web.translations import public
    from tests.factories import adopted_document, publish

    scenario = adopted_document()
    publish(scenario)

    def translate(prefix: str) -> None:
        for p in drafts_service.live_principles(scenario.document, refresh=True):
            translation_service.put_translation(
                scenario.proposer, p, "es", f"{prefix} {p.number}", f"{prefix} — {p.number}."
            )
        db.session.commit()

    calls = []
    original = public.render
    monkeypatch.setattr(public, "render", lambda fmt, export: calls.append(fmt) or original(fmt, export))
    url = "/principles/principles/1.0/export.md?text_lang=es"
    translate("Principio")
    client = app.test_client()
    first = client.get(url)
    assert "Principio 1" in first.get_data(as_text=True)
    # Another worker on the same database serves the stored file.
    assert create_app(dict(app.config)).test_client().get(url).data == first.data and calls == ["md"]
    stored = db.session.execute(select(GeneratedFile).where(GeneratedFile.kind == "translated-export")).scalar_one()
    assert stored.body == first.data, "kept in the database, not in one process's memory"
    translate("Regla")  # a corrected translation shows up at once
    assert "Regla 1" in client.get(url).get_data(as_text=True) and calls == ["md", "md"]
