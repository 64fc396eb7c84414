"""Translations over the API: read by anyone signed in, written by members and the secretariat."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from principles_app.extensions import db
from principles_app.models import AuditEntry, PrincipleTranslation
from tests.factories import (
    ARABIC,
    ARABIC_TITLE,
    SPANISH,
    SPANISH_TITLE,
    auth_header,
    draft_in_round,
    error_of,
    make_document,
    make_organisation,
    make_user,
    merge_change,
    principle,
    token_for,
)


@pytest.fixture
def people(app):
    users = {
        "secretariat": make_user("secretariat"),
        "member": make_user("member"),
        "observer": make_user("observer"),
        "dormant": make_user("member", organisation=make_organisation("Dormant", active=False)),
    }
    return {name: (user, auth_header(token_for(user))) for name, user in users.items()}


def counts():
    return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in (PrincipleTranslation, AuditEntry))


def url(principle_id, language=None):
    base = f"/api/v1/principles/{principle_id}/translations"
    return base if language is None else f"{base}/{language}"


def test_a_member_puts_a_translation_and_anyone_signed_in_reads_it(client, people):
    target = principle(make_document(), 1)
    response = client.put(
        url(target.id, "ar"), json={"title": ARABIC_TITLE, "text": ARABIC}, headers=people["member"][1]
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert {k: body[k] for k in ("language", "title", "text", "source_version", "stale")} == {
        "language": "ar",
        "title": ARABIC_TITLE,
        "text": ARABIC,
        "source_version": 1,
        "stale": False,
    }
    assert body["source_diff"] is None
    listing = client.get(url(target.id), headers=people["observer"][1]).get_json()
    assert listing["document"] == "charter" and listing["source_language"] == "en"
    assert [t["language"] for t in listing["translations"]] == ["ar"]


def test_after_a_merge_the_translation_is_stale_with_the_source_diff(client, people):
    member, secretariat = people["member"][0], people["secretariat"][0]
    document = draft_in_round()
    target = principle(document, 1)
    client.put(url(target.id, "es"), json={"title": SPANISH_TITLE, "text": SPANISH}, headers=people["member"][1])
    merge_change(member, secretariat, document)
    listed = client.get(url(target.id), headers=people["member"][1]).get_json()["translations"][0]
    assert listed["stale"] is True and listed["source_version"] == 1
    assert [1, "carefully "] in listed["source_diff"] or any(
        op == 1 and "carefully" in text for op, text in listed["source_diff"]
    )


def test_a_stale_submission_without_confirmation_is_409_and_changes_nothing(client, people):
    document = draft_in_round()
    target = principle(document, 1)
    merge_change(people["member"][0], people["secretariat"][0], document)
    before = counts()
    error = error_of(
        client.put(
            url(target.id, "es"),
            json={"title": SPANISH_TITLE, "text": SPANISH, "source_version": 1},
            headers=people["member"][1],
        ),
        409,
    )
    assert "confirm_stale" in error["fields"]
    assert counts() == before
    confirmed = client.put(
        url(target.id, "es"),
        headers=people["member"][1],
        json={"title": SPANISH_TITLE, "text": SPANISH, "source_version": 1, "confirm_stale": True},
    )
    assert confirmed.status_code == 200 and confirmed.get_json()["source_version"] == 2


@pytest.mark.parametrize("language", ["de", "en", "xx-evil", "ES"])
def test_an_unknown_language_is_422_and_changes_nothing(client, people, language):
    target = principle(make_document(), 1)
    before = counts()
    error = error_of(
        client.put(url(target.id, language), json={"title": "T", "text": "X"}, headers=people["member"][1]), 422
    )
    assert "language" in error["fields"]
    assert counts() == before


@pytest.mark.parametrize(
    "body, status",
    [
        ({"title": "T"}, 422),
        ({"text": "X"}, 422),
        ({"title": "", "text": "X"}, 422),
        ({"title": "T", "text": ""}, 422),
        ({"title": 5, "text": "X"}, 422),
        ({"title": "T", "text": "X", "extra": 1}, 422),
        ({"title": "T", "text": "X", "source_version": 0}, 422),
        ({"title": "T", "text": "X", "source_version": 99}, 422),
        ({"title": "T", "text": "X", "source_version": 2**40}, 422),
        ({"title": "T", "text": "X", "confirm_stale": "yes"}, 422),
        ({"title": "T", "text": "X", "document": "another"}, 422),
    ],
)
def test_bad_bodies_get_a_4xx_and_change_nothing(client, people, body, status):
    make_document("another", principles=[{"title": "A", "text": "B"}])
    target = principle(make_document(), 1)
    before = counts()
    error_of(client.put(url(target.id, "es"), json=body, headers=people["member"][1]), status)
    assert counts() == before


def test_a_matching_document_slug_is_accepted(client, people):
    target = principle(make_document(), 1)
    response = client.put(
        url(target.id, "fr"),
        json={"title": "Écouter", "text": "Texte.", "document": "charter"},
        headers=people["member"][1],
    )
    assert response.status_code == 200


def test_malformed_json_is_400(client, people):
    target = principle(make_document(), 1)
    response = client.put(
        url(target.id, "es"), data="{nope", content_type="application/json", headers=people["member"][1]
    )
    error_of(response, 400)


@pytest.mark.parametrize("role, status", [("observer", 403), ("dormant", 403), ("member", 200), ("secretariat", 200)])
def test_who_may_write_translations(client, people, role, status):
    target = principle(make_document(), 1)
    response = client.put(url(target.id, "es"), json={"title": SPANISH_TITLE, "text": SPANISH}, headers=people[role][1])
    assert response.status_code == status


def test_without_a_token_is_401_and_unknown_principle_404(client, people):
    target = principle(make_document(), 1)
    error_of(client.get(url(target.id)), 401)
    error_of(client.put(url(target.id, "es"), json={"title": "T", "text": "X"}), 401)
    error_of(client.get(url(999_999), headers=people["member"][1]), 404)
    error_of(client.put(url(999_999, "es"), json={"title": "T", "text": "X"}, headers=people["member"][1]), 404)


def test_the_openapi_document_describes_the_translation_operations(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    put = spec["paths"]["/api/v1/principles/{principle_id}/translations/{language}"]["put"]
    assert {"200", "400", "401", "403", "404", "409", "422"} <= set(put["responses"])
    assert "get" in spec["paths"]["/api/v1/principles/{principle_id}/translations"]
