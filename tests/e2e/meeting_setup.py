"""Put a live General Meeting on the demo's database: run as ``python -m tests.e2e.meeting_setup``.

The browser tests serve the demo from another process; this opens, on the same database
(DATABASE_URL), a running meeting with every member organisation in the room and a round
attached to it with one motion on the floor, and prints their ids as JSON.
"""

from __future__ import annotations

import json
from datetime import timedelta

SLUG = "principles-for-collaboration"


def main() -> None:
    from sqlalchemy import select

    from principles_app import create_app
    from principles_app.db import utcnow
    from principles_app.domain.rounds import RoundState
    from principles_app.extensions import db
    from principles_app.models import Round, User
    from principles_app.services import amendments as amendment_service
    from principles_app.services import closing, drafts, motions
    from principles_app.services import meetings as meeting_service
    from principles_app.services import rounds as round_service

    app = create_app()
    with app.app_context(), app.test_request_context():
        secretariat = db.session.execute(select(User).where(User.email == "secretariat@example.org")).scalar_one()
        document = drafts.get_document(SLUG)
        for target in db.session.execute(
            select(Round).where(Round.document_id == document.id, Round.state == RoundState.OPEN)
        ).scalars():
            closing.close_round(secretariat, target)
        starts = utcnow() - timedelta(hours=1)
        meeting = meeting_service.create_meeting(
            secretariat,
            document,
            title="General Meeting 2027",
            starts_at=starts,
            ends_at=starts + timedelta(hours=8),
            time_zone="Africa/Cairo",
            place="Cairo",
        )
        for organisation in meeting_service.eligible_organisations():
            meeting_service.set_attendance(secretariat, meeting, organisation.id, "in_room")
        candidates = amendment_service.list_amendments(document, status="open")
        kind = "voting" if candidates else "adoption"
        target = round_service.create_round(
            secretariat, document, kind, "Votes of the meeting", utcnow() + timedelta(minutes=30)
        )
        if candidates:
            motions.put_motion(secretariat, target, candidates[0])
        meeting_service.attach_round(secretariat, meeting, target)
        closing.open_round(secretariat, target)
        db.session.commit()
        motion = motions.motions_of(target)[0]
        print(json.dumps({"meeting_id": meeting.id, "round_id": target.id, "motion_id": motion.id, "kind": kind}))


if __name__ == "__main__":
    main()
