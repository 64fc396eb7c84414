"""Text the platform could not serve, JSON too deep and times beyond the calendar: refused with the JSON error body."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from principles_app.extensions import db
from principles_app.models import Amendment, Comment, Document, Organisation, Publication, Round, User
from tests.factories import auth_header, error_of, make_document, make_organisation, make_user, token_for

ORG = {"region": "africa", "category": "member", "vote_weight": "1"}
USER = {"password": "long enough pw", "role": "member"}
DOC = {"slug": "another", "title": "Another", "principles": [{"title": "One", "text": "Text one."}]}
AMEND = {"kind": "modify", "principle_id": 1, "text": "New text.", "rationale": "Because."}


def _cases(org_id: int, slug: str):
    """(method, path, body, field the error must name) for every text field of the API."""
    return [
        ("post", "/api/v1/organisations", {**ORG, "name": "Sahel\x07Voices"}, "name"),
        ("patch", f"/api/v1/organisations/{org_id}", {"name": "Sahel \u202eseciov"}, "name"),
        (
            "post",
            "/api/v1/users",
            {**USER, "organisation_id": org_id, "email": "a\x1b@example.org", "name": "A"},
            "email",
        ),
        (
            "post",
            "/api/v1/users",
            {**USER, "organisation_id": org_id, "email": "b@example.org", "name": "Line\nbreak"},
            "name",
        ),
        ("post", "/api/v1/documents", {**DOC, "title": "Title\x85"}, "title"),
        ("post", "/api/v1/documents", {**DOC, "preamble": "Preamble \u2066isolated"}, "preamble"),
        (
            "post",
            "/api/v1/documents",
            {**DOC, "principles": [{"title": "One", "text": "Form\x0cfeed"}]},
            "principles.0.text",
        ),
        (
            "post",
            "/api/v1/documents",
            {**DOC, "principles": [{"title": "One\tTab", "text": "Text."}]},
            "principles.0.title",
        ),
        (
            "post",
            f"/api/v1/documents/{slug}/rounds",
            {"kind": "voting", "title": "Round\x08", "closes_at": "2030-01-01T00:00:00Z"},
            "title",
        ),
        ("post", f"/api/v1/documents/{slug}/amendments", {**AMEND, "rationale": "Delete\x7f"}, "rationale"),
        ("post", f"/api/v1/documents/{slug}/amendments", {**AMEND, "text": "Right-to-left \u202b override"}, "text"),
        ("patch", "/api/v1/amendments/1", {"title": "Title\u2069"}, "title"),
        ("post", "/api/v1/comments", {"target_type": "principle", "target_id": 1, "body": "Red \x1b[31m"}, "body"),
        ("patch", "/api/v1/comments/1", {"body": "Bell \x07"}, "body"),
        ("post", "/api/v1/comments/1/flag", {"reason": "Look \u202d"}, "reason"),
        ("post", "/api/v1/comments/1/hide", {"reason": "Hidden \x9b"}, "reason"),
        (
            "post",
            f"/api/v1/documents/{slug}/publications",
            {"version": 1, "label": "1.0\x03", "approved_at": "2024-06-14", "meeting": "GM"},
            "label",
        ),
        (
            "post",
            f"/api/v1/documents/{slug}/publications",
            {"version": 1, "label": "1.0", "approved_at": "2024-06-14", "meeting": "General\u2028\x1fMeeting"},
            "meeting",
        ),
        ("put", "/api/v1/principles/1/translations/fr", {"title": "Titre\u2067", "text": "Texte."}, "title"),
        ("put", "/api/v1/principles/1/translations/fr", {"title": "Titre", "text": "Texte\x02."}, "text"),
    ]


def _counts() -> tuple[int, ...]:
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Organisation, User, Document, Round, Amendment, Comment, Publication)
    )


@pytest.mark.parametrize("index", range(20))
def test_a_text_the_platform_could_not_serve_is_refused_naming_the_field(client, index):
    secretariat = make_user("secretariat")
    document = make_document(actor=secretariat)
    method, path, body, field = _cases(secretariat.organisation_id, document.slug)[index]
    before = _counts()
    response = getattr(client, method)(path, json=body, headers=auth_header(token_for(secretariat)))
    error = error_of(response, 422)
    assert field in error["fields"], error
    assert _counts() == before


def test_paragraphs_keep_their_tabs_line_breaks_and_every_harmless_character(client):
    secretariat = make_user("secretariat")
    text = "First line\twith a tab.\nSecond line 👩🏽\u200d💻 نلتزم q\u0301.\r\n\r\nNew paragraph."
    response = client.post(
        "/api/v1/documents",
        json={**DOC, "preamble": text, "principles": [{"title": "العربية 🌍", "text": text}]},
        headers=auth_header(token_for(secretariat)),
    )
    assert response.status_code == 201, response.json


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/organisations",
        "/api/v1/documents",
        "/api/v1/comments",
        "/api/v1/auth/token",
        "/api/v1/documents/charter/rounds",
    ],
)
@pytest.mark.parametrize("shape", ["array", "object", "inside a field"])
def test_json_nested_a_thousand_deep_is_a_400_with_the_json_error_body(client, path, shape):
    secretariat = make_user("secretariat")
    make_document(actor=secretariat)
    deep = {
        "array": "[" * 1000 + "]" * 1000,
        "object": '{"a":' * 1000 + "1" + "}" * 1000,
        "inside a field": '{"name": ' + "[" * 1000 + "]" * 1000 + "}",
    }[shape]
    response = client.post(
        path, data=deep, content_type="application/json", headers=auth_header(token_for(secretariat))
    )
    assert response.mimetype == "application/json"
    error_of(response, 400)


EDGES = [
    "9999-12-31T23:59:59-14:00",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59Z",
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59+14:00",
]


@pytest.mark.parametrize("when", EDGES)
def test_a_new_round_at_the_edge_of_the_calendar_is_a_422(client, when):
    secretariat = make_user("secretariat")
    document = make_document(actor=secretariat)
    response = client.post(
        f"/api/v1/documents/{document.slug}/rounds",
        json={"kind": "amendments", "title": "Edge", "closes_at": when},
        headers=auth_header(token_for(secretariat)),
    )
    assert response.mimetype == "application/json"
    assert "closes_at" in error_of(response, 422)["fields"]
    assert db.session.scalar(select(func.count()).select_from(Round)) == 0


@pytest.mark.parametrize("when", EDGES)
def test_extending_a_round_to_the_edge_of_the_calendar_is_a_422(client, when):
    secretariat = make_user("secretariat")
    document = make_document(actor=secretariat)
    headers = auth_header(token_for(secretariat))
    created = client.post(
        f"/api/v1/documents/{document.slug}/rounds",
        json={"kind": "amendments", "title": "Edge", "closes_at": "2099-01-01T00:00:00Z"},
        headers=headers,
    )
    round_id = created.json["id"]
    assert client.post(f"/api/v1/rounds/{round_id}/open", headers=headers).status_code == 200
    response = client.patch(f"/api/v1/rounds/{round_id}", json={"closes_at": when}, headers=headers)
    assert response.mimetype == "application/json"
    assert "closes_at" in error_of(response, 422)["fields"]
    db.session.expire_all()
    assert db.session.get(Round, round_id).closes_at.year == 2099


def test_a_publication_dated_at_the_end_of_the_calendar_is_refused_or_served_never_a_500(client):
    secretariat = make_user("secretariat")
    make_document(actor=secretariat)
    response = client.post(
        "/api/v1/documents/charter/publications",
        json={"version": 1, "label": "1.0", "approved_at": "9999-12-31", "meeting": "GM"},
        headers=auth_header(token_for(secretariat)),
    )
    assert response.status_code < 500 and response.mimetype == "application/json"


@pytest.mark.parametrize(
    "name",
    ["maghreb media monitor", "Maghreb\u200bMedia Monitor", "\u041caghreb Media Monitor", "MAGHREB MEDIA MONITOR"],
)
def test_an_organisation_name_that_reads_as_an_existing_one_is_a_409(client, name):
    secretariat = make_user("secretariat")
    make_organisation("Maghreb Media Monitor", region="mena")
    response = client.post(
        "/api/v1/organisations", json={**ORG, "name": name}, headers=auth_header(token_for(secretariat))
    )
    assert "name" in error_of(response, 409)["fields"]
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == 2


def test_renaming_an_organisation_to_a_look_alike_of_another_is_a_409(client):
    secretariat = make_user("secretariat")
    make_organisation("Maghreb Media Monitor", region="mena")
    other = make_organisation("Sahel Voices")
    response = client.patch(
        f"/api/v1/organisations/{other.id}",
        json={"name": "Мaghreb Media Monitor"},
        headers=auth_header(token_for(secretariat)),
    )
    error_of(response, 409)
    db.session.expire_all()
    assert db.session.get(Organisation, other.id).name == "Sahel Voices"


@pytest.mark.parametrize(
    "email", ["Amina@Sahel.example.org", "amina\u200b@sahel.example.org", "ａmina@sahel.example.org"]
)
def test_an_email_that_reads_as_an_existing_one_is_a_409(client, email):
    secretariat = make_user("secretariat")
    organisation = make_organisation("Sahel Voices")
    make_user("member", organisation=organisation, email="amina@sahel.example.org")
    response = client.post(
        "/api/v1/users",
        json={**USER, "organisation_id": organisation.id, "email": email, "name": "Amina"},
        headers=auth_header(token_for(secretariat)),
    )
    assert response.status_code in (409, 422), response.json
    assert db.session.scalar(select(func.count()).select_from(User).where(User.organisation_id == organisation.id)) == 1


def test_the_database_refuses_a_second_organisation_with_the_same_key(app):
    from sqlalchemy.exc import IntegrityError

    make_organisation("Maghreb Media Monitor", region="mena")
    db.session.add(Organisation(name="Мaghreb Media Monitor", region="mena", category="member"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_the_refusal_speaks_the_callers_language(client):
    secretariat = make_user("secretariat")
    response = client.post(
        "/api/v1/organisations",
        json={**ORG, "name": "Sahel\x07Voices"},
        headers={**auth_header(token_for(secretariat)), "Accept-Language": "es"},
    )
    assert error_of(response, 422)["fields"]["name"] == "El texto contiene un carácter de control; elimínelo."
