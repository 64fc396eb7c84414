"""The editorial procedure's first step: the secretariat recommends, the proposer's organisation answers.

Every recommendation and answer is audited and told to the proposer in their language. Agreeing to a
``modified`` recommendation revises the amendment to the committee's text through the ordinary
revision path, so its history keeps both texts.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from principles_app.db import utcnow
from principles_app.domain.amendments import AmendmentKind, AmendmentStatus
from principles_app.domain.procedure import Answer, Procedure
from principles_app.domain.publication import normalise
from principles_app.extensions import db
from principles_app.models import Amendment, Recommendation, User
from principles_app.services import amendments as amendment_service
from principles_app.services import audit, notifications
from principles_app.services.drafts import MAX_TEXT, check_text
from principles_app.services.errors import Conflict, ValidationFailed


def _check_reason(reason: Any) -> str:
    reason = normalise(reason) if isinstance(reason, str) else ""
    if not reason:
        raise ValidationFailed(fields={"reason": str(_l("Say why: give a reason."))})
    if len(reason) > MAX_TEXT:
        raise ValidationFailed(fields={"reason": str(_l("A text has at most 20,000 characters."))})
    return reason


def _check_comment(comment: Any) -> str | None:
    if comment is None:
        return None
    if not isinstance(comment, str):
        raise ValidationFailed(fields={"comment": str(_l("Give the comment as text."))})
    comment = normalise(comment).strip()
    if len(comment) > MAX_TEXT:
        raise ValidationFailed(fields={"comment": str(_l("A text has at most 20,000 characters."))})
    return comment or None


def _check_procedure(procedure: Any) -> Procedure:
    try:
        return Procedure(procedure)
    except ValueError:
        raise ValidationFailed(
            fields={"procedure": str(_l("Choose accept, reject, modified, covered by or vote."))}
        ) from None


def _check_modified_text(amendment: Amendment, text: Any) -> str:
    if amendment.kind == AmendmentKind.DELETE:
        raise ValidationFailed(
            fields={"procedure": str(_l("A deletion has no text to modify; recommend accept, reject or a vote."))}
        )
    text = check_text(text if isinstance(text, str) else None)
    if text == amendment.base_text:
        raise ValidationFailed(fields={"text": str(_l("The committee’s text is identical to the current text."))})
    if text == amendment.proposed_text:
        raise ValidationFailed(
            fields={"text": str(_l("The committee’s text is the amendment’s own text; recommend accept instead."))}
        )
    return text


def _check_covered_by(amendment: Amendment, covered_by_id: Any) -> int:
    field = "covered_by_id"
    if isinstance(covered_by_id, bool) or not isinstance(covered_by_id, int):
        raise ValidationFailed(fields={field: str(_l("Choose the amendment that covers this one."))})
    if covered_by_id == amendment.id:
        raise ValidationFailed(fields={field: str(_l("An amendment cannot be covered by itself."))})
    other = db.session.get(Amendment, covered_by_id)
    if other is None or other.document_id != amendment.document_id or other.status != AmendmentStatus.OPEN:
        raise ValidationFailed(fields={field: str(_l("Choose an open amendment of the same document."))})
    # Follow the chain: an amendment covered by one that is (in turn) covered by this one is a cycle.
    seen = {amendment.id}
    current = other
    while (
        current is not None
        and current.recommendation is not None
        and current.recommendation.procedure == Procedure.COVERED_BY
    ):
        if current.id in seen or current.recommendation.covered_by_id in seen:
            raise ValidationFailed(fields={field: str(_l("The amendments would cover each other in a circle."))})
        seen.add(current.id)
        current = db.session.get(Amendment, current.recommendation.covered_by_id)
    return other.id


def recommend(
    actor: User, amendment: Amendment, procedure: Any, reason: Any, text: Any = None, covered_by_id: Any = None
) -> Recommendation:
    """Record or change the secretariat's recommendation on an open amendment; a change clears an answer."""
    procedure = _check_procedure(procedure)
    reason = _check_reason(reason)
    if procedure == Procedure.MODIFIED:
        text = _check_modified_text(amendment, text)
    elif text is not None:
        raise ValidationFailed(fields={"text": str(_l("Give a text only with a modified recommendation."))})
    if procedure == Procedure.COVERED_BY:
        covered_by_id = _check_covered_by(amendment, covered_by_id)
    elif covered_by_id is not None:
        raise ValidationFailed(
            fields={"covered_by_id": str(_l("Name a covering amendment only with a covered-by recommendation."))}
        )
    amendment = amendment_service.lock(amendment)
    if amendment.status != AmendmentStatus.OPEN:
        raise Conflict(_l("Only an open amendment gets a recommendation."))
    recommendation = amendment.recommendation
    cleared = None
    now = utcnow()
    if recommendation is None:
        recommendation = Recommendation(
            amendment_id=amendment.id,
            procedure=procedure,
            reason=reason,
            text=text,
            covered_by_id=covered_by_id,
            user_id=actor.id,
            created_at=now,
            updated_at=now,
        )
        db.session.add(recommendation)
        amendment.recommendation = recommendation
    else:
        cleared = recommendation.answer
        recommendation.procedure, recommendation.reason = procedure, reason
        recommendation.text, recommendation.covered_by_id = text, covered_by_id
        recommendation.user_id, recommendation.updated_at = actor.id, now
        recommendation.answer = recommendation.answer_comment = None
        recommendation.answered_by_id = recommendation.answered_at = None
    db.session.flush()
    audit.record(
        "amendment.recommended",
        "amendment",
        amendment.id,
        {
            "procedure": procedure.value,
            "covered_by_id": covered_by_id,
            "modified_text": text is not None,
            "cleared_answer": cleared.value if cleared else None,
        },
        actor,
    )
    notifications.notify_recommendation(amendment, answer_cleared=cleared is not None)
    return recommendation


def answer(actor: User, amendment: Amendment, agree: Any, comment: Any = None) -> Recommendation:
    """Record the proposer's organisation's answer; agreeing to ``modified`` adopts the committee's text."""
    if not isinstance(agree, bool):
        raise ValidationFailed(fields={"agree": str(_l("Say whether you agree."))})
    comment = _check_comment(comment)
    amendment = amendment_service.lock(amendment)
    recommendation = amendment.recommendation
    if recommendation is None:
        raise Conflict(_l("There is no recommendation to answer yet."))
    if recommendation.answer is not None:
        raise Conflict(_l("Your organisation has answered this recommendation already."))
    if amendment.status != AmendmentStatus.OPEN:
        raise Conflict(_l("Only an open amendment's recommendation can be answered."))
    if agree and recommendation.procedure == Procedure.MODIFIED:
        amendment_service.revise(
            actor, amendment, text=recommendation.text, reason="recommendation", during_round=False
        )
    recommendation.answer = Answer.AGREE if agree else Answer.OBJECT
    recommendation.answer_comment = comment
    recommendation.answered_by_id = actor.id
    recommendation.answered_at = recommendation.updated_at = utcnow()
    db.session.flush()
    audit.record(
        "amendment.recommendation_answered",
        "amendment",
        amendment.id,
        {
            "answer": recommendation.answer.value,
            "procedure": recommendation.procedure.value,
            "organisation_id": actor.organisation_id,
        },
        actor,
    )
    notifications.notify_recommendation_answer(amendment)
    return recommendation


def get_recommendation(amendment: Amendment) -> Recommendation | None:
    """Return the amendment's recommendation, read fresh."""
    return db.session.execute(
        select(Recommendation).where(Recommendation.amendment_id == amendment.id)
    ).scalar_one_or_none()
