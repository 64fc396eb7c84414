"""Every role, anonymous included, against every draft, version, round and amendment route."""

from __future__ import annotations

from datetime import timedelta

import pytest

from principles_app.db import utcnow
from principles_app.extensions import db
from principles_app.services import rounds as round_service
from tests.factories import (
    auth_header,
    make_document,
    make_user,
    open_amendments_round,
    principle,
    propose,
    sign_in,
    token_for,
)

ROLES = ("anonymous", "observer", "member", "proposer", "secretariat")
SIGNED_IN = {"observer", "member", "proposer", "secretariat"}


@pytest.fixture
def world():
    proposer = make_user("member")
    document = make_document()
    current = open_amendments_round(document)
    amendment = propose(proposer, document)
    later = round_service.create_round(None, document, "voting", "Later", utcnow() + timedelta(days=30))
    db.session.commit()
    return {"proposer": proposer, "document": document, "round": current, "later": later, "amendment": amendment}


def _user(world, role):
    if role == "anonymous":
        return None
    if role == "proposer":
        return make_user("member", organisation=world["proposer"].organisation)
    return make_user(role)


def _api_routes(world):
    slug, a, r = world["document"].slug, world["amendment"].id, world["round"].id
    p1 = principle(world["document"], 1).id
    closes = (utcnow() + timedelta(days=40)).isoformat()
    return [
        ("GET", "/api/v1/documents", None, SIGNED_IN),
        ("GET", f"/api/v1/documents/{slug}", None, SIGNED_IN),
        ("GET", f"/api/v1/documents/{slug}/versions", None, SIGNED_IN),
        ("GET", f"/api/v1/documents/{slug}/versions/1", None, SIGNED_IN),
        ("GET", f"/api/v1/documents/{slug}/amendments", None, SIGNED_IN),
        ("GET", f"/api/v1/amendments/{a}", None, SIGNED_IN),
        ("GET", f"/api/v1/rounds/{r}", None, SIGNED_IN),
        (
            "POST",
            "/api/v1/documents",
            {"slug": "m", "title": "M", "principles": [{"title": "A", "text": "B"}]},
            {"secretariat"},
        ),
        (
            "POST",
            f"/api/v1/documents/{slug}/rounds",
            {"kind": "voting", "title": "V", "closes_at": closes},
            {"secretariat"},
        ),
        ("PATCH", f"/api/v1/rounds/{r}", {"closes_at": closes}, {"secretariat"}),
        ("POST", f"/api/v1/rounds/{r}/close", None, {"secretariat"}),
        (
            "POST",
            f"/api/v1/documents/{slug}/amendments",
            {"kind": "delete", "principle_id": p1, "rationale": "Matrix."},
            {"member", "proposer", "secretariat"},
        ),
        ("PATCH", f"/api/v1/amendments/{a}", {"rationale": "Matrix reason."}, {"proposer"}),
        ("POST", f"/api/v1/amendments/{a}/withdraw", None, {"proposer"}),
        ("POST", f"/api/v1/amendments/{a}/cosponsors", None, {"member"}),
        ("POST", f"/api/v1/amendments/{a}/merge", None, {"secretariat"}),
        ("POST", f"/api/v1/amendments/{a}/reject", None, {"secretariat"}),
    ]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("index", range(17))
def test_draft_api_matrix(client, world, role, index):
    method, path, body, allowed = _api_routes(world)[index]
    user = _user(world, role)
    headers = auth_header(token_for(user)) if user else {}
    response = client.open(path, method=method, headers=headers, json=body)
    if role in allowed:
        assert response.status_code < 400, (role, method, path, response.get_json())
    else:
        assert response.status_code == (401 if role == "anonymous" else 403), (role, method, path)
        assert "error" in response.get_json()


def _web_routes(world):
    slug, a, r = world["document"].slug, world["amendment"].id, world["round"].id
    return [
        ("GET", f"/documents/{slug}/", SIGNED_IN),
        ("GET", f"/documents/{slug}/amendments/", SIGNED_IN),
        ("GET", f"/documents/{slug}/versions/", SIGNED_IN),
        ("GET", f"/documents/{slug}/versions/1/", SIGNED_IN),
        ("GET", f"/documents/{slug}/compare/1/1/", SIGNED_IN),
        ("GET", f"/documents/{slug}/rounds/", SIGNED_IN),
        ("GET", f"/amendments/{a}", SIGNED_IN),
        ("GET", "/documents/new", {"secretariat"}),
        ("GET", f"/documents/{slug}/amendments/new", {"member", "proposer", "secretariat"}),
        ("GET", f"/amendments/{a}/revise", {"proposer"}),
        ("POST", f"/amendments/{a}/cosponsor", {"member"}),
        ("POST", f"/amendments/{a}/reject", {"secretariat"}),
        ("POST", f"/rounds/{r}/close", {"secretariat"}),
    ]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("index", range(13))
def test_draft_pages_matrix(app, world, role, index):
    method, path, allowed = _web_routes(world)[index]
    client = app.test_client()
    user = _user(world, role)
    if user is not None:
        sign_in(client, user)
    status = client.open(path, method=method).status_code
    if role in allowed:
        assert status in (200, 302), (role, path, status)
    elif role == "anonymous":
        assert status == 302, (role, path, status)
    else:
        assert status == 403, (role, path, status)
