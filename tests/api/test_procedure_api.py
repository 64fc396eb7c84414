"""The editorial procedure over JSON: what needs a vote, the consolidated text, batch merge (SPEC §12)."""

from __future__ import annotations

import pytest

from principles_app.extensions import db
from principles_app.services import amendments as amendment_service
from principles_app.services import recommendations
from tests.factories import auth_header, draft_in_round, make_user, propose, token_for

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
