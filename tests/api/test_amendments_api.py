"""The documents, versions, rounds and amendments API, including its authorisation matrix."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from principles_app.db import utcnow
from principles_app.extensions import db
from principles_app.models import Amendment, AmendmentCosponsor, AuditEntry, Document, Round, Version
from tests.factories import (
    auth_header,
    error_of,
    make_document,
    make_organisation,
    make_user,
    open_amendments_round,
    principle,
    token_for,
)

TEXT = "Partners listen to each other before they decide anything together."


@pytest.fixture
def people():
    secretariat = make_user("secretariat")
    member = make_user("member")
    other = make_user("member", region="americas")
    observer = make_user("observer")
    colleague = make_user("member", organisation=member.organisation)
    return {
        name: (user, auth_header(token_for(user)))
        for name, user in {
            "secretariat": secretariat,
            "member": member,
            "other": other,
            "observer": observer,
            "colleague": colleague,
        }.items()
    }


@pytest.fixture
def document():
    found = make_document(
        principles=[{"title": "Listen", "text": TEXT}, {"title": "Credit", "text": "Every organisation is credited."}]
    )
    open_amendments_round(found)
    return found


def counts():
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Document, Version, Amendment, AmendmentCosponsor, Round, AuditEntry)
    )


def propose(client, headers, document, **body):
    payload = {
        "kind": "modify",
        "principle_id": principle(document, 1).id,
        "text": TEXT.replace("listen to", "really listen to"),
        "rationale": "Listening matters.",
        **body,
    }
    return client.post(f"/api/v1/documents/{document.slug}/amendments", json=payload, headers=headers)


def test_the_secretariat_creates_a_document_and_anyone_signed_in_reads_it(client, people):
    body = {
        "slug": "our-principles",
        "title": "Our principles",
        "preamble": "We agree.",
        "principles": [{"title": "One", "text": "First."}, {"title": "Two", "text": "Second."}],
    }
    created = client.post("/api/v1/documents", json=body, headers=people["secretariat"][1])
    assert created.status_code == 201
    read = client.get("/api/v1/documents/our-principles", headers=people["observer"][1]).get_json()
    assert read["version"] == 1
    assert [(p["number"], p["title"]) for p in read["principles"]] == [(1, "One"), (2, "Two")]
    versions = client.get("/api/v1/documents/our-principles/versions", headers=people["member"][1]).get_json()
    assert [v["number"] for v in versions["versions"]] == [1]
    one = client.get("/api/v1/documents/our-principles/versions/1", headers=people["member"][1]).get_json()
    assert len(one["sha256"]) == 64 and one["snapshot"]["principles"][1]["text"] == "Second."


@pytest.mark.parametrize(
    "body, status",
    [
        ({"slug": "Bad Slug", "title": "T", "principles": [{"title": "A", "text": "B"}]}, 422),
        ({"slug": "ok", "title": "T", "principles": []}, 422),
        ({"slug": "ok", "title": "T"}, 422),
        ({"slug": "ok", "title": "T", "principles": [{"title": "A", "text": "B"}], "extra": 1}, 422),
    ],
)
def test_bad_documents_are_refused_and_change_nothing(client, people, body, status):
    before = counts()
    error_of(client.post("/api/v1/documents", json=body, headers=people["secretariat"][1]), status)
    assert counts() == before


def test_a_duplicate_slug_is_a_conflict(client, people, document):
    body = {"slug": document.slug, "title": "T", "principles": [{"title": "A", "text": "B"}]}
    before = counts()
    error_of(client.post("/api/v1/documents", json=body, headers=people["secretariat"][1]), 409)
    assert counts() == before


def test_a_member_proposes_and_everyone_signed_in_reads_the_redline(client, people, document):
    response = propose(client, people["member"][1], document)
    assert response.status_code == 201
    amendment = response.get_json()
    assert amendment["status"] == "open" and amendment["base_version"] == 1
    assert [1, "really "] in amendment["diff"]
    assert amendment["lines"] == {"first": 1, "last": 1}
    assert amendment["proposer"]["organisation"] == people["member"][0].organisation.name
    assert amendment["original_proposed_text"] == amendment["proposed_text"]
    assert [r["reason"] for r in amendment["revisions"]] == ["proposed"]
    read = client.get(f"/api/v1/amendments/{amendment['id']}", headers=people["observer"][1]).get_json()
    assert read["id"] == amendment["id"]


def test_competing_amendments_name_each_other_in_the_list_and_in_each_amendment(client, people, document):
    first = propose(client, people["member"][1], document).get_json()
    second = propose(client, people["other"][1], document, text=TEXT.replace("listen to", "hear")).get_json()
    listed = client.get(
        f"/api/v1/documents/{document.slug}/amendments?status=open", headers=people["member"][1]
    ).get_json()["amendments"]
    assert {a["id"]: a["competing_with"] for a in listed} == {first["id"]: [second["id"]], second["id"]: [first["id"]]}
    one = client.get(f"/api/v1/amendments/{second['id']}", headers=people["member"][1]).get_json()
    assert one["competing_with"] == [first["id"]]


def test_merge_returns_the_version_and_what_happened_to_the_siblings(client, people, document):
    first = propose(client, people["member"][1], document).get_json()
    clean = propose(client, people["other"][1], document, text=TEXT.replace("together", "jointly")).get_json()
    clash = propose(client, people["other"][1], document, text=TEXT.replace("listen to", "hear")).get_json()
    merged = client.post(f"/api/v1/amendments/{first['id']}/merge", headers=people["secretariat"][1])
    assert merged.status_code == 200
    assert merged.get_json() == {"version": 2, "rebased": [clean["id"]], "conflicted": [clash["id"]]}
    assert client.get(f"/api/v1/documents/{document.slug}", headers=people["member"][1]).get_json()["version"] == 2
    error_of(client.post(f"/api/v1/amendments/{first['id']}/merge", headers=people["secretariat"][1]), 409)
    error_of(client.post(f"/api/v1/amendments/{clash['id']}/merge", headers=people["secretariat"][1]), 409)
    revised = client.patch(
        f"/api/v1/amendments/{clash['id']}",
        headers=people["other"][1],
        json={"text": TEXT.replace("listen to", "really hear")},
    )
    assert revised.status_code == 200 and revised.get_json()["status"] == "open"
    assert revised.get_json()["base_version"] == 2


@pytest.mark.parametrize(
    "body, status",
    [
        ({"principle_id": 999999}, 422),
        ({"text": TEXT}, 422),
        ({"rationale": ""}, 422),
        ({"rationale": "   "}, 422),
        ({"text": "x" * 20_001}, 422),
        ({"kind": "rewrite"}, 422),
        ({"principle_id": "1"}, 422),
        ({"kind": "insert", "after_principle_id": 999999, "title": "New", "text": "New text."}, 422),
        ({"kind": "insert", "title": "", "text": "New text."}, 422),
        ({"unexpected": True}, 422),
    ],
)
def test_bad_proposals_get_a_clear_4xx_and_change_nothing(client, people, document, body, status):
    before = counts()
    error_of(propose(client, people["member"][1], document, **body), status)
    assert counts() == before


def test_malformed_json_is_a_400(client, people, document):
    response = client.post(
        f"/api/v1/documents/{document.slug}/amendments",
        data="{nope",
        content_type="application/json",
        headers=people["member"][1],
    )
    error_of(response, 400)


def test_insert_after_a_principle_of_another_document_is_refused(client, people, document):
    other = make_document(slug="other")
    before = counts()
    error_of(
        propose(
            client,
            people["member"][1],
            document,
            kind="insert",
            principle_id=None,
            after_principle_id=principle(other, 1).id,
            title="New",
            text="New.",
        ),
        422,
    )
    assert counts() == before


def test_unknown_document_or_amendment_is_404(client, people):
    error_of(client.get("/api/v1/documents/nope", headers=people["member"][1]), 404)
    error_of(client.get("/api/v1/amendments/12345", headers=people["member"][1]), 404)
    error_of(client.post("/api/v1/amendments/12345/withdraw", headers=people["member"][1]), 404)


def test_proposals_need_an_open_amendments_round(client, people):
    document = make_document(slug="closed")
    before = counts()
    error_of(propose(client, people["member"][1], document), 409)
    assert counts() == before


def test_co_sponsoring_twice_is_409_and_ones_own_amendment_403(client, people, document):
    amendment = propose(client, people["member"][1], document).get_json()
    url = f"/api/v1/amendments/{amendment['id']}/cosponsors"
    first = client.post(url, headers=people["other"][1])
    assert first.status_code == 201
    assert [c["organisation"] for c in first.get_json()["cosponsors"]] == [people["other"][0].organisation.name]
    error_of(client.post(url, headers=people["other"][1]), 409)
    error_of(client.post(url, headers=people["colleague"][1]), 403)


def test_rounds_are_created_opened_extended_and_closed_by_the_secretariat(client, people):
    document = make_document(slug="rounds")
    headers = people["secretariat"][1]
    closes = (utcnow() + timedelta(days=7)).isoformat()
    created = client.post(
        f"/api/v1/documents/{document.slug}/rounds",
        headers=headers,
        json={"kind": "amendments", "title": "First reading", "closes_at": closes},
    )
    assert created.status_code == 201
    body = created.get_json()
    assert body["state"] == "scheduled" and body["majority"] == "simple" and body["quorum"] == "0.5000"
    round_id = body["id"]
    assert client.post(f"/api/v1/rounds/{round_id}/open", headers=headers).get_json()["state"] == "open"
    error_of(client.post(f"/api/v1/rounds/{round_id}/open", headers=headers), 409)
    later = (utcnow() + timedelta(days=10)).isoformat()
    extended = client.patch(f"/api/v1/rounds/{round_id}", headers=headers, json={"closes_at": later})
    assert extended.status_code == 200
    error_of(client.patch(f"/api/v1/rounds/{round_id}", headers=headers, json={"closes_at": closes}), 422)
    second = client.post(
        f"/api/v1/documents/{document.slug}/rounds",
        headers=headers,
        json={"kind": "voting", "title": "Vote", "closes_at": later},
    ).get_json()
    error_of(client.post(f"/api/v1/rounds/{second['id']}/open", headers=headers), 409)
    assert client.post(f"/api/v1/rounds/{round_id}/close", headers=headers).get_json()["state"] == "closed"
    assert client.get(f"/api/v1/rounds/{round_id}", headers=people["observer"][1]).get_json()["state"] == "closed"


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "amendments", "title": "Past", "closes_at": "2000-01-01T00:00:00+00:00"},
        {"kind": "amendments", "title": "Naive", "closes_at": "2099-01-01T00:00:00"},
        {"kind": "lottery", "title": "X", "closes_at": "2099-01-01T00:00:00+00:00"},
        {"kind": "voting", "title": "X", "closes_at": "2099-01-01T00:00:00+00:00", "quorum": "1.5"},
        {"kind": "voting", "title": "X", "closes_at": "2099-01-01T00:00:00+00:00", "quorum": 0.5},
    ],
)
def test_bad_rounds_are_refused_and_change_nothing(client, people, document, body):
    before = counts()
    error_of(client.post(f"/api/v1/documents/{document.slug}/rounds", json=body, headers=people["secretariat"][1]), 422)
    assert counts() == before


# --- The authorisation matrix ---------------------------------------------------------------

ROLES = ("anonymous", "observer", "member", "colleague", "other", "secretariat")


def _headers(people, role):
    return {} if role == "anonymous" else people[role][1]


@pytest.mark.parametrize(
    "role, status", [("anonymous", 401), ("observer", 403), ("member", 201), ("other", 201), ("secretariat", 201)]
)
def test_who_may_propose(client, people, document, role, status):
    assert propose(client, _headers(people, role), document).status_code == status


def test_users_of_an_inactive_organisation_read_but_do_not_propose(client, people, document):
    organisation = make_organisation(active=False)
    user = make_user("member", organisation=organisation)
    headers = auth_header(token_for(user))
    assert client.get(f"/api/v1/documents/{document.slug}", headers=headers).status_code == 200
    error_of(propose(client, headers, document), 403)


@pytest.mark.parametrize(
    "action, method, allowed",
    [
        ("revise", "patch", {"member", "colleague"}),
        ("withdraw", "post", {"member", "colleague"}),
        ("cosponsors", "post", {"other"}),
        ("merge", "post", {"secretariat"}),
        ("reject", "post", {"secretariat"}),
    ],
)
@pytest.mark.parametrize("role", ROLES)
def test_who_may_act_on_an_amendment(client, people, document, action, method, allowed, role):
    amendment = propose(client, people["member"][1], document).get_json()
    url = f"/api/v1/amendments/{amendment['id']}" + ("" if action == "revise" else f"/{action}")
    kwargs = {"json": {"rationale": "Better reason."}} if action == "revise" else {}
    response = getattr(client, method)(url, headers=_headers(people, role), **kwargs)
    expected = 401 if role == "anonymous" else ({200, 201} if role in allowed else {403})
    assert response.status_code in (expected if isinstance(expected, set) else {expected}), (action, role)


@pytest.mark.parametrize("role, status", [("anonymous", 401), ("observer", 403), ("member", 403), ("secretariat", 201)])
def test_only_the_secretariat_creates_documents_and_rounds(client, people, role, status):
    body = {"slug": f"doc-{role}", "title": "T", "principles": [{"title": "A", "text": "B"}]}
    assert client.post("/api/v1/documents", json=body, headers=_headers(people, role)).status_code == status
    document = make_document(slug=f"r-{role}")
    round_body = {"kind": "amendments", "title": "R", "closes_at": (utcnow() + timedelta(days=1)).isoformat()}
    response = client.post(f"/api/v1/documents/{document.slug}/rounds", json=round_body, headers=_headers(people, role))
    assert response.status_code == status
