"""The secretariat's recommendations on amendments and the proposer's answers (SPEC §12, first step)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from principles_app.domain.procedure import Answer, Procedure, needs_vote
from principles_app.extensions import db
from principles_app.models import AuditEntry, OutboxMessage, Recommendation
from principles_app.services import amendments as amendment_service
from principles_app.services import recommendations
from principles_app.services.errors import Conflict, ValidationFailed
from tests.factories import LISTEN, draft_in_round, make_document, make_user, propose

COMMITTEE = "Partners listen with care to each other before they decide anything together."


@pytest.fixture
def scene():
    document = draft_in_round()
    secretariat = make_user("secretariat")
    proposer = make_user("member")
    colleague = make_user("member", organisation=proposer.organisation)
    amendment = propose(proposer, document)
    return {
        "document": document,
        "secretariat": secretariat,
        "proposer": proposer,
        "colleague": colleague,
        "amendment": amendment,
    }


def audit_actions(amendment) -> list[str]:
    return list(
        db.session.execute(
            select(AuditEntry.action)
            .where(AuditEntry.object_type == "amendment", AuditEntry.object_id == str(amendment.id))
            .order_by(AuditEntry.seq)
        ).scalars()
    )


def mail_to(user) -> list[OutboxMessage]:
    return list(
        db.session.execute(
            select(OutboxMessage).where(OutboxMessage.user_id == user.id).order_by(OutboxMessage.id)
        ).scalars()
    )


def recommend(scene, procedure="accept", reason="It says it better.", **extra):
    found = recommendations.recommend(scene["secretariat"], scene["amendment"], procedure, reason, **extra)
    db.session.commit()
    return found


def test_a_recommendation_is_stored_audited_and_told_to_the_proposer(scene):
    found = recommend(scene, "reject", "The draft already says this.")
    assert (found.procedure, found.reason, found.answer) == (Procedure.REJECT, "The draft already says this.", None)
    assert "amendment.recommended" in audit_actions(scene["amendment"])
    mails = mail_to(scene["proposer"])
    assert [m.event for m in mails] == ["recommendation_made"]
    assert "The draft already says this." in mails[0].body_text and "reject" in mails[0].body_text


def test_the_proposer_is_told_in_their_language(scene):
    scene["proposer"].language = "fr"
    db.session.commit()
    recommend(scene, "vote", "La réunion décide.")
    mail = mail_to(scene["proposer"])[0]
    assert mail.language == "fr"
    assert "recommande" in mail.subject


@pytest.mark.parametrize("reason", ["", "   ", None, 7])
def test_a_reason_is_required(scene, reason):
    with pytest.raises(ValidationFailed) as refused:
        recommendations.recommend(scene["secretariat"], scene["amendment"], "accept", reason)
    assert "reason" in refused.value.fields
    db.session.rollback()
    assert scene["amendment"].recommendation is None and mail_to(scene["proposer"]) == []


def test_an_unknown_procedure_is_refused(scene):
    with pytest.raises(ValidationFailed) as refused:
        recommendations.recommend(scene["secretariat"], scene["amendment"], "maybe", "Why not.")
    assert "procedure" in refused.value.fields


@pytest.mark.parametrize("text, field", [(None, "text"), ("", "text"), (LISTEN, "text")])
def test_modified_needs_a_text_that_differs_from_the_draft(scene, text, field):
    with pytest.raises(ValidationFailed) as refused:
        recommendations.recommend(scene["secretariat"], scene["amendment"], "modified", "Better.", text=text)
    assert field in refused.value.fields


def test_modified_identical_to_the_amendment_is_refused(scene):
    with pytest.raises(ValidationFailed) as refused:
        recommendations.recommend(
            scene["secretariat"], scene["amendment"], "modified", "Better.", text=scene["amendment"].proposed_text
        )
    assert "text" in refused.value.fields


def test_a_text_or_a_covering_amendment_only_with_their_procedure(scene):
    with pytest.raises(ValidationFailed) as refused:
        recommendations.recommend(scene["secretariat"], scene["amendment"], "accept", "Good.", text=COMMITTEE)
    assert "text" in refused.value.fields
    with pytest.raises(ValidationFailed) as refused:
        recommendations.recommend(scene["secretariat"], scene["amendment"], "reject", "No.", covered_by_id=1)
    assert "covered_by_id" in refused.value.fields


def test_covered_by_must_be_another_open_amendment_of_the_same_document(scene):
    amendment = scene["amendment"]
    other_document = make_document("other")
    from tests.factories import open_amendments_round

    open_amendments_round(other_document)
    elsewhere = propose(scene["proposer"], other_document)
    withdrawn = propose(scene["colleague"], scene["document"], number=2, text="Every organisation is credited.")
    amendment_service.withdraw(scene["colleague"], withdrawn)
    db.session.commit()
    for bad in (amendment.id, elsewhere.id, withdrawn.id, 999_999, None, "1", True):
        with pytest.raises(ValidationFailed) as refused:
            recommendations.recommend(scene["secretariat"], amendment, "covered_by", "Same.", covered_by_id=bad)
        assert "covered_by_id" in refused.value.fields, bad
    db.session.rollback()
    assert amendment.recommendation is None


def test_covered_by_another_open_amendment_and_no_circles(scene):
    amendment = scene["amendment"]
    twin = propose(scene["colleague"], scene["document"], number=2, text="Every organisation is credited, always.")
    found = recommend(scene, "covered_by", "Twin says the same.", covered_by_id=twin.id)
    assert found.covered_by_id == twin.id
    with pytest.raises(ValidationFailed) as refused:
        recommendations.recommend(scene["secretariat"], twin, "covered_by", "Circle.", covered_by_id=amendment.id)
    assert "covered_by_id" in refused.value.fields


def test_only_an_open_amendment_gets_a_recommendation(scene):
    amendment_service.withdraw(scene["proposer"], scene["amendment"])
    db.session.commit()
    with pytest.raises(Conflict):
        recommendations.recommend(scene["secretariat"], scene["amendment"], "accept", "Good.")


def test_a_change_after_an_answer_clears_it_and_tells_the_proposer(scene):
    recommend(scene, "reject", "Not needed.")
    recommendations.answer(scene["colleague"], scene["amendment"], False, "We insist.")
    db.session.commit()
    assert scene["amendment"].recommendation.answer == Answer.OBJECT
    changed = recommend(scene, "accept", "On reflection, yes.")
    assert (changed.procedure, changed.answer, changed.answer_comment) == (Procedure.ACCEPT, None, None)
    assert db.session.scalar(select(db.func.count(Recommendation.id))) == 1
    last = mail_to(scene["proposer"])[-1]
    assert last.event == "recommendation_made" and "cleared" in last.body_text


def test_the_proposers_organisation_answers_once_audited_and_told(scene):
    recommend(scene, "vote", "The meeting decides.")
    found = recommendations.answer(scene["colleague"], scene["amendment"], True, "  Fine by us.  ")
    db.session.commit()
    assert (found.answer, found.answer_comment, found.answered_by_id) == (
        Answer.AGREE,
        "Fine by us.",
        scene["colleague"].id,
    )
    assert "amendment.recommendation_answered" in audit_actions(scene["amendment"])
    assert mail_to(scene["proposer"])[-1].event == "recommendation_answered"
    with pytest.raises(Conflict):
        recommendations.answer(scene["proposer"], scene["amendment"], False)


def test_no_answer_without_a_recommendation(scene):
    with pytest.raises(Conflict):
        recommendations.answer(scene["proposer"], scene["amendment"], True)


@pytest.mark.parametrize("agree", [None, "yes", 1])
def test_an_answer_must_be_a_boolean(scene, agree):
    recommend(scene)
    with pytest.raises(ValidationFailed):
        recommendations.answer(scene["proposer"], scene["amendment"], agree)
    assert scene["amendment"].recommendation.answer is None


def test_agreeing_to_modified_makes_the_committee_text_a_new_revision(scene):
    amendment = scene["amendment"]
    proposed = amendment.proposed_text
    recommend(scene, "modified", "Clearer wording.", text=COMMITTEE)
    recommendations.answer(scene["proposer"], amendment, True)
    db.session.commit()
    assert amendment.proposed_text == COMMITTEE
    assert [r.reason for r in amendment.revisions] == ["proposed", "recommendation"]
    assert amendment.revisions[0].proposed_text == proposed and amendment.revisions[1].proposed_text == COMMITTEE
    assert amendment.original_proposed_text == proposed
    assert "amendment.revised" in audit_actions(amendment)
    told = mail_to(scene["proposer"])[-1]
    assert told.event == "recommendation_answered"
    assert "The committee’s text is now the amendment’s proposed text." in told.body_text


def test_agreeing_to_modified_works_after_the_amendments_round_closed(scene):
    from principles_app.services import closing
    from principles_app.services.rounds import accepting_amendments

    closing.close_round(None, accepting_amendments(scene["document"]))
    db.session.commit()
    recommend(scene, "modified", "Clearer wording.", text=COMMITTEE)
    recommendations.answer(scene["proposer"], scene["amendment"], True)
    db.session.commit()
    assert scene["amendment"].proposed_text == COMMITTEE


def test_objecting_to_modified_keeps_the_amendments_text(scene):
    proposed = scene["amendment"].proposed_text
    recommend(scene, "modified", "Clearer wording.", text=COMMITTEE)
    recommendations.answer(scene["proposer"], scene["amendment"], False)
    db.session.commit()
    assert scene["amendment"].proposed_text == proposed and len(scene["amendment"].revisions) == 1


def test_a_deletion_cannot_be_modified(scene):
    deletion = propose(scene["proposer"], scene["document"], number=3, kind="delete")
    with pytest.raises(ValidationFailed) as refused:
        recommendations.recommend(scene["secretariat"], deletion, "modified", "Keep it.", text=COMMITTEE)
    assert "procedure" in refused.value.fields


def test_needs_vote_lists_vote_recommendations_and_objections(scene):
    document = scene["document"]
    objected = propose(scene["colleague"], document, number=2, text="Every organisation is credited, always.")
    agreed = propose(scene["colleague"], document, number=3, text="No partner exposes colleagues.")
    recommend(scene, "vote", "The meeting decides.")
    recommendations.recommend(scene["secretariat"], objected, "reject", "No.")
    recommendations.answer(scene["colleague"], objected, False)
    recommendations.recommend(scene["secretariat"], agreed, "reject", "No.")
    recommendations.answer(scene["colleague"], agreed, True)
    db.session.commit()
    listed = amendment_service.list_amendments(document, needs_vote=True)
    assert [a.id for a in listed] == [scene["amendment"].id, objected.id]
    assert [a.id for a in amendment_service.list_amendments(document, procedure="reject", answer="agree")] == [
        agreed.id
    ]
    assert needs_vote(Procedure.VOTE, None) and needs_vote("reject", "object") and not needs_vote("accept", "agree")
    assert needs_vote(None, None)
