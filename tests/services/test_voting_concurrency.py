"""Races that must not hurt: delegates voting at the same instant, two close-due runs at once.

Real threads, each with its own database connection, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from principles_app.extensions import db
from principles_app.models import (
    AuditEntry,
    Ballot,
    BallotChange,
    Document,
    Motion,
    Round,
    User,
)
from principles_app.services import ballots as ballot_service
from principles_app.services import closing
from principles_app.services import motions as motion_service
from tests.factories import make_scene, make_user, voting_round

# Each thread votes or closes on a connection of its own: the data must be committed.
pytestmark = pytest.mark.committed


def _run_together(app, jobs) -> list[BaseException]:
    """Run every job in its own thread and app context, released at the same instant."""
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(job):
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                job()
                db.session.commit()
            except BaseException as error:
                db.session.rollback()
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def test_delegates_of_one_organisation_voting_at_the_same_instant_leave_one_ballot(app):
    scene = make_scene(weights=("2", "1"))
    organisation = scene.organisations[0]
    delegates = [scene.delegates[0]] + [make_user("member", organisation=organisation) for _ in range(5)]
    target = voting_round(scene)
    motion_id = motion_service.motions_of(target)[0].id
    user_ids = [d.id for d in delegates]
    choices = ["yes", "no", "abstain", "yes", "no", "abstain"]

    def cast(user_id, choice):
        def job():
            from principles_app.models import User

            ballot_service.cast_ballot(db.session.get(User, user_id), motion_id, choice)

        return job

    errors = _run_together(app, [cast(u, c) for u, c in zip(user_ids, choices)])
    assert errors == []
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 1
    ballot = db.session.execute(select(Ballot)).scalar_one()
    history = db.session.execute(select(BallotChange).order_by(BallotChange.id)).scalars().all()
    assert len(history) == 6
    assert history[0].from_choice is None and all(h.from_choice is not None for h in history[1:])
    # The history chains: each change starts from what the previous one left.
    assert [h.from_choice for h in history[1:]] == [h.to_choice for h in history[:-1]]
    assert ballot.choice == history[-1].to_choice and ballot.changes == 5


def test_two_close_due_runs_at_once_close_each_round_once(app):
    scene = make_scene(weights=("1", "1", "1"))
    target = voting_round(scene)
    for delegate in scene.delegates:
        for motion in motion_service.motions_of(target):
            ballot_service.cast_ballot(delegate, motion.id, "yes")
    db.session.commit()
    later = target.closes_at + timedelta(seconds=1)
    closed: list[list[int]] = []

    def close_due():
        closed.append(closing.close_due_rounds(later))

    errors = _run_together(app, [close_due, close_due, close_due])
    assert errors == []
    assert sorted(closed, key=len) == [[], [], [target.id]]
    db.session.expire_all()
    assert db.session.get(Round, target.id).state == "closed"
    closings = db.session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.action == "round.closed", AuditEntry.object_id == str(target.id))
    )
    decided = db.session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "motion.decided")
    )
    assert (closings, decided) == (1, 2)
    assert db.session.get(Document, scene.document.id).current_version == 3  # both motions merged once


def test_ballots_racing_the_close_are_either_counted_or_refused(app):
    from principles_app.services import rounds as round_service
    from principles_app.services.errors import Conflict

    scene = make_scene(weights=tuple(["1"] * 8))
    target = voting_round(scene)
    motion_id = motion_service.motions_of(target)[0].id
    round_id = target.id
    user_ids = [d.id for d in scene.delegates]
    refused: list[int] = []

    def cast(user_id):
        def job():
            from principles_app.models import User

            try:
                ballot_service.cast_ballot(db.session.get(User, user_id), motion_id, "yes")
            except Conflict:
                refused.append(user_id)

        return job

    def close():
        closing.close_round(None, round_service.get_round(round_id))

    errors = _run_together(app, [cast(u) for u in user_ids[:4]] + [close] + [cast(u) for u in user_ids[4:]])
    assert errors == []
    db.session.expire_all()
    motion = db.session.get(Motion, motion_id)
    stored = db.session.scalar(select(func.count()).select_from(Ballot))
    # Whatever got in before the close is in the tally; nothing slipped in after it.
    assert motion.result["participation_count"] == stored == len(user_ids) - len(refused)


def test_the_ballot_committed_last_counts_and_is_last_in_the_history(app, monkeypatch):
    """A delegate's request stalls before it reaches the ballot; another delegate's cast commits meanwhile."""
    scene = make_scene(weights=("2", "1"))
    organisation = scene.organisations[0]
    slow, quick = scene.delegates[0].id, make_user("member", organisation=organisation).id
    target = voting_round(scene)
    motion_id = motion_service.motions_of(target)[0].id
    slow_waiting, quick_done = threading.Event(), threading.Event()
    real_cast = ballot_service._cast

    def stalling_cast(connection, params):
        if params["user_id"] == slow:
            slow_waiting.set()
            assert quick_done.wait(timeout=20)
        return real_cast(connection, params)

    monkeypatch.setattr(ballot_service, "_cast", stalling_cast)
    seen: dict[str, object] = {}

    def cast(user_id, choice, after_the_stall=False):
        def job():
            if after_the_stall:
                assert slow_waiting.wait(timeout=20)
            seen[choice] = ballot_service.cast_ballot(db.session.get(User, user_id), motion_id, choice)

        return job

    def quick_cast():
        try:
            cast(quick, "no", after_the_stall=True)()
            db.session.commit()
        finally:
            quick_done.set()

    errors = _run_together(app, [cast(slow, "yes"), quick_cast])
    assert errors == []
    db.session.expire_all()
    ballot = db.session.execute(select(Ballot)).scalar_one()
    # The stalled request committed last: its choice is the ballot, and the latest time is its time.
    assert ballot.choice == "yes" and ballot.cast_by_id == slow
    assert seen["yes"].cast_at == ballot.cast_at > seen["no"].cast_at
    history = ballot_service.ballot_history(db.session.get(User, slow), db.session.get(Motion, motion_id))
    assert [h.to_choice for h in history] == ["no", "yes"]
    assert [h.at for h in history] == sorted(h.at for h in history)
    assert history[-1].at == ballot.cast_at
