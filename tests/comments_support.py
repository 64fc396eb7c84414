"""Minimal drafts rows for comment tests: a document, a principle, an amendment."""
from __future__ import annotations

import itertools

from sqlalchemy import event

from principles_app.db import utcnow
from principles_app.extensions import db
from principles_app.models import Amendment, Document, Principle, User

_counter = itertools.count(1)


def make_principle(document: Document | None = None, number: int = 1) -> Principle:
    """Create and commit a live principle (in a new document unless one is given)."""
    if document is None:
        n = next(_counter)
        document = Document(slug=f"doc-{n}", title=f"Document {n}", preamble="")
        db.session.add(document)
        db.session.flush()
    principle = Principle(document_id=document.id, number=number, title=f"Principle {number}",
                          text="Partners share power.")
    db.session.add(principle)
    db.session.commit()
    return principle


def make_amendment(proposer: User, principle: Principle | None = None) -> Amendment:
    """Create and commit an open amendment proposed by this user's organisation."""
    principle = principle or make_principle()
    amendment = Amendment(document_id=principle.document_id, kind="modify", principle_id=principle.id,
                          base_version=1, base_title=principle.title, base_text=principle.text,
                          proposed_title=principle.title, proposed_text="Partners share power and credit.",
                          original_proposed_title=principle.title,
                          original_proposed_text="Partners share power and credit.",
                          rationale="Credit matters.", proposer_id=proposer.id,
                          organisation_id=proposer.organisation_id)
    db.session.add(amendment)
    db.session.commit()
    return amendment


def delete_principle(principle: Principle) -> None:
    """Mark a principle as removed by a merged amendment."""
    principle.number = None
    principle.deleted_at = utcnow()
    db.session.commit()


class QueryCounter:
    """Count the SQL statements sent while the context is open."""

    def __init__(self, engine):
        self.engine = engine
        self.count = 0

    def _count(self, *args, **kwargs):
        self.count += 1

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._count)
