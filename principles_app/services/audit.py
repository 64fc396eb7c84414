"""Write and verify the hash-chained audit log."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite

from principles_app.db import utcnow
from principles_app.extensions import db
from principles_app.models import AuditChainHead, AuditEntry, User

GENESIS_HASH = "0" * 64
HEAD_ID = 1


def _jsonable(payload: dict[str, Any] | None) -> dict[str, Any]:
    # Decimals, dates and enums become strings so the stored payload is what was hashed.
    return json.loads(json.dumps(payload or {}, default=str, sort_keys=True))


def entry_hash(prev_hash: str, entry: AuditEntry) -> str:
    """Return sha256(previous hash + canonical JSON of the entry)."""
    body = {
        "seq": entry.seq,
        "at": entry.at.isoformat(),
        "actor_id": entry.actor_id,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "payload": entry.payload,
    }
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()


def _lock_chain_head() -> AuditChainHead:
    """Take the chain head's write lock for this transaction and return it."""
    # An UPDATE takes the row lock on PostgreSQL and the write lock on SQLite, so two
    # writers can never read the same head and fork the chain.
    bump = update(AuditChainHead).where(AuditChainHead.id == HEAD_ID).values(last_seq=AuditChainHead.last_seq)
    if db.session.execute(bump).rowcount == 0:
        dialect_insert = postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert
        db.session.execute(
            dialect_insert(AuditChainHead)
            .values(id=HEAD_ID, last_seq=0, last_hash=GENESIS_HASH)
            .on_conflict_do_nothing(index_elements=["id"])
        )
        db.session.execute(bump)
    return db.session.execute(
        select(AuditChainHead).where(AuditChainHead.id == HEAD_ID).execution_options(populate_existing=True)
    ).scalar_one()


def record(
    action: str,
    object_type: str,
    object_id: Any = None,
    payload: dict[str, Any] | None = None,
    actor: User | None = None,
) -> AuditEntry:
    """Append an audit entry to the current transaction, chained to the last one."""
    head = _lock_chain_head()
    entry = AuditEntry(
        seq=head.last_seq + 1,
        at=utcnow(),
        actor_id=actor.id if actor is not None else None,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        payload=_jsonable(payload),
        prev_hash=head.last_hash,
    )
    entry.hash = entry_hash(head.last_hash, entry)
    head.last_seq = entry.seq
    head.last_hash = entry.hash
    db.session.add(entry)
    db.session.flush()
    return entry


@dataclass(frozen=True)
class ChainReport:
    """What verifying the chain found."""

    checked: int
    problem: str | None

    @property
    def ok(self) -> bool:
        """Tell whether the chain is intact."""
        return self.problem is None


def verify_chain() -> ChainReport:
    """Walk the chain from the start and name the first entry that breaks it."""
    expected_seq, expected_prev, checked = 1, GENESIS_HASH, 0
    for entry in db.session.execute(select(AuditEntry).order_by(AuditEntry.seq, AuditEntry.id)).scalars():
        if entry.seq != expected_seq:
            return ChainReport(checked, f"entry {expected_seq} is missing (next entry found is {entry.seq})")
        if entry.prev_hash != expected_prev:
            return ChainReport(checked, f"entry {entry.seq} does not follow entry {entry.seq - 1} (removed or reordered)")
        if entry_hash(entry.prev_hash, entry) != entry.hash:
            return ChainReport(checked, f"entry {entry.seq} was altered ({entry.action} on {entry.object_type} {entry.object_id})")
        expected_seq, expected_prev, checked = expected_seq + 1, entry.hash, checked + 1
    head = db.session.get(AuditChainHead, HEAD_ID)
    last_seq = expected_seq - 1
    if head is not None and (head.last_seq != last_seq or head.last_hash != expected_prev):
        return ChainReport(checked, f"entry {last_seq + 1} is missing: the chain head records {head.last_seq} entries")
    return ChainReport(checked, None)
