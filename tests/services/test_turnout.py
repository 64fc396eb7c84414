"""Who has voted, reminders to those who have not, and ballots the secretariat enters from paper."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from principles_app.extensions import db
from principles_app.models import AuditEntry, Ballot, BallotChange, MotionReminder, OutboxMessage
from principles_app.services import ballots as ballot_service
from principles_app.services import closing, turnout
from principles_app.services import motions as motion_service
from principles_app.services.errors import Conflict, Forbidden, NotFound, RateLimited, ValidationFailed
from tests.factories import make_organisation, make_scene, make_user, voting_round


@pytest.fixture
def scene():
    return make_scene(weights=("1", "2", "3"), regions=("africa", "europe_central_asia", "mena"))


def _first_motion(target):
    return motion_service.motions_of(target)[0]


def _outbox():
    """Return the reminders queued (round opening queues messages of its own)."""
    return (
        db.session.execute(
            select(OutboxMessage).where(OutboxMessage.event == "motion_reminder").order_by(OutboxMessage.id)
        )
        .scalars()
        .all()
    )


def test_the_secretariat_sees_who_has_voted_but_never_what(scene):
    target = voting_round(scene)
    motion = _first_motion(target)
    ballot_service.cast_ballot(scene.delegates[1], motion.id, "no")
    rows = turnout.participation_of(scene.secretariat, motion)
    assert {row.organisation_id: row.voted for row in rows} == {
        scene.organisations[0].id: False,
        scene.organisations[1].id: True,
        scene.organisations[2].id: False,
    }
    assert [row.name for row in rows] == sorted(row.name for row in rows)
    assert all(set(vars(row)) == {"organisation_id", "name", "voted"} for row in rows)
    assert [row.organisation_id for row in turnout.not_voted(scene.secretariat, motion)] == [
        row.organisation_id for row in rows if not row.voted
    ]


def test_an_organisation_outside_the_electorate_is_not_listed(scene):
    target = voting_round(scene)
    late = make_organisation("Joined Later", weight="5")
    db.session.commit()
    ids = {row.organisation_id for row in turnout.participation_of(scene.secretariat, _first_motion(target))}
    assert late.id not in ids and len(ids) == 3


@pytest.mark.parametrize("role", ["member", "observer"])
def test_only_the_secretariat_sees_participation_or_reminds(scene, role):
    target = voting_round(scene)
    user = scene.delegates[0] if role == "member" else make_user("observer")
    with pytest.raises(Forbidden):
        turnout.participation_of(user, _first_motion(target))
    with pytest.raises(Forbidden):
        turnout.send_reminder(user, _first_motion(target))
    assert _outbox() == [] and db.session.scalar(select(func.count()).select_from(MotionReminder)) == 0


def test_a_reminder_reaches_every_user_of_the_organisations_yet_to_vote_in_their_language_and_zone(scene):
    target = voting_round(scene)
    motion = _first_motion(target)
    ballot_service.cast_ballot(scene.delegates[0], motion.id, "yes")
    arabic = scene.delegates[2]
    arabic.language, arabic.time_zone = "ar", "Africa/Tunis"
    colleague = make_user("member", organisation=scene.organisations[1])
    colleague.language, colleague.time_zone = "es", "America/Bogota"
    inactive = make_user("member", organisation=scene.organisations[1])
    inactive.active = False
    db.session.flush()
    sent = turnout.send_reminder(scene.secretariat, motion)
    assert sorted(sent.organisation_ids) == sorted([scene.organisations[1].id, scene.organisations[2].id])
    reminders = _outbox()
    assert sorted(m.user_id for m in reminders) == sorted([scene.delegates[1].id, colleague.id, arabic.id])
    assert sent.recipients == 3
    by_user = {m.user_id: m for m in reminders}
    assert by_user[arabic.id].language == "ar" and "تذكير" in by_user[arabic.id].subject
    assert by_user[colleague.id].language == "es" and "Recordatorio" in by_user[colleague.id].subject
    # The closing time in each recipient's own zone.
    assert "Tunis" in by_user[arabic.id].body_text or "+01:00" in by_user[arabic.id].body_text
    assert "Bogot" in by_user[colleague.id].body_text or "-05:00" in by_user[colleague.id].body_text
    assert f"/rounds/{target.id}/ballot" in by_user[colleague.id].body_text
    entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "motion.reminded")).scalar_one()
    assert entry.actor_id == scene.secretariat.id and entry.payload["recipients"] == 3


def test_a_second_reminder_within_ten_minutes_is_refused_with_the_wait(scene):
    target = voting_round(scene)
    motion = _first_motion(target)
    first = turnout.send_reminder(scene.secretariat, motion)
    count = len(_outbox())
    with pytest.raises(RateLimited) as refused:
        turnout.send_reminder(scene.secretariat, motion, now=first.sent_at + timedelta(minutes=4))
    assert refused.value.retry_after == 6 * 60
    assert len(_outbox()) == count
    again = turnout.send_reminder(scene.secretariat, motion, now=first.sent_at + timedelta(minutes=10))
    assert again.recipients == first.recipients and len(_outbox()) == count + first.recipients
    assert db.session.execute(select(MotionReminder)).scalar_one().sent_count == 2


def test_the_interval_is_per_motion(scene):
    target = voting_round(scene)
    first, second = motion_service.motions_of(target)
    turnout.send_reminder(scene.secretariat, first)
    assert turnout.send_reminder(scene.secretariat, second).recipients == 3


def test_no_reminder_when_everyone_has_voted_or_past_closing_time(scene):
    target = voting_round(scene)
    motion = _first_motion(target)
    with pytest.raises(Conflict):  # past its closing time, even before anyone closes it
        turnout.send_reminder(scene.secretariat, motion, now=target.closes_at + timedelta(seconds=1))
    for delegate in scene.delegates:
        ballot_service.cast_ballot(delegate, motion.id, "abstain")
    with pytest.raises(Conflict):
        turnout.send_reminder(scene.secretariat, motion)
    assert db.session.scalar(select(func.count()).select_from(MotionReminder)) == 0


def test_a_scheduled_round_takes_no_reminder_and_lists_the_organisations_eligible_now(scene):
    scheduled = voting_round(scene, open_it=False)
    motion = _first_motion(scheduled)
    with pytest.raises(Conflict):
        turnout.send_reminder(scene.secretariat, motion)
    rows = turnout.participation_of(scene.secretariat, motion)
    assert {row.organisation_id for row in rows} >= {o.id for o in scene.organisations}
    assert not any(row.voted for row in rows)
    assert db.session.scalar(select(func.count()).select_from(MotionReminder)) == 0


def test_a_closed_round_takes_no_reminder(scene):
    target = voting_round(scene)
    motion = _first_motion(target)
    closing.close_round(scene.secretariat, target)
    with pytest.raises(Conflict):
        turnout.send_reminder(scene.secretariat, motion)
    # After close the list still says who voted, never what.
    assert all(not row.voted for row in turnout.participation_of(scene.secretariat, motion))


# --- Paper ballots ---------------------------------------------------------------------------


def test_a_paper_ballot_is_marked_audited_with_who_entered_it_and_gives_a_receipt(scene):
    target = voting_round(scene)
    motion = _first_motion(target)
    organisation = scene.organisations[2]
    cast = ballot_service.record_paper_ballot(scene.secretariat, motion.id, organisation.id, "no")
    assert cast.choice == "no" and cast.receipt and str(cast.weight) == "3.0000"
    ballot = db.session.execute(select(Ballot)).scalar_one()
    assert (ballot.organisation_id, ballot.paper, ballot.cast_by_id) == (organisation.id, True, scene.secretariat.id)
    entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "ballot.cast")).scalar_one()
    assert entry.actor_id == scene.secretariat.id
    assert entry.payload["paper"] is True and entry.payload["organisation_id"] == organisation.id
    assert [
        row.voted
        for row in turnout.participation_of(scene.secretariat, motion)
        if row.organisation_id == organisation.id
    ] == [True]


def test_the_organisation_changes_a_paper_ballot_from_a_device_and_the_history_shows_both(scene):
    target = voting_round(scene)
    motion = _first_motion(target)
    delegate = scene.delegates[0]
    paper = ballot_service.record_paper_ballot(scene.secretariat, motion.id, delegate.organisation_id, "yes")
    device = ballot_service.cast_ballot(delegate, motion.id, "abstain")
    assert device.previous_choice == "yes" and device.receipt != paper.receipt
    ballot, _weight = ballot_service.ballot_of(delegate, motion)
    assert ballot.choice == "abstain" and ballot.paper is False
    history = ballot_service.ballot_history(delegate, motion)
    assert [(h.paper, h.user_id, h.from_choice, h.to_choice) for h in history] == [
        (True, scene.secretariat.id, None, "yes"),
        (False, delegate.id, "yes", "abstain"),
    ]


def test_a_paper_ballot_replaces_a_device_ballot_and_counts_once(scene):
    target = voting_round(scene)
    motion = _first_motion(target)
    delegate = scene.delegates[1]
    ballot_service.cast_ballot(delegate, motion.id, "yes")
    cast = ballot_service.record_paper_ballot(scene.secretariat, motion.id, delegate.organisation_id, "no")
    assert cast.previous_choice == "yes"
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 1
    assert db.session.scalar(select(func.count()).select_from(BallotChange)) == 2


def test_a_secret_round_logs_a_paper_ballot_without_its_choice(scene):
    target = voting_round(scene, secrecy="secret")
    motion = _first_motion(target)
    ballot_service.record_paper_ballot(scene.secretariat, motion.id, scene.organisations[0].id, "yes")
    entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "ballot.cast")).scalar_one()
    assert "choice" not in entry.payload and entry.payload["paper"] is True


@pytest.mark.parametrize("role", ["member", "observer"])
def test_only_the_secretariat_enters_paper_ballots(scene, role):
    target = voting_round(scene)
    user = scene.delegates[0] if role == "member" else make_user("observer")
    with pytest.raises(Forbidden):
        ballot_service.record_paper_ballot(user, _first_motion(target).id, scene.organisations[0].id, "yes")
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 0


@pytest.mark.parametrize("choice", ["maybe", "", None, 1, "YES"])
def test_a_bad_paper_choice_is_refused(scene, choice):
    target = voting_round(scene)
    with pytest.raises(ValidationFailed) as refused:
        ballot_service.record_paper_ballot(
            scene.secretariat, _first_motion(target).id, scene.organisations[0].id, choice
        )
    assert "choice" in refused.value.fields
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 0


def test_a_paper_ballot_for_an_organisation_outside_the_electorate_is_refused(scene):
    target = voting_round(scene)
    late = make_organisation("Joined Later", weight="5")
    observer_org = make_user("observer").organisation
    db.session.commit()
    for organisation_id in [late.id, 999999] + ([observer_org.id] if observer_org else []):
        with pytest.raises(ValidationFailed) as refused:
            ballot_service.record_paper_ballot(scene.secretariat, _first_motion(target).id, organisation_id, "yes")
        assert "organisation_id" in refused.value.fields
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 0


def test_a_paper_ballot_needs_an_open_round(scene):
    scheduled = voting_round(scene, open_it=False)
    with pytest.raises(Conflict):
        ballot_service.record_paper_ballot(
            scene.secretariat, _first_motion(scheduled).id, scene.organisations[0].id, "yes"
        )
    closing.open_round(scene.secretariat, scheduled)
    motion = _first_motion(scheduled)
    with pytest.raises(Conflict):
        ballot_service.record_paper_ballot(
            scene.secretariat,
            motion.id,
            scene.organisations[0].id,
            "yes",
            now=scheduled.closes_at + timedelta(seconds=1),
        )
    closing.close_round(scene.secretariat, scheduled)
    with pytest.raises(Conflict):
        ballot_service.record_paper_ballot(scene.secretariat, motion.id, scene.organisations[0].id, "yes")
    with pytest.raises(NotFound):
        ballot_service.record_paper_ballot(scene.secretariat, 999999, scene.organisations[0].id, "yes")
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 0
