"""The editorial procedure over JSON: what needs a vote, the consolidated text, batch merge (SPEC §12)."""

from __future__ import annotations

import pytest

from principles_app.extensions import db
from principles_app.services import amendments as amendment_service
from principles_app.services import recommendations
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

LISTEN_EARLY = "Partners listen to each other early, before they decide anything together."
LISTEN_ALL = "Partners listen to each other before they decide anything all together."


@pytest.fixture
def people():
    users = {
        "secretariat": make_user("secretariat"),
        "proposer": make_user("member"),
        "other": make_user("member", region="americas"),
        "observer": make_user("observer"),
    }
    return {name: (user, auth_header(token_for(user))) for name, user in users.items()}


@pytest.fixture
def document():
    return draft_in_round()


def listed(client, headers, query=""):
    response = client.get(f"/api/v1/documents/charter/amendments{query}", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["amendments"]


def test_needs_vote_is_the_meetings_agenda(client, people, document):
    secretariat, proposer = people["secretariat"][0], people["proposer"][0]
    unrecommended = propose(proposer, document, number=1)
    to_vote = propose(proposer, document, number=2, text="Every organisation is credited for its work.")
    objected = propose(proposer, document, number=3, text="No partner publishes what could expose anyone.")
    accepted = propose(proposer, document, number=1, text=LISTEN_ALL)
    withdrawn = propose(proposer, document, number=2, text="Every organisation that contributes is named.")
    recommendations.recommend(secretariat, to_vote, "vote", "The meeting decides.")
    recommendations.recommend(secretariat, objected, "reject", "Said already.")
    recommendations.answer(proposer, objected, False)
    recommendations.recommend(secretariat, accepted, "accept", "Better.")
    amendment_service.withdraw(proposer, withdrawn)
    db.session.commit()
    agenda = listed(client, people["observer"][1], "?needs_vote=true")
    assert [a["id"] for a in agenda] == [unrecommended.id, to_vote.id, objected.id]


def test_a_recommendation_made_before_a_rebase_says_it_was_on_an_older_text(client, people, document):
    secretariat, proposer = people["secretariat"][0], people["proposer"][0]
    early = propose(proposer, document, number=1, text=LISTEN_EARLY)
    together = propose(people["other"][0], document, number=1, text=LISTEN_ALL)
    recommendations.recommend(secretariat, early, "accept", "Better.")
    db.session.commit()
    before = client.get(f"/api/v1/amendments/{early.id}", headers=people["observer"][1]).get_json()
    assert before["recommendation"]["on_older_text"] is False
    amendment_service.merge_amendment(secretariat, together)
    db.session.commit()
    after = client.get(f"/api/v1/amendments/{early.id}", headers=people["observer"][1]).get_json()
    assert after["status"] == "open" and after["base_version"] == 2
    assert after["recommendation"]["procedure"] == "accept" and after["recommendation"]["on_older_text"] is True
    in_list = {a["id"]: a for a in listed(client, people["observer"][1])}
    assert in_list[early.id]["recommendation"]["on_older_text"] is True
    # Recommending again, on the new text, clears the flag.
    recommendations.recommend(secretariat, early, "accept", "Still better.")
    db.session.commit()
    again = client.get(f"/api/v1/amendments/{early.id}", headers=people["observer"][1]).get_json()
    assert again["recommendation"]["on_older_text"] is False


def test_a_conflicted_amendment_keeps_its_recommendation_marked_older(client, people, document):
    secretariat, proposer = people["secretariat"][0], people["proposer"][0]
    first = propose(proposer, document, number=1, text="Partners listen before they decide.")
    rival = propose(people["other"][0], document, number=1, text="Partners talk before they decide.")
    recommendations.recommend(secretariat, rival, "vote", "The meeting decides.")
    amendment_service.merge_amendment(secretariat, first)
    db.session.commit()
    read = client.get(f"/api/v1/amendments/{rival.id}", headers=people["observer"][1]).get_json()
    assert read["status"] == "conflicted"
    assert read["recommendation"]["procedure"] == "vote" and read["recommendation"]["on_older_text"] is True


def consolidated(client, headers):
    response = client.get("/api/v1/documents/charter/consolidated", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_the_consolidated_text_applies_accepted_and_agreed_modified_amendments_in_order(client, people, document):
    secretariat, proposer, other = people["secretariat"][0], people["proposer"][0], people["other"][0]
    early = propose(proposer, document, number=1, text=LISTEN_EARLY)
    together = propose(other, document, number=1, text=LISTEN_ALL)
    clash = propose(other, document, number=1, text="Partners listen to each other early and often.")
    modified = propose(proposer, document, number=2, text="Every organisation is credited for its work.")
    unanswered = propose(other, document, number=3, text="No partner publishes what could expose anyone.")
    voted = propose(proposer, document, number=3, kind="delete")
    recommendations.recommend(secretariat, early, "accept", "Good.")
    recommendations.recommend(secretariat, together, "accept", "Good too.")
    recommendations.recommend(secretariat, clash, "accept", "Also good.")
    recommendations.recommend(
        secretariat, modified, "modified", "Shorter.", text="Every organisation is credited for what it does."
    )
    recommendations.answer(proposer, modified, True)
    recommendations.recommend(
        secretariat, unanswered, "modified", "Shorter.", text="No partner exposes colleagues on the ground."
    )
    recommendations.recommend(secretariat, voted, "vote", "The meeting decides.")
    db.session.commit()
    body = consolidated(client, people["observer"][1])
    assert body["version"] == 1 and body["applied"] == [early.id, together.id, modified.id]
    assert [(n["amendment_id"], n["reason"]) for n in body["not_applied"]] == [(clash.id, "conflict")]
    assert body["not_applied"][0]["message"]
    first, second, third = body["principles"]
    assert first["text"] == "Partners listen to each other early, before they decide anything all together."
    assert first["change"] == "modified" and first["amendment_ids"] == [early.id, together.id]
    assert first["lines"]["first"] == 1 and first["lines"]["last"] >= 1
    assert [1, "early, "] in first["diff"] or any(op == 1 and "early" in t for op, t in first["diff"])
    assert second["text"] == "Every organisation is credited for what it does." and second["number_in_draft"] == 2
    assert third["change"] == "unchanged" and third["lines"] is None
    # Computed, not stored: the working draft is untouched.
    draft = client.get("/api/v1/documents/charter", headers=people["observer"][1]).get_json()
    assert draft["version"] == 1 and draft["principles"][0]["text"].startswith("Partners listen to each other before")


def test_the_consolidated_text_shows_insertions_and_deletions(client, people, document):
    secretariat, proposer = people["secretariat"][0], people["proposer"][0]
    inserted = propose(proposer, document, number=1, kind="insert", title="Pay for the work", text="Work is paid.")
    deleted = propose(proposer, document, number=3, kind="delete")
    after_deleted = propose(people["other"][0], document, number=3, kind="insert", title="Late", text="Too late.")
    for amendment in (inserted, deleted, after_deleted):
        recommendations.recommend(secretariat, amendment, "accept", "Yes.")
    db.session.commit()
    body = consolidated(client, people["observer"][1])
    assert body["applied"] == [inserted.id, deleted.id]
    assert body["not_applied"][0]["amendment_id"] == after_deleted.id
    assert body["not_applied"][0]["reason"] == "anchor_gone"
    changes = [(p["change"], p["number"], p["number_in_draft"]) for p in body["principles"]]
    assert changes == [("unchanged", 1, 1), ("inserted", 2, None), ("unchanged", 3, 2), ("deleted", None, 3)]


def merge(client, headers, ids):
    return client.post("/api/v1/documents/charter/merge", json={"amendment_ids": ids}, headers=headers)


def test_a_batch_merges_in_order_into_one_version_and_rebases_siblings_once(client, people, document):
    proposer, other = people["proposer"][0], people["other"][0]
    early = propose(proposer, document, number=1, text=LISTEN_EARLY)
    together = propose(other, document, number=1, text=LISTEN_ALL)
    credit = propose(proposer, document, number=2, text="Every organisation is credited for its work.")
    sibling = propose(
        other, document, number=1, text="Partners listen to each other before they decide anything, together."
    )
    rival = propose(other, document, number=2, text="Each organisation is credited for its work.")
    response = merge(client, people["secretariat"][1], [early.id, together.id, credit.id])
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body == {
        "version": 2,
        "merged": [early.id, together.id, credit.id],
        "rebased": [sibling.id],
        "conflicted": [rival.id],
    }
    version = client.get("/api/v1/documents/charter/versions/2", headers=people["observer"][1]).get_json()
    assert version["merged_amendment_ids"] == [early.id, together.id, credit.id]
    texts = [p["text"] for p in version["snapshot"]["principles"]]
    assert texts[0] == "Partners listen to each other early, before they decide anything all together."
    assert texts[1] == "Every organisation is credited for its work."
    versions = client.get("/api/v1/documents/charter/versions", headers=people["observer"][1]).get_json()
    assert [v["number"] for v in versions["versions"]] == [2, 1]
    rebased = client.get(f"/api/v1/amendments/{sibling.id}", headers=people["observer"][1]).get_json()
    assert rebased["status"] == "open" and rebased["base_version"] == 2
    assert [r["reason"] for r in rebased["revisions"]].count("rebased") == 1


def test_a_batch_that_does_not_apply_changes_nothing_and_names_the_amendment(client, people, document):
    proposer, other = people["proposer"][0], people["other"][0]
    early = propose(proposer, document, number=1, text=LISTEN_EARLY)
    clash = propose(other, document, number=1, text="Partners listen to each other early and often.")
    credit = propose(proposer, document, number=2, text="Every organisation is credited for its work.")
    refused = merge(client, people["secretariat"][1], [credit.id, early.id, clash.id])
    error = error_of(refused, 409)
    assert f"Amendment {clash.id}" in error["message"] and "amendment_ids" in error["fields"]
    draft = client.get("/api/v1/documents/charter", headers=people["observer"][1]).get_json()
    assert draft["version"] == 1
    states = [
        client.get(f"/api/v1/amendments/{a.id}", headers=people["observer"][1]).get_json()["status"]
        for a in (early, clash, credit)
    ]
    assert states == ["open", "open", "open"]


def test_bad_batches_are_refused_with_422(client, people, document):
    proposer = people["proposer"][0]
    first = propose(proposer, document, number=1, text=LISTEN_EARLY)
    withdrawn = propose(proposer, document, number=2, text="Every organisation is credited for its work.")
    amendment_service.withdraw(proposer, withdrawn)
    elsewhere_doc = make_document(slug="elsewhere")
    open_amendments_round(elsewhere_doc)
    elsewhere = propose(proposer, elsewhere_doc, number=1, text=LISTEN_EARLY)
    db.session.commit()
    sec = people["secretariat"][1]
    for ids in ([first.id, first.id], [first.id, 999_999], [first.id, elsewhere.id], [withdrawn.id], []):
        error = error_of(merge(client, sec, ids), 422)
        assert "amendment_ids" in error["fields"], ids
    for body in ({}, {"amendment_ids": "1"}, {"amendment_ids": [True]}, {"amendment_ids": [first.id], "x": 1}):
        response = client.post("/api/v1/documents/charter/merge", json=body, headers=sec)
        assert response.status_code in (400, 422)
    assert (
        client.post("/api/v1/documents/nope/merge", json={"amendment_ids": [first.id]}, headers=sec).status_code == 404
    )
    assert client.get(f"/api/v1/amendments/{first.id}", headers=sec).get_json()["status"] == "open"
    for member in ("proposer", "observer"):
        assert merge(client, people[member][1], [first.id]).status_code == 403
