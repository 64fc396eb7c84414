"""The audit log as people may read it: every entry but the ballots of secret rounds."""

from __future__ import annotations

from sqlalchemy import Select, String, and_, cast, not_, select

from principles_app.domain.voting import Secrecy
from principles_app.extensions import db
from principles_app.models import AuditEntry, Motion, Round

BALLOT_ACTIONS = ("ballot.cast", "ballot.changed")


def _secret_ballot():
    """Match the entries of ballots cast or changed in a secret round (whenever they were written)."""
    secret_motions = (
        select(cast(Motion.id, String)).join(Round, Round.id == Motion.round_id).where(Round.secrecy == Secrecy.SECRET)
    )
    return and_(
        AuditEntry.action.in_(BALLOT_ACTIONS),
        AuditEntry.object_type == "motion",
        AuditEntry.object_id.in_(secret_motions),
    )


def listed_query() -> Select:
    """Return the entries that may be listed, newest first, leaving out every ballot of a secret round.

    Those entries stay in the hash chain (``audit verify`` covers them); listing them would tie an
    organisation's delegate to the moment, and so to the receipt, of its secret ballot.
    """
    return select(AuditEntry).where(not_(_secret_ballot())).order_by(AuditEntry.seq.desc())


def listed_entries(limit: int = 200) -> list[AuditEntry]:
    """Return the latest entries that may be listed, newest first."""
    return list(db.session.execute(listed_query().limit(limit)).scalars())
