"""The demo's voting history: one amendment voted and merged, the draft adopted, a new draft under way."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from principles_app.db import utcnow
from principles_app.domain.amendments import AmendmentStatus
from principles_app.domain.rounds import RoundKind, RoundState
from principles_app.extensions import db
from principles_app.models import Amendment, Document, Role, Round, User
from principles_app.services import ballots, closing, motions
from principles_app.services import rounds as round_service


def _secretariat(network: dict[str, Any]) -> User | None:
    email = next((u["email"] for u in network["users"] if u["role"] == "secretariat"), None)
    return db.session.execute(select(User).where(User.email == (email or "").lower())).scalar_one_or_none()


# The demo network has delegates for only some members (and creates no others), so its past rounds
# were held with a lower quorum; real rounds default to 0.5.
DEMO_QUORUM = Decimal("0.25")


def _delegates(target: Round) -> list[User]:
    """Return one demo delegate per organisation of the electorate that has one."""
    delegates = []
    for elector in motions.electorate_of(target):
        user = db.session.execute(
            select(User)
            .where(User.organisation_id == elector.organisation_id, User.role == Role.MEMBER, User.active.is_(True))
            .order_by(User.id)
            .limit(1)
        ).scalar_one_or_none()
        if user is not None:
            delegates.append(user)
    return delegates


def _vote(target: Round, pattern: dict[int, str], modulus: int, absent: int) -> None:
    """Cast the demo ballots: most say yes, a few no or abstain, one in `absent` does not vote."""
    for motion in motions.motions_of(target):
        for i, delegate in enumerate(_delegates(target)):
            if absent and i % absent == absent - 1:
                continue
            ballots.cast_ballot(delegate, motion.id, pattern.get(i % modulus, "yes"))


def load_votes(network: dict[str, Any]) -> None:
    """Vote the first amendment in, adopt the result, and open a fresh amendments round; once."""
    slug = (network.get("document") or {}).get("slug")
    document = db.session.execute(select(Document).where(Document.slug == slug)).scalar_one_or_none()
    actor = _secretariat(network)
    if document is None or actor is None:
        return
    adopted = db.session.execute(
        select(Round.id).where(
            Round.document_id == document.id, Round.kind == RoundKind.ADOPTION, Round.state == RoundState.CLOSED
        )
    ).first()
    if adopted is not None:
        return
    first = db.session.execute(
        select(Amendment)
        .where(Amendment.document_id == document.id, Amendment.status == AmendmentStatus.OPEN)
        .order_by(Amendment.id)
        .limit(1)
    ).scalar_one_or_none()
    current = round_service.open_round_of(document)
    if current is not None:
        closing.close_round(actor, current)
    if first is not None:
        vote = round_service.create_round(
            actor, document, "voting", "Vote on the consent amendment", utcnow() + timedelta(days=7), quorum=DEMO_QUORUM
        )
        motions.put_motion(actor, vote, first)
        closing.open_round(actor, vote)
        _vote(vote, {3: "no"}, 7, 0)
        closing.close_round(actor, vote)
    adoption = round_service.create_round(
        actor,
        document,
        "adoption",
        "Adoption at the General Meeting, Berlin 2024",
        utcnow() + timedelta(days=2),
        quorum=DEMO_QUORUM,
    )
    closing.open_round(actor, adoption)
    _vote(adoption, {4: "abstain"}, 9, 0)
    closing.close_round(actor, adoption)
    fresh = round_service.create_round(
        actor, document, "amendments", "Amendments for the next edition", utcnow() + timedelta(days=21)
    )
    closing.open_round(actor, fresh)
