"""Two merges on one document at the same instant: no gap, no duplicate, no lost update."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from principles_app.extensions import db
from principles_app.models import Amendment, Principle, Version
from principles_app.services import amendments as amendment_service
from tests.factories import make_document, make_user, open_amendments_round, propose

# Each thread merges on a connection of its own: the data must be committed.
pytestmark = pytest.mark.committed

TEXT = "Alpha beta gamma delta. Epsilon zeta eta theta. Iota kappa lambda mu. Nu xi omicron pi."


def test_two_simultaneous_merges_number_versions_without_gap_and_keep_both_changes(app):
    document = make_document(principles=[{"title": "Greek", "text": TEXT}])
    open_amendments_round(document)
    proposers = [make_user("member") for _ in range(3)]
    first = propose(proposers[0], document, text=TEXT.replace("beta", "BETA"))
    second = propose(proposers[1], document, text=TEXT.replace("kappa", "KAPPA"))
    sibling = propose(proposers[2], document, text=TEXT.replace("omicron", "OMICRON"))
    ids = [first.id, second.id]
    document_id, sibling_id = document.id, sibling.id
    db.session.remove()

    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def merge(amendment_id: int) -> None:
        with app.app_context():
            try:
                amendment = db.session.get(Amendment, amendment_id)
                barrier.wait(timeout=10)
                amendment_service.merge_amendment(None, amendment)
                db.session.commit()
            except BaseException as error:  # reported to the main thread
                db.session.rollback()
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=merge, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []

    versions = list(
        db.session.scalars(select(Version.number).where(Version.document_id == document_id).order_by(Version.number))
    )
    assert versions == [1, 2, 3]
    text = db.session.scalars(select(Principle.text).where(Principle.document_id == document_id)).one()
    assert "BETA" in text and "KAPPA" in text
    sibling = db.session.get(Amendment, sibling_id)
    if sibling.status == "open":
        assert sibling.base_text == text and sibling.base_version == 3
        assert (
            "OMICRON" in sibling.proposed_text and "BETA" in sibling.proposed_text and "KAPPA" in sibling.proposed_text
        )
    else:
        assert sibling.status == "conflicted"
    statuses = set(db.session.scalars(select(Amendment.status).where(Amendment.id.in_(ids))))
    assert statuses == {"merged"}


def test_a_withdrawal_racing_a_merge_never_overwrites_the_outcome(app):
    from principles_app.services.errors import Conflict

    document = make_document(principles=[{"title": "Greek", "text": TEXT}])
    open_amendments_round(document)
    proposer = make_user("member")
    amendment = propose(proposer, document, text=TEXT.replace("beta", "BETA"))
    amendment_id, proposer_id = amendment.id, proposer.id
    db.session.remove()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def act(action) -> None:
        with app.app_context():
            try:
                from principles_app.models import User

                target = db.session.get(Amendment, amendment_id)
                actor = db.session.get(User, proposer_id)
                barrier.wait(timeout=10)
                action(actor, target)
                db.session.commit()
                outcomes.append(action.__name__)
            except Conflict:
                db.session.rollback()
                outcomes.append("refused")
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=act, args=(fn,))
        for fn in (lambda actor, a: amendment_service.merge_amendment(None, a), amendment_service.withdraw)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert "refused" in outcomes and len(outcomes) == 2
    final = db.session.get(Amendment, amendment_id)
    versions = db.session.scalars(select(Version.number).where(Version.document_id == final.document_id)).all()
    assert (final.status, len(versions)) in {("merged", 2), ("withdrawn", 1)}
