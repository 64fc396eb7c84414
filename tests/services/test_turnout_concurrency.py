"""Two secretariat users pressing "remind" at the same instant, in two workers: one reminder goes.

Real threads, each with its own database connection, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from principles_app.extensions import db
from principles_app.models import AuditEntry, Ballot, BallotChange, MotionReminder, OutboxMessage, User
from principles_app.services import ballots as ballot_service
from principles_app.services import motions as motion_service
from principles_app.services import turnout
from principles_app.services.errors import RateLimited
from tests.factories import make_scene, make_user, voting_round
from tests.services.test_voting_concurrency import _run_together

pytestmark = pytest.mark.committed


def test_reminders_sent_at_the_same_instant_go_once_and_the_others_are_told_to_wait(app):
    scene = make_scene(weights=("1", "2", "3"))
    target = voting_round(scene)
    motion_id = motion_service.motions_of(target)[0].id
    staff = [scene.secretariat.id] + [make_user("secretariat").id for _ in range(3)]
    db.session.commit()
    outcomes: list[str] = []

    def remind(user_id):
        def job():
            try:
                turnout.send_reminder(db.session.get(User, user_id), motion_service.get_motion(motion_id))
                outcomes.append("sent")
            except RateLimited as refusal:
                assert 590 <= refusal.retry_after <= 600
                outcomes.append("wait")

        return job

    errors = _run_together(app, [remind(user_id) for user_id in staff])
    assert errors == []
    assert sorted(outcomes) == ["sent", "wait", "wait", "wait"]
    db.session.expire_all()
    reminder = db.session.execute(select(MotionReminder)).scalar_one()
    assert reminder.sent_count == 1
    queued = db.session.scalar(select(func.count()).where(OutboxMessage.event == "motion_reminder"))
    assert queued == 3  # one per delegate of the three organisations, once
    reminded = db.session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "motion.reminded")
    )
    assert reminded == 1


def test_a_paper_ballot_and_a_delegate_voting_at_the_same_instant_leave_one_ballot_and_both_in_history(app):
    scene = make_scene(weights=("1", "2"))
    target = voting_round(scene)
    motion_id = motion_service.motions_of(target)[0].id
    delegate_id, organisation_id, secretariat_id = (
        scene.delegates[0].id,
        scene.organisations[0].id,
        scene.secretariat.id,
    )

    def by_paper():
        ballot_service.record_paper_ballot(db.session.get(User, secretariat_id), motion_id, organisation_id, "yes")

    def by_device():
        ballot_service.cast_ballot(db.session.get(User, delegate_id), motion_id, "no")

    errors = _run_together(app, [by_paper, by_device])
    assert errors == []
    db.session.expire_all()
    ballot = db.session.execute(select(Ballot)).scalar_one()
    history = db.session.execute(select(BallotChange).order_by(BallotChange.id)).scalars().all()
    assert sorted(h.paper for h in history) == [False, True]
    assert ballot.choice == history[-1].to_choice and ballot.paper == history[-1].paper
