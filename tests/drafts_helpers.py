"""Build documents, open amendments rounds and amendments for tests."""
from __future__ import annotations

from datetime import timedelta

from principles_app.db import utcnow
from principles_app.extensions import db
from principles_app.services import amendments as amendment_service
from principles_app.services import closing
from principles_app.services import drafts as draft_service
from principles_app.services import rounds as round_service

PRINCIPLES = [
    {"title": "Listen first", "text": "Partners listen to each other before they decide anything together."},
    {"title": "Share credit", "text": "Every organisation that contributes is named and credited for its work."},
    {"title": "Keep people safe", "text": "No partner publishes information that could expose colleagues on the ground."},
]


def make_document(slug: str = "charter", principles=None, actor=None):
    """Create and commit a document as version 1."""
    document = draft_service.create_document(actor, slug, "Our charter", "We agree on this.",
                                             principles or PRINCIPLES)
    db.session.commit()
    return document


def open_amendments_round(document, days: int = 14):
    """Create, open and commit an amendments round of the document."""
    created = round_service.create_round(None, document, "amendments", "Amendments", utcnow() + timedelta(days=days))
    closing.open_round(None, created)
    db.session.commit()
    return created


def principle(document, number: int):
    """Return the live principle with that number."""
    return draft_service.live_principles(document)[number - 1]


def propose(user, document, number: int = 1, text: str | None = None, kind: str = "modify", **extra):
    """Propose and commit an amendment."""
    target = principle(document, number)
    if kind == "modify" and text is None and "title" not in extra:
        text = target.text.replace("each other", "each other carefully")
    if kind == "insert":
        amendment = amendment_service.propose(user, document, "insert", extra.pop("rationale", "Because."),
                                              after_principle_id=target.id, title=extra.pop("title", "New"),
                                              text=text or "A new principle.")
    else:
        amendment = amendment_service.propose(user, document, kind, extra.pop("rationale", "Because."),
                                              principle_id=target.id, text=text, **extra)
    db.session.commit()
    return amendment
