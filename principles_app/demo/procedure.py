"""The demo's editorial procedure: the secretariat's recommendations on the open demo amendments, and answers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from principles_app.domain.amendments import AmendmentStatus
from principles_app.domain.publication import normalise
from principles_app.extensions import db
from principles_app.models import Amendment, Document, User
from principles_app.services import recommendations


def _user(email: str) -> User | None:
    return db.session.execute(select(User).where(User.email == email.lower())).scalar_one_or_none()


def load_recommendations(network: dict[str, Any]) -> None:
    """Recommend on each open demo amendment that says how, and answer as its proposer; once."""
    slug = (network.get("document") or {}).get("slug")
    document = db.session.execute(select(Document).where(Document.slug == slug)).scalar_one_or_none()
    secretariat = next((_user(u["email"]) for u in network.get("users", []) if u["role"] == "secretariat"), None)
    if document is None or secretariat is None:
        return
    for item in network.get("amendments", []):
        wanted = item.get("recommendation")
        proposer = _user(item["proposer"])
        if wanted is None or proposer is None:
            continue
        amendment = db.session.execute(
            select(Amendment).where(
                Amendment.document_id == document.id,
                Amendment.proposer_id == proposer.id,
                Amendment.original_proposed_text == normalise(item.get("text") or ""),
            )
        ).scalar_one_or_none()
        if amendment is None or amendment.status != AmendmentStatus.OPEN or amendment.recommendation is not None:
            continue
        recommendations.recommend(
            secretariat, amendment, wanted["procedure"], wanted["reason"], text=wanted.get("text")
        )
        if "answer" in wanted:
            recommendations.answer(proposer, amendment, wanted["answer"] == "agree", wanted.get("comment"))
