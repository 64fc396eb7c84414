"""Voices over the JSON API: attribution of a version's words (SPEC §14) and participation by region."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from principles_app.extensions import db
from principles_app.services import closing
from principles_app.services import rounds as round_service
from tests.factories import adopted_document, auth_header, error_of, make_user, token_for


@pytest.fixture
def scenario(app):
    return adopted_document()


@pytest.fixture
def headers(scenario):
    return auth_header(token_for(make_user("observer")))


def test_attribution_follows_the_spec_shape_and_concatenates_to_the_text(client, scenario, headers):
    response = client.get("/api/v1/documents/principles/versions/2/attribution", headers=headers)
    assert response.status_code == 200, response.json
    version = client.get("/api/v1/documents/principles/versions/2", headers=headers).json
    principles = response.json["principles"]
    assert set(response.json) == {"principles"}
    for row, expected in zip(principles, version["snapshot"]["principles"], strict=True):
        assert row["principle_id"] == expected["id"]
        assert "".join(s["text"] for s in row["segments"]) == expected["text"]
        assert "".join(s["text"] for s in row["title_segments"]) == expected["title"]
        for segment in row["segments"]:
            assert set(segment) == {"text", "amendment_id", "organisations", "region"}
    amended = [s for s in principles[0]["segments"] if s["amendment_id"]]
    assert amended == [
        {
            "text": ", as amended",
            "amendment_id": amended[0]["amendment_id"],
            "organisations": ["Voices of the Sahel", "Andes Press Freedom"],
            "region": "africa",
        }
    ]
    first = client.get("/api/v1/documents/principles/versions/1/attribution", headers=headers).json
    assert all(s["amendment_id"] is None for p in first["principles"] for s in p["segments"])


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/documents/principles/versions/99/attribution",
        "/api/v1/documents/principles/versions/0/attribution",
        "/api/v1/documents/nowhere/versions/1/attribution",
        "/api/v1/documents/nowhere/voices",
        "/api/v1/documents/principles/versions/abc/attribution",
        "/api/v1/documents/principles/versions/99999999999999999999/attribution",
    ],
)
def test_unknown_documents_and_versions_are_404_with_the_error_body(client, scenario, headers, path):
    error_of(client.get(path, headers=headers), 404)


def test_voices_by_region_and_category(client, scenario, headers, app, monkeypatch):
    monkeypatch.setitem(app.config, "ANONYMITY_MIN_GROUP", 1)
    response = client.get("/api/v1/documents/principles/voices", headers=headers)
    assert response.status_code == 200, response.json
    data = response.json
    assert data["contributions"] == [
        "amendments_proposed",
        "amendments_merged",
        "amendments_rejected",
        "words",
        "comments",
        "cosponsorships",
        "ballots",
        "points_raised",
        "points_supported",
        "points_taken_up",
    ]
    africa = next(g for g in data["by_region"] if g["key"] == "africa")
    assert africa["name"] == "Africa" and africa["amendments_merged"] == 1 and africa["eligible_share"] == 1.0
    assert data["least_heard_region"] == "asia_pacific"
    assert data["totals"]["organisations_taking_part"] == 2


def test_round_json_warns_of_a_deadline_at_night(client, scenario, headers):
    for user in (scenario.proposer, scenario.cosponsor):
        user.time_zone = "America/Bogota"
    db.session.commit()
    tomorrow = (datetime.now(UTC) + timedelta(days=2)).replace(hour=5, minute=0, second=0, microsecond=0)
    created = round_service.create_round(scenario.secretariat, scenario.document, "amendments", "Night", tomorrow)
    db.session.commit()
    data = client.get(f"/api/v1/rounds/{created.id}", headers=headers).json
    local = tomorrow.astimezone(ZoneInfo("America/Bogota")).isoformat()  # midnight there
    assert data["deadline_warnings"] == [
        {"region": "africa", "organisations": 1, "local_time": local},
        {"region": "americas", "organisations": 1, "local_time": local},
    ]
    closing.open_round(scenario.secretariat, created)
    db.session.commit()
    fair = tomorrow.replace(hour=14)
    patched = client.patch(
        f"/api/v1/rounds/{created.id}",
        json={"closes_at": fair.isoformat()},
        headers=auth_header(token_for(scenario.secretariat)),
    )
    assert patched.status_code == 200, patched.json
    assert patched.json["deadline_warnings"] == []
