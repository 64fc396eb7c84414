"""Amendments: proposals, revisions, merges that make versions and rebase the siblings."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from principles_app.db import utcnow
from principles_app.domain.publication import canonical_json
from principles_app.extensions import db
from principles_app.models import Amendment, AuditEntry, Version
from principles_app.services import amendments as amendment_service
from principles_app.services import closing
from principles_app.services import drafts as draft_service
from principles_app.services import rounds as round_service
from principles_app.services.errors import Conflict, ValidationFailed
from tests.factories import make_document, make_user, open_amendments_round, principle, propose

TEXT = (
    "Partners listen to each other before they decide anything together. "
    "They meet in every region and they share what they learn with everyone."
)


@pytest.fixture
def draft():
    document = make_document(
        principles=[
            {"title": "Listen", "text": TEXT},
            {"title": "Credit", "text": "Every organisation is credited."},
            {"title": "Safety", "text": "Nobody is exposed."},
        ]
    )
    open_amendments_round(document)
    return document


@pytest.fixture
def members():
    return make_user("member"), make_user("member", region="asia_pacific")


def test_creating_a_document_makes_version_one_with_the_hash_of_its_canonical_form():
    document = make_document()
    version = draft_service.get_version(document, 1)
    assert document.current_version == 1
    assert version.sha256 == hashlib.sha256(canonical_json(version.snapshot)).hexdigest()
    assert [p["number"] for p in version.snapshot["principles"]] == [1, 2, 3]


def test_a_proposal_outside_an_open_amendments_round_is_refused_and_changes_nothing(members):
    document = make_document()
    with pytest.raises(Conflict):
        propose(members[0], document)
    db.session.rollback()
    assert db.session.scalar(select(func.count(Amendment.id))) == 0


def test_a_round_past_its_closing_time_takes_no_proposals_even_before_it_is_closed(draft, members):
    current = round_service.open_round_of(draft)
    current.closes_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    with pytest.raises(Conflict):
        propose(members[0], draft)


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"text": TEXT}, "text"),
        ({"rationale": "   "}, "rationale"),
        ({"text": "x" * 20_001}, "text"),
    ],
)
def test_bad_proposals_are_refused_with_the_field_named(draft, members, changes, field):
    with pytest.raises(ValidationFailed) as refused:
        propose(members[0], draft, **changes)
    assert field in refused.value.fields


def test_an_insert_after_a_principle_of_another_document_is_refused(draft, members):
    other = make_document(slug="other")
    with pytest.raises(ValidationFailed) as refused:
        amendment_service.propose(
            members[0],
            draft,
            "insert",
            "Because.",
            after_principle_id=principle(other, 1).id,
            title="New",
            text="Text.",
        )
    assert "after_principle_id" in refused.value.fields


def test_merging_makes_a_new_immutable_version_and_records_who_and_why(draft, members):
    amendment = propose(members[0], draft, text=TEXT.replace("listen to", "really listen to"))
    result = amendment_service.merge_amendment(None, amendment)
    db.session.commit()
    assert result.version.number == 2
    assert result.version.merged_amendment_ids == [amendment.id]
    assert principle(draft, 1).text.startswith("Partners really listen to")
    assert amendment.status == "merged" and amendment.merged_in_version == 2
    assert draft_service.get_version(draft, 1).snapshot["principles"][0]["text"] == TEXT
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"amendment.proposed", "amendment.merged", "version.created"} <= actions


def test_a_merged_amendment_rebases_its_siblings_cleanly_when_their_changes_are_disjoint(draft, members):
    first = propose(members[0], draft, text=TEXT.replace("listen to", "really listen to"))
    second = propose(members[1], draft, text=TEXT.replace("every region", "every single region"))
    result = amendment_service.merge_amendment(None, first)
    db.session.commit()
    assert result.rebased_ids == [second.id] and result.conflicted_ids == []
    assert second.status == "open" and second.base_version == 2
    assert second.base_text == principle(draft, 1).text
    assert "really listen to" in second.proposed_text and "every single region" in second.proposed_text
    assert [r.reason for r in second.revisions] == ["proposed", "rebased"]


def test_an_overlapping_sibling_becomes_conflicted_and_keeps_its_original_proposal(draft, members):
    first = propose(members[0], draft, text=TEXT.replace("listen to each other", "hear one another"))
    second = propose(members[1], draft, text=TEXT.replace("listen to each other", "consult each other"))
    original = second.proposed_text
    result = amendment_service.merge_amendment(None, first)
    db.session.commit()
    assert result.conflicted_ids == [second.id]
    assert second.status == "conflicted"
    assert second.proposed_text == original == second.original_proposed_text
    with pytest.raises(Conflict):
        amendment_service.merge_amendment(None, second)


def test_revising_a_conflicted_amendment_reopens_it_on_the_current_text(draft, members):
    first = propose(members[0], draft, text=TEXT.replace("listen to each other", "hear one another"))
    second = propose(members[1], draft, text=TEXT.replace("listen to each other", "consult each other"))
    amendment_service.merge_amendment(None, first)
    db.session.commit()
    current = principle(draft, 1).text
    amendment_service.revise(
        members[1], second, text=current.replace("hear one another", "hear and consult one another")
    )
    db.session.commit()
    assert second.status == "open" and second.base_version == 2 and second.base_text == current
    result = amendment_service.merge_amendment(None, second)
    assert result.version.number == 3


def test_deleting_a_principle_conflicts_every_amendment_to_it_and_renumbers_the_rest(draft, members):
    edit = propose(members[0], draft, number=2, text="Every organisation is always credited.")
    deletion = propose(members[1], draft, number=2, kind="delete")
    third_id = principle(draft, 3).id
    result = amendment_service.merge_amendment(None, deletion)
    db.session.commit()
    assert result.conflicted_ids == [edit.id] and edit.status == "conflicted"
    assert [p.id for p in draft_service.live_principles(draft)][-1] == third_id
    assert principle(draft, 2).id == third_id
    with pytest.raises(Conflict):
        amendment_service.revise(members[0], edit, text="Anything.")


def test_an_insert_takes_its_place_and_later_principles_move_down(draft, members):
    insertion = propose(members[0], draft, number=1, kind="insert", title="Be patient", text="Decisions take time.")
    result = amendment_service.merge_amendment(None, insertion)
    db.session.commit()
    titles = [p["title"] for p in result.version.snapshot["principles"]]
    assert titles == ["Listen", "Be patient", "Credit", "Safety"]
    assert insertion.principle_id == principle(draft, 2).id


def test_final_amendments_cannot_be_merged_revised_or_withdrawn(draft, members):
    amendment = propose(members[0], draft)
    amendment_service.withdraw(members[0], amendment)
    db.session.commit()
    for action in (
        lambda: amendment_service.merge_amendment(None, amendment),
        lambda: amendment_service.revise(members[0], amendment, text="Other."),
        lambda: amendment_service.withdraw(members[0], amendment),
        lambda: amendment_service.reject(None, amendment),
    ):
        with pytest.raises(Conflict):
            action()
        db.session.rollback()


def test_co_sponsoring_twice_is_a_conflict(draft, members):
    amendment = propose(members[0], draft)
    amendment_service.cosponsor(members[1], amendment)
    db.session.commit()
    with pytest.raises(Conflict):
        amendment_service.cosponsor(members[1], amendment)
    db.session.rollback()
    assert len(amendment.cosponsors) == 1


def test_competing_amendments_are_shown_both_ways_and_disjoint_ones_are_not(draft, members):
    first = propose(members[0], draft, text=TEXT.replace("listen to", "really listen to"))
    second = propose(members[1], draft, text=TEXT.replace("listen to", "hear"))
    third = propose(members[1], draft, text=TEXT.replace("everyone", "all partners"))
    assert amendment_service.competing_with(first) == [second.id]
    assert amendment_service.competing_with(second) == [first.id]
    assert amendment_service.competing_with(third) == []


def test_an_amendment_names_the_lines_it_touches(app, draft, members):
    app.config["LINE_WIDTH"] = 40
    amendment = propose(members[0], draft, text=TEXT.replace("everyone", "all partners"))
    first, last = amendment_service.amendment_lines(amendment)
    assert first == last and first > 1


def test_one_open_round_per_document(draft):
    second = round_service.create_round(None, draft, "amendments", "Again", utcnow() + timedelta(days=3))
    with pytest.raises(Conflict):
        closing.open_round(None, second)


def test_a_closed_round_cannot_be_reopened_or_extended(draft):
    current = round_service.open_round_of(draft)
    closing.close_round(None, current)
    db.session.commit()
    with pytest.raises(Conflict):
        closing.open_round(None, current)
    with pytest.raises(Conflict):
        round_service.extend_round(None, current, utcnow() + timedelta(days=30))


def test_versions_of_a_document_number_without_gaps(draft, members):
    for word in ("alpha", "beta", "gamma"):
        amendment = propose(members[0], draft, number=2, text=f"Every organisation is credited {word}.")
        amendment_service.merge_amendment(None, amendment)
        db.session.commit()
    numbers = db.session.scalars(select(Version.number).where(Version.document_id == draft.id).order_by(Version.number))
    assert list(numbers) == [1, 2, 3, 4]
