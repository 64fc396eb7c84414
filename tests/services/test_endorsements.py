"""The endorsement use cases and the database's last word on one endorsement per organisation."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from principles_app.extensions import db
from principles_app.services import endorsements as endorsement_service
from principles_app.services.endorsements import Verification
from principles_app.services.errors import Conflict, Gone
from tests.factories import (
    adopt,
    adopted_document,
    approved_endorsement,
    endorsement_fields,
    make_user,
    merge_amendment,
    publish,
)


@pytest.fixture
def scenario(app):
    scenario = adopted_document()
    scenario.publication = publish(scenario)
    return scenario


@pytest.fixture
def publication(scenario):
    return scenario.publication


def test_the_database_refuses_a_second_holding_endorsement_of_the_same_organisation(publication):
    first = approved_endorsement(publication, "Lagos Media")
    second, _token = endorsement_service.start_endorsement(publication, endorsement_fields("LAGOS\u200bmedia"), "en")
    assert second.name_key == first.name_key
    second.state = "verified"
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.flush()


def test_a_rejected_or_withdrawn_endorsement_does_not_hold_the_place(publication):
    first = approved_endorsement(publication, "Lagos Media")
    first.state = "withdrawn"
    db.session.commit()
    _again, token = endorsement_service.start_endorsement(publication, endorsement_fields("Lagos Media"), "en")
    endorsement, verification = endorsement_service.verify_endorsement(token)
    assert verification == Verification.VERIFIED and endorsement.state == "verified"


def test_the_same_organisation_may_endorse_each_publication_once(scenario, publication):
    approved_endorsement(publication, "Lagos Media")
    merge_amendment(scenario, "Principle title 2", "A better principle 2.", number=2)
    later = publish(scenario, "2.0", adopt(scenario))
    _pending, token = endorsement_service.start_endorsement(later, endorsement_fields("Lagos Media"), "en")
    assert endorsement_service.verify_endorsement(token)[1] == Verification.VERIFIED


def test_a_pending_endorsement_cannot_be_decided_and_a_link_works_once(publication):
    pending, token = endorsement_service.start_endorsement(publication, endorsement_fields(), "en")
    with pytest.raises(Conflict):
        endorsement_service.approve_endorsement(make_user("secretariat"), pending)
    endorsement_service.verify_endorsement(token)
    with pytest.raises(Gone):
        endorsement_service.verify_endorsement(token)
    for token in (None, 5, "", "x" * 500, "y" * 43):
        with pytest.raises(Gone):
            endorsement_service.withdrawable(token)


def test_only_approved_endorsements_are_read_publicly_newest_first(publication):
    older = approved_endorsement(publication, "Older Org")
    newer = approved_endorsement(publication, "Newer Org", email="n@example.org")
    endorsement_service.start_endorsement(publication, endorsement_fields("Pending Org", email="p@example.org"), "en")
    listed = endorsement_service.approved_endorsements([publication.id])
    assert [e.id for e in listed] == [newer.id, older.id]
    assert "email" not in endorsement_service.public_fields(newer)
    before = endorsement_service.endorsement_fingerprint([publication.id])
    newer.state = "withdrawn"
    db.session.commit()
    assert endorsement_service.endorsement_fingerprint([publication.id]) != before
