"""Publications over the JSON API: publish as the secretariat, read as anyone."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from principles_app.extensions import db
from principles_app.models import AuditEntry, Publication
from tests.factories import adopted_document, auth_header, make_user, publish, token_for

BODY = {"version": 2, "label": "1.0", "approved_at": "2024-06-14", "meeting": "General Meeting, Berlin 2024"}


def _publications() -> int:
    return db.session.execute(select(func.count()).select_from(Publication)).scalar_one()


def _audit_entries() -> int:
    return db.session.execute(select(func.count()).select_from(AuditEntry)).scalar_one()


@pytest.fixture
def scenario(app):
    return adopted_document()


@pytest.fixture
def secretariat_headers(scenario):
    return auth_header(token_for(scenario.secretariat))


def test_the_secretariat_publishes_the_adopted_version(client, scenario, secretariat_headers):
    response = client.post("/api/v1/documents/principles/publications", json=BODY, headers=secretariat_headers)
    assert response.status_code == 201, response.json
    data = response.json
    assert data["label"] == "1.0" and data["version"] == scenario.adopted_version
    assert data["approved_at"] == "2024-06-14" and data["meeting"] == "General Meeting, Berlin 2024"
    assert data["adoption"]["passed"] is True and data["adoption"]["yes_weight"] == "3.0000"
    assert data["credits"] == ["Andes Press Freedom", "Voices of the Sahel"]
    assert data["exports"]["pdf"].endswith("/principles/principles/1.0/export.pdf")
    assert [p["title"] for p in data["principles"]] == ["Principle title 1", "Principle title 2", "Principle title 3"]


def test_anyone_lists_and_reads_publications_without_a_token(client, scenario):
    publication = publish(scenario)
    listing = client.get("/api/v1/publications")
    assert listing.status_code == 200
    assert [(p["document"], p["label"], p["sha256"]) for p in listing.json["publications"]] == [
        ("principles", "1.0", publication.sha256)
    ]
    one = client.get("/api/v1/publications/principles/1.0")
    assert one.status_code == 200 and one.json["sha256"] == publication.sha256
    assert "id" not in one.json["principles"][0]


@pytest.mark.parametrize("url", ["/api/v1/publications/nope/1.0", "/api/v1/publications/principles/9.9"])
def test_unknown_slug_or_label_is_404(client, scenario, url):
    publish(scenario)
    response = client.get(url)
    assert response.status_code == 404 and response.json["error"]["code"]


def test_publishing_twice_with_one_label_is_409(client, scenario, secretariat_headers):
    publish(scenario)
    before = _audit_entries()
    response = client.post("/api/v1/documents/principles/publications", json=BODY, headers=secretariat_headers)
    assert response.status_code == 409 and response.json["error"]["code"]
    assert _publications() == 1 and _audit_entries() == before


def test_publishing_a_version_without_a_passed_adoption_is_409(client, scenario, secretariat_headers):
    response = client.post(
        "/api/v1/documents/principles/publications", json={**BODY, "version": 1}, headers=secretariat_headers
    )
    assert response.status_code == 409
    assert _publications() == 0


@pytest.mark.parametrize(
    "url,body,status",
    [
        ("/api/v1/documents/nope/publications", BODY, 404),
        ("/api/v1/documents/principles/publications", {**BODY, "version": 99}, 404),
        ("/api/v1/documents/principles/publications", {**BODY, "approved_at": "14/06/2024"}, 422),
        ("/api/v1/documents/principles/publications", {**BODY, "approved_at": "2024-02-30"}, 422),
        ("/api/v1/documents/principles/publications", {**BODY, "version": "2"}, 422),
        ("/api/v1/documents/principles/publications", {**BODY, "label": ""}, 422),
        ("/api/v1/documents/principles/publications", {**BODY, "label": "a/b"}, 422),
        ("/api/v1/documents/principles/publications", {**BODY, "meeting": ""}, 422),
        ("/api/v1/documents/principles/publications", {**BODY, "extra": 1}, 422),
        ("/api/v1/documents/principles/publications", {"label": "1.0"}, 422),
        ("/api/v1/documents/principles/publications", [1, 2], 400),
    ],
)
def test_bad_input_gets_a_4xx_and_changes_nothing(client, scenario, secretariat_headers, url, body, status):
    before = _audit_entries()
    response = client.post(url, json=body, headers=secretariat_headers)
    assert response.status_code == status, response.json
    assert response.json["error"]["code"]
    assert _publications() == 0 and _audit_entries() == before


def test_malformed_json_is_400(client, scenario, secretariat_headers):
    response = client.post(
        "/api/v1/documents/principles/publications",
        data="{not json",
        headers={**secretariat_headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 400 and _publications() == 0


@pytest.mark.parametrize("role", ["member", "observer"])
def test_only_the_secretariat_publishes(client, scenario, role):
    headers = auth_header(token_for(make_user(role)))
    response = client.post("/api/v1/documents/principles/publications", json=BODY, headers=headers)
    assert response.status_code == 403 and _publications() == 0


def test_publishing_without_a_token_is_401(client, scenario):
    response = client.post("/api/v1/documents/principles/publications", json=BODY)
    assert response.status_code == 401 and _publications() == 0
