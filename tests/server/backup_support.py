"""A demo database with fresh ballots, and what must survive a backup: the audit chain and every result."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from tests.live_server import ROOT

ENV = {"SECRET_KEY": "backup", "ARGON2_TIME_COST": "1", "ARGON2_MEMORY_COST": "1024", "ARGON2_PARALLELISM": "1"}


def flask(database_url: str, *args: str) -> subprocess.CompletedProcess:
    """Run the documented command line against a database."""
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "principles_app", *args],
        env={**os.environ, **ENV, "DATABASE_URL": database_url},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def _app(database_url: str):
    from principles_app import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": "backup",
            "ARGON2_TIME_COST": 1,
            "ARGON2_MEMORY_COST": 1024,
            "ARGON2_PARALLELISM": 1,
        }
    )


def load_demo_and_vote(database_url: str) -> int:
    """Migrate, load the demo, then put the open amendments to a vote and cast ballots; return how many."""
    for command in (("db", "upgrade"), ("demo", "load")):
        done = flask(database_url, *command)
        assert done.returncode == 0, done.stderr[-2000:]
    from principles_app.db import utcnow
    from principles_app.extensions import db
    from principles_app.models import Amendment, Document, ElectorateMember, User
    from principles_app.models.drafts import AmendmentStatus
    from principles_app.services import ballots as ballot_service
    from principles_app.services import closing, rounds
    from principles_app.services import motions as motion_service

    app = _app(database_url)
    cast = 0
    with app.app_context():
        secretariat = db.session.execute(select(User).where(User.role == "secretariat")).scalars().first()
        document = db.session.execute(select(Document)).scalars().first()
        current = rounds.open_round_of(document)
        if current is not None:
            closing.close_round(secretariat, current)
        vote = rounds.create_round(secretariat, document, "voting", "Backup drill", utcnow() + timedelta(days=1))
        for amendment in db.session.execute(
            select(Amendment).where(Amendment.document_id == document.id, Amendment.status == AmendmentStatus.OPEN)
        ).scalars():
            motion_service.put_motion(secretariat, vote, amendment)
        closing.open_round(secretariat, vote)
        electorate = {
            m.organisation_id
            for m in db.session.execute(select(ElectorateMember).where(ElectorateMember.round_id == vote.id)).scalars()
        }
        delegates = {}
        for user in db.session.execute(select(User).where(User.role == "member", User.active.is_(True))).scalars():
            if user.organisation_id in electorate:
                delegates.setdefault(user.organisation_id, user)
        for n, motion in enumerate(motion_service.motions_of(vote)):
            for k, delegate in enumerate(delegates.values()):
                ballot_service.cast_ballot(delegate, motion.id, ("yes", "no", "abstain")[(n + k) % 3])
                cast += 1
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return cast


def results_of(database_url: str) -> dict[int, Any]:
    """Return every motion's recomputed tally and its published result, by motion id."""
    from principles_app.extensions import db
    from principles_app.models import Motion
    from principles_app.services import results as result_service

    app = _app(database_url)
    with app.app_context():
        results = {
            motion.id: (result_service.tally_of(motion), result_service.result_for(motion))
            for motion in db.session.execute(select(Motion).order_by(Motion.id)).scalars()
        }
        db.session.remove()
        db.engine.dispose()
    return results
