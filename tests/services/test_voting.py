"""Voting rounds as the secretariat and delegates live them: electorate, ballots, results, effects."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from principles_app.db import utcnow
from principles_app.domain.amendments import AmendmentStatus
from principles_app.extensions import db
from principles_app.models import (
    AuditEntry,
    Ballot,
    BallotChange,
    ElectorateMember,
    Round,
)
from principles_app.services import amendments as amendment_service
from principles_app.services import ballots as ballot_service
from principles_app.services import closing
from principles_app.services import motions as motion_service
from principles_app.services import organisations as org_service
from principles_app.services import results as result_service
from principles_app.services import rounds as round_service
from principles_app.services.errors import Conflict, Forbidden, ValidationFailed
from tests.factories import make_organisation, make_scene, make_user, voting_round


def _cast(user, motion, choice, **kw):
    result = ballot_service.cast_ballot(user, motion.id, choice, **kw)
    db.session.commit()
    return result


def _close(target: Round) -> None:
    closing.close_round(None, target)
    db.session.commit()


def test_opening_a_voting_round_freezes_its_electorate():
    scene = make_scene(weights=("1", "2.5", "0"))
    make_organisation(category="ally", weight="4")
    make_organisation(weight="3", active=False)
    target = voting_round(scene)
    electors = motion_service.electorate_of(target)
    assert {e.organisation_id for e in electors} == {scene.organisations[0].id, scene.organisations[1].id}
    # A later change of weight does not touch the round.
    org_service.update_organisation(scene.secretariat, scene.organisations[0], vote_weight=Decimal(9))
    db.session.commit()
    weights = {e.organisation_id: e.weight for e in motion_service.electorate_of(target)}
    assert weights[scene.organisations[0].id] == Decimal("1.0000")


def test_changing_a_ballot_keeps_one_ballot_a_new_receipt_and_the_history():
    scene = make_scene()
    target = voting_round(scene)
    motion = motion_service.motions_of(target)[0]
    first = _cast(scene.delegates[1], motion, "yes")
    first_receipt = first.receipt
    assert first.weight == Decimal("2.0000") and len(first_receipt) >= 22
    colleague = make_user("member", organisation=scene.organisations[1])
    second = _cast(colleague, motion, "no")
    assert second.receipt != first_receipt and second.previous_choice == "yes"
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 1
    history = ballot_service.ballot_history(scene.delegates[1], motion)
    assert [(h.from_choice, h.to_choice, h.user_id) for h in history] == [
        (None, "yes", scene.delegates[1].id),
        ("yes", "no", colleague.id),
    ]
    _close(target)
    receipts = [entry["receipt"] for entry in result_service.result_for(motion)["bulletin"]]
    assert receipts == [second.receipt]  # the first receipt is void


@pytest.mark.parametrize("who", ["observer", "secretariat", "ally", "inactive", "zero_weight", "outsider"])
def test_only_delegates_of_organisations_in_the_electorate_vote(who):
    scene = make_scene(weights=("1", "0"))
    inactive = make_organisation(weight="1")
    inactive_delegate = make_user("member", organisation=inactive)
    target = voting_round(scene)
    motion = motion_service.motions_of(target)[0]
    org_service.update_organisation(scene.secretariat, inactive, active=False)
    db.session.commit()
    user = {
        "observer": lambda: make_user("observer"),
        "secretariat": lambda: scene.secretariat,
        "ally": lambda: make_user("observer", organisation=make_organisation(category="donor", weight="1")),
        "inactive": lambda: inactive_delegate,
        "zero_weight": lambda: scene.delegates[1],
        "outsider": lambda: make_user("member", organisation=make_organisation(weight="5")),
    }[who]()
    with pytest.raises(Forbidden):
        ballot_service.cast_ballot(user, motion.id, "yes")
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 0


def test_a_ballot_at_or_after_the_closing_time_is_refused_even_before_anyone_closes():
    scene = make_scene()
    target = voting_round(scene)
    motion = motion_service.motions_of(target)[0]
    with pytest.raises(Conflict):
        ballot_service.cast_ballot(scene.delegates[0], motion.id, "yes", now=target.closes_at)
    db.session.rollback()
    _cast(scene.delegates[0], motion, "yes", now=target.closes_at - timedelta(microseconds=1))


def test_a_closed_round_takes_no_ballots_and_bad_choices_are_refused():
    scene = make_scene()
    target = voting_round(scene)
    motion = motion_service.motions_of(target)[0]
    with pytest.raises(ValidationFailed):
        ballot_service.cast_ballot(scene.delegates[0], motion.id, "maybe")
    _close(target)
    with pytest.raises(Conflict):
        ballot_service.cast_ballot(scene.delegates[0], motion.id, "yes")


def test_while_open_only_participation_shows_and_at_close_the_full_tally():
    scene = make_scene(weights=("1", "2", "3"), regions=("africa", "africa", "mena"))
    target = voting_round(scene)
    motion = motion_service.motions_of(target)[0]
    _cast(scene.delegates[0], motion, "yes")
    _cast(scene.delegates[1], motion, "no")
    during = result_service.result_for(motion)
    assert set(during) == {"motion_id", "state", "participation"}
    assert during["state"] == "open"
    assert during["participation"]["count"] == 2 and during["participation"]["weight"] == "3.0000"
    assert during["participation"]["by_region"]["mena"] == {
        "count": 0,
        "weight": "0.0000",
        "eligible_count": 1,
        "eligible_weight": "3.0000",
    }
    _close(target)
    after = result_service.result_for(motion)
    assert after["state"] == "closed"
    assert after["tally"]["yes"] == {"count": 1, "weight": "1.0000"}
    assert after["tally"]["no"] == {"count": 1, "weight": "2.0000"}
    assert after["passed"] is False and after["quorum_reached"] is True
    assert after["by_region"]["mena"]["no_participation"] is True
    assert "no_participation" not in after["by_region"]["africa"]
    assert {entry["organisation"] for entry in after["bulletin"]} == {o.name for o in scene.organisations[:2]}


def test_a_secret_round_never_ties_a_choice_to_an_organisation():
    scene = make_scene()
    target = voting_round(scene, secrecy="secret")
    motion = motion_service.motions_of(target)[0]
    _cast(scene.delegates[0], motion, "yes")
    _cast(scene.delegates[0], motion, "abstain")
    _close(target)
    result = result_service.result_for(motion)
    assert result["bulletin"] and all(set(entry) == {"receipt", "choice"} for entry in result["bulletin"])
    ballot_entries = db.session.execute(select(AuditEntry).where(AuditEntry.action.like("ballot.%"))).scalars().all()
    assert len(ballot_entries) == 2
    for entry in ballot_entries:
        assert "choice" not in entry.payload and "from" not in entry.payload


def test_a_tie_never_passes_and_the_amendment_is_rejected():
    scene = make_scene(weights=("2", "2"))
    target = voting_round(scene)
    motion = motion_service.motions_of(target)[0]
    _cast(scene.delegates[0], motion, "yes")
    _cast(scene.delegates[1], motion, "no")
    _close(target)
    db.session.refresh(motion)
    assert (motion.outcome, motion.effect) == ("failed", "rejected")
    assert scene.amendments[0].status == AmendmentStatus.REJECTED


def test_closing_merges_passed_motions_in_order_and_reports_a_conflicted_one():
    scene = make_scene(weights=("1", "1", "1"), amendments=0)
    drafting = round_service.create_round(
        scene.secretariat, scene.document, "amendments", "Drafting", utcnow() + timedelta(days=1)
    )
    closing.open_round(scene.secretariat, drafting)
    principle = scene.document.principles[0]
    first = amendment_service.propose(
        scene.delegates[0],
        scene.document,
        "modify",
        "Why",
        principle_id=principle.id,
        text="We listen to everyone before we decide.",
    )
    clashing = amendment_service.propose(
        scene.delegates[1],
        scene.document,
        "modify",
        "Why",
        principle_id=principle.id,
        text="We listen to members only.",
    )
    other = amendment_service.propose(
        scene.delegates[2],
        scene.document,
        "modify",
        "Why",
        principle_id=scene.document.principles[1].id,
        text="Every organisation that contributes is named.",
    )
    closing.close_round(scene.secretariat, drafting)
    db.session.commit()
    scene.amendments = [first, clashing, other]
    target = voting_round(scene)
    motions = motion_service.motions_of(target)
    for delegate in scene.delegates:
        for motion in motions[:2]:
            _cast(delegate, motion, "yes")
        _cast(delegate, motions[2], "no")
    _close(target)
    summary = result_service.round_summary(target)
    assert [(s["amendment_id"], s["outcome"], s["effect"]) for s in summary] == [
        (first.id, "passed", "merged"),
        (clashing.id, "passed", "conflicted"),
        (other.id, "failed", "rejected"),
    ]
    assert scene.document.current_version == 2
    assert clashing.status == AmendmentStatus.CONFLICTED


def test_an_adoption_round_gets_its_one_motion_and_a_pass_makes_the_version_adoptable():
    scene = make_scene(weights=("2", "1", "1"), amendments=0)
    target = voting_round(scene, kind="adoption")
    assert target.majority == "two_thirds"
    [motion] = motion_service.motions_of(target)
    assert motion.version_number == scene.document.current_version
    with pytest.raises(Conflict):
        motion_service.put_motion(scene.secretariat, target, None)  # type: ignore[arg-type]
    db.session.rollback()
    _cast(scene.delegates[0], motion, "yes")
    _cast(scene.delegates[1], motion, "no")
    assert result_service.passed_adoption_motion(scene.document.id, 1) is None
    _close(target)
    assert result_service.passed_adoption_motion(scene.document.id, 1).id == motion.id  # 2/3 exactly passes
    summary = result_service.adoption_summary(motion)
    assert summary["passed"] is True and summary["majority"] == "two_thirds"
    assert summary["weights"] == {
        "yes": "2.0000",
        "no": "1.0000",
        "abstain": "0.0000",
        "eligible": "4.0000",
        "participation": "3.0000",
    }
    assert summary["counts"]["participation"] == 2 and summary["closed_at"]


def test_close_due_closes_each_due_round_once():
    scene = make_scene()
    target = voting_round(scene)
    motion = motion_service.motions_of(target)[0]
    _cast(scene.delegates[2], motion, "yes")
    assert closing.close_due_rounds(utcnow()) == []
    later = target.closes_at + timedelta(seconds=1)
    assert closing.close_due_rounds(later) == [target.id]
    assert closing.close_due_rounds(later) == []
    db.session.refresh(motion)
    assert motion.outcome == "passed" and motion.effect == "merged"
    decided = db.session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "motion.decided")
    )
    assert decided == 2


def test_putting_motions_is_checked():
    scene = make_scene(amendments=3)
    target = voting_round(scene, motions=False, open_it=False)
    motion_service.put_motion(scene.secretariat, target, scene.amendments[0])
    db.session.commit()
    with pytest.raises(Conflict):
        motion_service.put_motion(scene.secretariat, target, scene.amendments[0])
    db.session.rollback()
    amendment_service.withdraw(scene.amendments[1].proposer, scene.amendments[1])
    with pytest.raises(Conflict):
        motion_service.put_motion(scene.secretariat, target, scene.amendments[1])
    db.session.rollback()
    closing.open_round(scene.secretariat, target)
    second = motion_service.put_motion(scene.secretariat, target, scene.amendments[2])  # while open is fine
    assert second.position == 2
    assert db.session.scalar(select(func.count()).select_from(ElectorateMember)) == 3
    assert db.session.scalar(select(func.count()).select_from(BallotChange)) == 0


def test_the_close_due_command_closes_rounds_past_their_time(app):
    scene = make_scene()
    target = voting_round(scene)
    runner = app.test_cli_runner()
    assert "Closed 0 round(s)." in runner.invoke(args=["rounds", "close-due"]).output
    db.session.execute(
        Round.__table__.update().where(Round.id == target.id).values(closes_at=utcnow() - timedelta(minutes=1))
    )
    db.session.commit()
    result = runner.invoke(args=["rounds", "close-due"])
    assert result.exit_code == 0 and f"Closed 1 round(s): {target.id}." in result.output
    db.session.expire_all()
    assert db.session.get(Round, target.id).state == "closed"
