"""The recommendation API: PUT …/recommendation, POST …/recommendation/answer, ?needs_vote=true (SPEC §12)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from principles_app.extensions import db
from principles_app.models import AmendmentRevision, AuditEntry, OutboxMessage, Recommendation
from principles_app.services import amendments as amendment_service
from tests.factories import (
    auth_header,
    draft_in_round,
    error_of,
    make_document,
    make_user,
    open_amendments_round,
    propose,
    token_for,
)

COMMITTEE = "Partners listen with care to each other before they decide anything together."


@pytest.fixture
def people():
    secretariat = make_user("secretariat")
    proposer = make_user("member")
    colleague = make_user("member", organisation=proposer.organisation)
    other = make_user("member", region="americas")
    observer = make_user("observer")
    return {
        name: (user, auth_header(token_for(user)))
        for name, user in {
            "secretariat": secretariat,
            "proposer": proposer,
            "colleague": colleague,
            "other": other,
            "observer": observer,
        }.items()
    }


@pytest.fixture
def document():
    return draft_in_round()


@pytest.fixture
def amendment(people, document):
    return propose(people["proposer"][0], document)


def counts():
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Recommendation, AmendmentRevision, AuditEntry, OutboxMessage)
    )


def put(client, headers, amendment_id, **body):
    return client.put(f"/api/v1/amendments/{amendment_id}/recommendation", json=body, headers=headers)


def answer(client, headers, amendment_id, **body):
    return client.post(f"/api/v1/amendments/{amendment_id}/recommendation/answer", json=body, headers=headers)


def test_the_json_has_a_null_recommendation_until_one_is_made(client, people, amendment):
    read = client.get(f"/api/v1/amendments/{amendment.id}", headers=people["observer"][1]).get_json()
    assert read["recommendation"] is None
    made = put(client, people["secretariat"][1], amendment.id, procedure="reject", reason="Already said.")
    assert made.status_code == 200, made.get_json()
    recommendation = made.get_json()["recommendation"]
    assert {k: recommendation[k] for k in ("procedure", "reason", "text", "covered_by_id", "answer")} == {
        "procedure": "reject",
        "reason": "Already said.",
        "text": None,
        "covered_by_id": None,
        "answer": None,
    }
    listed = client.get("/api/v1/documents/charter/amendments", headers=people["observer"][1]).get_json()
    assert listed["amendments"][0]["recommendation"]["procedure"] == "reject"


@pytest.mark.parametrize("who", ["proposer", "colleague", "other", "observer"])
def test_only_the_secretariat_recommends(client, people, amendment, who):
    before = counts()
    error_of(put(client, people[who][1], amendment.id, procedure="accept", reason="Good."), 403)
    assert counts() == before


def test_anonymous_is_refused(client, amendment):
    error_of(put(client, {}, amendment.id, procedure="accept", reason="Good."), 401)
    error_of(answer(client, {}, amendment.id, agree=True), 401)


@pytest.mark.parametrize(
    "body, field",
    [
        ({"reason": "Why."}, "procedure"),
        ({"procedure": "maybe", "reason": "Why."}, "procedure"),
        ({"procedure": 3, "reason": "Why."}, "procedure"),
        ({"procedure": "accept"}, "reason"),
        ({"procedure": "accept", "reason": ""}, "reason"),
        ({"procedure": "accept", "reason": "   "}, "reason"),
        ({"procedure": "accept", "reason": None}, "reason"),
        ({"procedure": "accept", "reason": ["x"]}, "reason"),
        ({"procedure": "accept", "reason": "x" * 20_001}, "reason"),
        ({"procedure": "accept", "reason": "Why.", "extra": 1}, "extra"),
        ({"procedure": "modified", "reason": "Why."}, "text"),
        ({"procedure": "modified", "reason": "Why.", "text": ""}, "text"),
        (
            {
                "procedure": "modified",
                "reason": "Why.",
                "text": "Partners listen to each other before they decide anything together.",
            },
            "text",
        ),
        ({"procedure": "accept", "reason": "Why.", "text": COMMITTEE}, "text"),
        ({"procedure": "covered_by", "reason": "Why."}, "covered_by_id"),
        ({"procedure": "covered_by", "reason": "Why.", "covered_by_id": "2"}, "covered_by_id"),
        ({"procedure": "covered_by", "reason": "Why.", "covered_by_id": 0}, "covered_by_id"),
        ({"procedure": "covered_by", "reason": "Why.", "covered_by_id": 999999}, "covered_by_id"),
        ({"procedure": "covered_by", "reason": "Why.", "covered_by_id": 2**40}, "covered_by_id"),
        ({"procedure": "reject", "reason": "Why.", "covered_by_id": 1}, "covered_by_id"),
    ],
)
def test_bad_recommendations_get_422_and_change_nothing(client, people, amendment, body, field):
    before = counts()
    error = error_of(put(client, people["secretariat"][1], amendment.id, **body), 422)
    assert error["code"] == "validation_failed"
    assert field in error["fields"], error
    assert counts() == before


def test_covered_by_itself_another_documents_or_a_closed_amendment_is_422(client, people, document, amendment):
    other = make_document("other")
    open_amendments_round(other)
    elsewhere = propose(people["other"][0], other)
    withdrawn = propose(people["other"][0], document, number=2, text="Every organisation is credited.")
    amendment_service.withdraw(people["other"][0], withdrawn)
    db.session.commit()
    before = counts()
    for bad in (amendment.id, elsewhere.id, withdrawn.id):
        error = error_of(
            put(
                client,
                people["secretariat"][1],
                amendment.id,
                procedure="covered_by",
                reason="Same.",
                covered_by_id=bad,
            ),
            422,
        )
        assert "covered_by_id" in error["fields"]
    assert counts() == before
    twin = propose(people["other"][0], document, number=2, text="Every organisation is credited, always.")
    made = put(
        client, people["secretariat"][1], amendment.id, procedure="covered_by", reason="Same.", covered_by_id=twin.id
    )
    assert made.get_json()["recommendation"]["covered_by_id"] == twin.id
    circle = put(
        client, people["secretariat"][1], twin.id, procedure="covered_by", reason="Same.", covered_by_id=amendment.id
    )
    assert "covered_by_id" in error_of(circle, 422)["fields"]


def test_a_closed_amendment_gets_409(client, people, amendment):
    amendment_service.withdraw(people["proposer"][0], amendment)
    db.session.commit()
    before = counts()
    error_of(put(client, people["secretariat"][1], amendment.id, procedure="accept", reason="Good."), 409)
    assert counts() == before


def test_unknown_amendment_is_404(client, people):
    error_of(put(client, people["secretariat"][1], 999999, procedure="accept", reason="Good."), 404)
    error_of(answer(client, people["proposer"][1], 999999, agree=True), 404)


def test_the_proposers_organisation_answers_once(client, people, amendment):
    error_of(answer(client, people["proposer"][1], amendment.id, agree=True), 409)  # nothing to answer yet
    put(client, people["secretariat"][1], amendment.id, procedure="reject", reason="Already said.")
    before = counts()
    for who in ("other", "observer", "secretariat"):
        error_of(answer(client, people[who][1], amendment.id, agree=True), 403)
    assert counts() == before
    answered = answer(client, people["colleague"][1], amendment.id, agree=False, comment="We insist.")
    assert answered.status_code == 200, answered.get_json()
    recommendation = answered.get_json()["recommendation"]
    assert (recommendation["answer"], recommendation["answer_comment"]) == ("object", "We insist.")
    error_of(answer(client, people["proposer"][1], amendment.id, agree=True), 409)


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "agree"),
        ({"agree": "yes"}, "agree"),
        ({"agree": 1}, "agree"),
        ({"agree": None}, "agree"),
        ({"agree": True, "comment": 5}, "comment"),
        ({"agree": True, "comment": "x" * 20_001}, "comment"),
        ({"agree": True, "other": 1}, "other"),
    ],
)
def test_bad_answers_get_422_and_change_nothing(client, people, amendment, body, field):
    put(client, people["secretariat"][1], amendment.id, procedure="vote", reason="The meeting decides.")
    before = counts()
    error = error_of(answer(client, people["proposer"][1], amendment.id, **body), 422)
    assert field in error["fields"], error
    assert counts() == before
    read = client.get(f"/api/v1/amendments/{amendment.id}", headers=people["proposer"][1]).get_json()
    assert read["recommendation"]["answer"] is None


def test_agreeing_to_modified_adopts_the_committee_text_with_history(client, people, amendment):
    original = amendment.proposed_text
    made = put(client, people["secretariat"][1], amendment.id, procedure="modified", reason="Clearer.", text=COMMITTEE)
    assert made.get_json()["recommendation"]["text"] == COMMITTEE
    agreed = answer(client, people["proposer"][1], amendment.id, agree=True).get_json()
    assert agreed["proposed_text"] == COMMITTEE and agreed["original_proposed_text"] == original
    assert [r["reason"] for r in agreed["revisions"]] == ["proposed", "recommendation"]
    assert agreed["recommendation"]["answer"] == "agree"


def test_a_change_after_an_answer_clears_it(client, people, amendment):
    put(client, people["secretariat"][1], amendment.id, procedure="reject", reason="No.")
    answer(client, people["proposer"][1], amendment.id, agree=False)
    changed = put(client, people["secretariat"][1], amendment.id, procedure="accept", reason="Yes after all.")
    assert changed.get_json()["recommendation"]["answer"] is None
    again = answer(client, people["proposer"][1], amendment.id, agree=True)
    assert again.get_json()["recommendation"]["answer"] == "agree"


def test_needs_vote_lists_vote_recommendations_objections_and_the_unrecommended(client, people, document, amendment):
    objected = propose(people["other"][0], document, number=2, text="Every organisation is credited, always.")
    agreed = propose(people["other"][0], document, number=3, text="No partner exposes colleagues.")
    untouched = propose(
        people["colleague"][0],
        document,
        number=1,
        text="Partners listen to each other before they decide anything at all.",
    )
    sec, other = people["secretariat"][1], people["other"][1]
    put(client, sec, amendment.id, procedure="vote", reason="The meeting decides.")
    put(client, sec, objected.id, procedure="reject", reason="No.")
    answer(client, other, objected.id, agree=False)
    put(client, sec, agreed.id, procedure="reject", reason="No.")
    answer(client, other, agreed.id, agree=True)
    listed = client.get("/api/v1/documents/charter/amendments?needs_vote=true", headers=people["observer"][1])
    # Not yet recommended counts too: the meeting decides it unless the committee says otherwise.
    assert [a["id"] for a in listed.get_json()["amendments"]] == [amendment.id, objected.id, untouched.id]
    everything = client.get("/api/v1/documents/charter/amendments?needs_vote=false", headers=people["observer"][1])
    assert len(everything.get_json()["amendments"]) == 4 and untouched.id
    by_answer = client.get(
        "/api/v1/documents/charter/amendments?procedure=reject&answer=agree", headers=people["observer"][1]
    )
    assert [a["id"] for a in by_answer.get_json()["amendments"]] == [agreed.id]
    for query, field in (
        ("needs_vote=maybe", "needs_vote"),
        ("procedure=nope", "procedure"),
        ("answer=nope", "answer"),
    ):
        error = error_of(client.get(f"/api/v1/documents/charter/amendments?{query}", headers=sec), 422)
        assert field in error["fields"]


def test_the_openapi_document_describes_the_new_routes(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "put" in spec["paths"]["/api/v1/amendments/{amendment_id}/recommendation"]
    assert "post" in spec["paths"]["/api/v1/amendments/{amendment_id}/recommendation/answer"]
