"""The audit log never ties a secret ballot to its organisation, while or after the round runs."""

from __future__ import annotations

import re

from sqlalchemy import select

from principles_app.extensions import db
from principles_app.models import AuditEntry
from principles_app.services import audit, closing
from principles_app.services import ballots as ballot_service
from principles_app.services import motions as motion_service
from tests.factories import make_scene, sign_in, voting_round

ROW = re.compile(r"<tr><td>\d+</td><td>.*?</td><td>(?P<action>[^<]*)</td>\s*<td>(?P<object>[^<]*)</td>", re.DOTALL)


def _listed(client, secretariat) -> set[tuple[str, str]]:
    sign_in(client, secretariat)
    page = client.get("/admin/audit", headers={"Accept-Language": "en"}).get_data(as_text=True)
    return {(m["action"].strip(), m["object"].strip()) for m in ROW.finditer(page)}


def _round_with(scene, amendment, secrecy):
    target = voting_round(scene, secrecy=secrecy, motions=False, open_it=False)
    motion_service.put_motion(scene.secretariat, target, amendment)
    closing.open_round(scene.secretariat, target)
    db.session.commit()
    return target, motion_service.motions_of(target)[0]


def test_secret_ballots_are_in_the_chain_but_never_listed(client):
    scene = make_scene(weights=("1", "2", "3"), amendments=2)
    named, named_motion = _round_with(scene, scene.amendments[1], "named")
    ballot_service.cast_ballot(scene.delegates[0], named_motion.id, "yes")
    closing.close_round(scene.secretariat, named)
    db.session.commit()

    secret, secret_motion = _round_with(scene, scene.amendments[0], "secret")
    for delegate, choice in zip(scene.delegates, ("yes", "no", "abstain")):
        ballot_service.cast_ballot(delegate, secret_motion.id, choice)
    ballot_service.cast_ballot(scene.delegates[0], secret_motion.id, "no")
    db.session.commit()

    while_open = _listed(client, scene.secretariat)
    assert ("ballot.cast", f"motion {named_motion.id}") in while_open  # named rounds keep their roll-call
    assert not any(obj == f"motion {secret_motion.id}" and action.startswith("ballot.") for action, obj in while_open)

    closing.close_round(scene.secretariat, secret)
    db.session.commit()
    after = _listed(client, scene.secretariat)
    assert ("motion.decided", f"motion {secret_motion.id}") in after
    assert not any(obj == f"motion {secret_motion.id}" and action.startswith("ballot.") for action, obj in after)
    # The chain still holds every secret ballot, without its choice, and still verifies.
    secret_entries = (
        db.session.execute(
            select(AuditEntry).where(AuditEntry.action.like("ballot.%"), AuditEntry.object_id == str(secret_motion.id))
        )
        .scalars()
        .all()
    )
    assert len(secret_entries) == 4
    assert all("choice" not in e.payload and "from" not in e.payload for e in secret_entries)
    assert audit.verify_chain().ok
