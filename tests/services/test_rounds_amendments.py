"""Amendments rounds: one open per document (by the database), the server's clock decides."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from principles_app.db import utcnow
from principles_app.extensions import db
from principles_app.models import AuditEntry, Round
from principles_app.services import closing
from principles_app.services import rounds as round_service
from principles_app.services.errors import Conflict
from tests.factories import make_document, open_amendments_round


def test_the_database_refuses_a_second_open_round_of_a_document():
    document = make_document()
    open_amendments_round(document)
    db.session.add(
        Round(
            document_id=document.id, kind="voting", title="Sneaky", state="open", closes_at=utcnow() + timedelta(days=1)
        )
    )
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_open_rounds_of_different_documents_do_not_collide():
    open_amendments_round(make_document(slug="one"))
    open_amendments_round(make_document(slug="two"))
    assert len(db.session.scalars(select(Round).where(Round.state == "open")).all()) == 2


def test_due_rounds_are_closed_and_running_it_again_changes_nothing():
    document = make_document()
    current = open_amendments_round(document)
    current.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert closing.close_due_rounds() == [current.id]
    assert closing.close_due_rounds() == []
    db.session.refresh(current)
    assert current.state == "closed" and round_service.accepting_amendments(document) is None


def test_closing_a_closed_round_again_is_a_conflict():
    current = open_amendments_round(make_document())
    closing.close_round(None, current)
    db.session.commit()
    with pytest.raises(Conflict):
        closing.close_round(None, current)


def test_every_round_change_is_audited():
    document = make_document()
    current = open_amendments_round(document)
    round_service.extend_round(None, current, current.closes_at + timedelta(days=2))
    closing.close_round(None, current)
    db.session.commit()
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.object_type == "round").order_by(AuditEntry.seq)
    ).all()
    assert actions == ["round.created", "round.opened", "round.extended", "round.closed"]
