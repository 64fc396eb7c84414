"""When the database stops answering, people get 503 with Retry-After, never a 500, and nothing half-written."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from principles_app.extensions import db
from principles_app.models import AuditEntry, Ballot, BallotChange, Organisation
from principles_app.services import motions as motion_service
from tests.database_faults import database_fails
from tests.factories import auth_header, make_scene, make_user, sign_in, token_for, voting_round


def _counts():
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Ballot, BallotChange, AuditEntry, Organisation)
    )


def _assert_unavailable(response):
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.headers["Cache-Control"] == "no-store"


def test_an_api_call_during_an_outage_gets_503_with_retry_after(client):
    headers = auth_header(token_for(make_user()))
    with database_fails():
        response = client.get("/api/v1/me", headers=headers)
    _assert_unavailable(response)
    assert response.get_json()["error"]["code"] == "unavailable"
    assert client.get("/api/v1/me", headers=headers).status_code == 200  # back by itself


def test_a_ballot_whose_last_write_fails_leaves_no_trace(client):
    scene = make_scene(weights=("1", "2"), amendments=1)
    target = voting_round(scene)
    motion_id = motion_service.motions_of(target)[0].id
    headers = auth_header(token_for(scene.delegates[0]))
    before = _counts()
    # The ballot row and its history are written; the audit entry, last in the transaction, fails
    # (on PostgreSQL it is written inside the statement that moves the chain head).
    with database_fails(lambda statement: "INSERT INTO AUDIT_ENTRY" in statement.upper()):
        response = client.put(f"/api/v1/motions/{motion_id}/ballot", json={"choice": "yes"}, headers=headers)
    _assert_unavailable(response)
    assert response.get_json()["error"]["code"] == "unavailable"
    db.session.expire_all()
    assert _counts() == before
    again = client.put(f"/api/v1/motions/{motion_id}/ballot", json={"choice": "yes"}, headers=headers)
    assert again.status_code == 200


def test_a_signed_in_page_during_an_outage_gets_an_html_503(client):
    user = make_user("secretariat")
    sign_in(client, user)
    with database_fails():
        response = client.get("/admin/organisations")
    _assert_unavailable(response)
    assert response.mimetype == "text/html"
    assert "<h1>" in response.get_data(as_text=True)
    assert client.get("/admin/organisations").status_code == 200


def test_a_form_whose_insert_fails_writes_nothing(client):
    sign_in(client, make_user("secretariat"))
    before = _counts()
    with database_fails(lambda statement: statement.lstrip().upper().startswith("INSERT")):
        response = client.post(
            "/admin/organisations/new",
            data={
                "name": "Voices of the Coast",
                "region": "africa",
                "category": "member",
                "vote_weight": "2",
                "active": "y",
            },
        )
    _assert_unavailable(response)
    db.session.expire_all()
    assert _counts() == before


@pytest.mark.parametrize("path", ["/", "/sign-in", "/principles/"])
def test_public_pages_during_an_outage_never_give_a_500(client, path):
    with database_fails():
        response = client.get(path)
    assert response.status_code in (200, 503)
    if response.status_code == 503:
        assert response.headers["Retry-After"] == "5"


def test_health_check_reports_the_outage(client):
    with database_fails():
        response = client.get("/healthz")
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert response.get_json()["database"] == "unavailable"
