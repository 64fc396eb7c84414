"""The demo draft: the document as version 1, an amendments round, and the demo amendments."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from principles_app.db import utcnow
from principles_app.domain.amendments import AmendmentKind
from principles_app.domain.publication import normalise
from principles_app.domain.rounds import RoundKind
from principles_app.extensions import db
from principles_app.models import Amendment, Document, User
from principles_app.services import amendments as amendment_service
from principles_app.services import closing
from principles_app.services import drafts as draft_service
from principles_app.services import rounds as round_service


def load_draft(network: dict[str, Any]) -> None:
    """Create the demo document as version 1, open an amendments round and propose the demo amendments."""
    spec = network["document"]
    document = db.session.execute(select(Document).where(Document.slug == spec["slug"])).scalar_one_or_none()
    if document is None:
        document = draft_service.create_document(
            None, spec["slug"], spec["title"], spec.get("preamble"), spec["principles"]
        )
    if not any(r.kind == RoundKind.AMENDMENTS for r in round_service.list_rounds(document)):
        opened = round_service.create_round(
            None, document, "amendments", "Amendments to the draft", utcnow() + timedelta(days=14)
        )
        closing.open_round(None, opened)
    if round_service.accepting_amendments(document) is None:
        return
    principles = draft_service.live_principles(document)
    for item in network.get("amendments", []):
        proposer = db.session.execute(select(User).where(User.email == item["proposer"].lower())).scalar_one()
        existing = db.session.execute(
            select(Amendment.id).where(
                Amendment.document_id == document.id,
                Amendment.proposer_id == proposer.id,
                Amendment.original_proposed_text == normalise(item.get("text") or ""),
            )
        ).first()
        if existing is not None:
            continue
        target = principles[item["principle"] - 1]
        if item["kind"] == AmendmentKind.INSERT:
            amendment_service.propose(
                proposer,
                document,
                AmendmentKind.INSERT,
                item["rationale"],
                after_principle_id=target.id,
                title=item.get("title"),
                text=item.get("text"),
            )
        else:
            amendment_service.propose(
                proposer,
                document,
                item["kind"],
                item["rationale"],
                principle_id=target.id,
                title=item.get("title"),
                text=item.get("text"),
            )
