"""The editorial procedure in the browser (no JavaScript): recommend, answer, list, meeting pack."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from principles_app.domain.diffing import render_redline, word_diff
from principles_app.extensions import db
from principles_app.models import AuditEntry, Recommendation
from principles_app.services import recommendations
from tests.factories import draft_in_round, make_user, propose, sign_in

COMMITTEE = "Partners listen with care to each other before they decide anything together."


def signed_in(app, user):
    client = app.test_client()
    sign_in(client, user)
    return client


@pytest.fixture
def scene(app):
    document = draft_in_round()
    secretariat = make_user("secretariat")
    proposer = make_user("member")
    amendment = propose(proposer, document)
    return {
        "document": document,
        "amendment": amendment,
        "secretariat": secretariat,
        "proposer": proposer,
        "colleague": make_user("member", organisation=proposer.organisation),
        "other": make_user("member"),
    }


def counts():
    return (
        db.session.scalar(select(func.count(Recommendation.id))),
        db.session.scalar(select(func.count(AuditEntry.id))),
    )


def test_the_secretariat_recommends_a_modified_text_shown_as_a_redline(app, scene):
    amendment = scene["amendment"]
    client = signed_in(app, scene["secretariat"])
    page = client.get(f"/amendments/{amendment.id}").get_data(as_text=True)
    assert "No recommendation yet." in page and f'action="/amendments/{amendment.id}/recommendation"' in page
    saved = client.post(
        f"/amendments/{amendment.id}/recommendation",
        data={"procedure": "modified", "reason": "Clearer wording.", "text": COMMITTEE},
    )
    assert saved.status_code == 302
    page = client.get(f"/amendments/{amendment.id}").get_data(as_text=True)
    assert "accept in a modified form" in page and "Clearer wording." in page
    committee_redline = render_redline(word_diff(amendment.proposed_text, COMMITTEE), "deleted:", "inserted:")
    assert "with care" in committee_redline and committee_redline in page
    assert "The committee’s text, against the amendment’s proposed text" in page


@pytest.mark.parametrize(
    "data, message",
    [
        ({"procedure": "accept", "reason": ""}, "This field is required."),
        ({"procedure": "modified", "reason": "Why."}, "Give the text."),
        ({"procedure": "covered_by", "reason": "Why."}, "Choose the amendment that covers this one."),
        ({"procedure": "maybe", "reason": "Why."}, "Not a valid choice"),
    ],
)
def test_bad_recommendations_show_a_message_and_change_nothing(app, scene, data, message):
    client = signed_in(app, scene["secretariat"])
    before = counts()
    response = client.post(f"/amendments/{scene['amendment'].id}/recommendation", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert counts() == before


def test_only_the_secretariat_sees_and_uses_the_recommendation_form(app, scene):
    amendment = scene["amendment"]
    for who in ("proposer", "other"):
        client = signed_in(app, scene[who])
        assert f'action="/amendments/{amendment.id}/recommendation"' not in client.get(
            f"/amendments/{amendment.id}"
        ).get_data(as_text=True)
        assert (
            client.post(
                f"/amendments/{amendment.id}/recommendation", data={"procedure": "accept", "reason": "Good."}
            ).status_code
            == 403
        )
    assert counts()[0] == 0


def test_the_proposers_organisation_agrees_to_the_committee_text(app, scene):
    amendment = scene["amendment"]
    recommendations.recommend(scene["secretariat"], amendment, "modified", "Clearer wording.", text=COMMITTEE)
    db.session.commit()
    other = signed_in(app, scene["other"])
    assert (
        "Agree" not in other.get(f"/amendments/{amendment.id}").get_data(as_text=True).split("Proposer and sponsors")[0]
    )
    assert other.post(f"/amendments/{amendment.id}/recommendation/answer", data={"agree": "Agree"}).status_code == 403
    client = signed_in(app, scene["colleague"])
    page = client.get(f"/amendments/{amendment.id}").get_data(as_text=True)
    assert f'action="/amendments/{amendment.id}/recommendation/answer"' in page
    answered = client.post(
        f"/amendments/{amendment.id}/recommendation/answer", data={"agree": "Agree", "comment": "Better indeed."}
    )
    assert answered.status_code == 302
    page = client.get(f"/amendments/{amendment.id}").get_data(as_text=True)
    assert "The proposer’s organisation answered: agreed." in page and "Better indeed." in page
    assert "The committee’s text, agreed by the proposer" in page
    db.session.expire_all()
    assert amendment.proposed_text == COMMITTEE
    again = client.post(f"/amendments/{amendment.id}/recommendation/answer", data={"object": "Object"})
    assert again.status_code == 409


def test_an_answer_without_a_recommendation_is_refused_on_the_form(app, scene):
    client = signed_in(app, scene["proposer"])
    response = client.post(f"/amendments/{scene['amendment'].id}/recommendation/answer", data={"object": "Object"})
    assert response.status_code == 409
    assert "There is no recommendation to answer yet." in response.get_data(as_text=True)


def test_the_list_shows_recommendations_and_filters_what_needs_a_vote(app, scene):
    document, amendment = scene["document"], scene["amendment"]
    second = propose(scene["other"], document, number=2, text="Every organisation is credited, always.")
    recommendations.recommend(scene["secretariat"], amendment, "vote", "The meeting decides.")
    recommendations.recommend(scene["secretariat"], second, "accept", "Good.")
    recommendations.answer(scene["other"], second, True)
    db.session.commit()
    client = signed_in(app, scene["proposer"])
    listing = client.get(f"/documents/{document.slug}/amendments/").get_data(as_text=True)
    assert "Recommendation: the meeting votes" in listing and "Recommendation: accept · agreed" in listing
    needing = client.get(f"/documents/{document.slug}/amendments/?needs_vote=true").get_data(as_text=True)
    assert f'href="/amendments/{amendment.id}"' in needing and f'href="/amendments/{second.id}"' not in needing
    agreed = client.get(f"/documents/{document.slug}/amendments/?procedure=accept&answer=agree").get_data(as_text=True)
    assert f'href="/amendments/{second.id}"' in agreed and f'href="/amendments/{amendment.id}"' not in agreed
    assert client.get(f"/documents/{document.slug}/amendments/?procedure=nope").status_code == 404


def test_the_meeting_pack_shows_recommendation_reason_and_answer(app, scene):
    amendment = scene["amendment"]
    recommendations.recommend(scene["secretariat"], amendment, "reject", "The draft says it already.")
    recommendations.answer(scene["proposer"], amendment, False, "We disagree.")
    db.session.commit()
    client = signed_in(app, scene["proposer"])
    pack = client.get(f"/documents/{scene['document'].slug}/versions/1/meeting-pack.html").get_data(as_text=True)
    assert "Recommendation:" in pack and "The draft says it already." in pack
    assert "objected" in pack and "We disagree." in pack


def test_a_recommendation_made_after_the_pack_was_printed_shows_in_it(app, scene):
    client = signed_in(app, scene["proposer"])
    url = f"/documents/{scene['document'].slug}/versions/1/meeting-pack.html"
    assert "Recommendation:" not in client.get(url).get_data(as_text=True)
    recommendations.recommend(scene["secretariat"], scene["amendment"], "accept", "Clearly better.")
    db.session.commit()
    assert "Clearly better." in client.get(url).get_data(as_text=True)
