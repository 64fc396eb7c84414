"""Write and verify the hash-chained audit log."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update
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
    return _digest(prev_hash, entry.seq, entry.at, entry.actor_id, entry.action, entry.object_type,
                   entry.object_id, entry.payload)


def _digest(prev_hash: str, seq: int, at: datetime, actor_id: int | None, action: str, object_type: str,
            object_id: str | None, payload: dict[str, Any]) -> str:
    body = {"seq": seq, "at": at.isoformat(), "actor_id": actor_id, "action": action, "object_type": object_type,
            "object_id": object_id, "payload": payload}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()


_HEAD = AuditChainHead.__table__
_ENTRY = AuditEntry.__table__
# Built once: an audit entry is written by every state change, ballots included.
_ADVANCE_HEAD = (update(_HEAD).where(_HEAD.c.id == HEAD_ID).values(last_seq=_HEAD.c.last_seq + 1)
                 .returning(_HEAD.c.last_seq, _HEAD.c.last_hash))
_NEW_ENTRY = insert(_ENTRY).values(
    seq=bindparam("new_seq"), at=bindparam("at"), actor_id=bindparam("actor_id"), action=bindparam("action"),
    object_type=bindparam("object_type"), object_id=bindparam("object_id"), payload=bindparam("payload"),
    prev_hash=bindparam("prev_hash"), hash=bindparam("new_hash"))
_SET_HEAD_HASH = update(_HEAD).where(_HEAD.c.id == HEAD_ID).values(last_hash=bindparam("new_hash"))
# PostgreSQL writes the entry and moves the head in one statement; SQLite cannot write in WITH.
_APPEND = {"postgresql": [_SET_HEAD_HASH.values(last_hash=select(_NEW_ENTRY.returning(_ENTRY.c.hash).cte("entry").c.hash)
                                                 .scalar_subquery())],
           "sqlite": [_NEW_ENTRY, _SET_HEAD_HASH]}
_GENESIS = {name: dialect.insert(_HEAD).values(id=HEAD_ID, last_seq=0, last_hash=GENESIS_HASH)
            .on_conflict_do_nothing(index_elements=["id"]) for name, dialect in
            (("postgresql", postgresql), ("sqlite", sqlite))}


def _advance_chain_head(connection: Connection) -> tuple[int, str]:
    """Take the chain head's write lock for this transaction; return the next seq and the last hash."""
    # An UPDATE takes the row lock on PostgreSQL and the write lock on SQLite, so two
    # writers can never read the same head and fork the chain.
    row = connection.execute(_ADVANCE_HEAD).one_or_none()
    if row is None:
        connection.execute(_GENESIS[connection.dialect.name])
        row = connection.execute(_ADVANCE_HEAD).one()
    return row.last_seq, row.last_hash


def record(
    action: str,
    object_type: str,
    object_id: Any = None,
    payload: dict[str, Any] | None = None,
    actor: User | None = None,
) -> int:
    """Append an audit entry to the current transaction, chained to the last one; return its seq."""
    connection = db.session.connection()
    seq, prev_hash = _advance_chain_head(connection)
    at = utcnow()
    actor_id = actor.id if actor is not None else None
    object_id = None if object_id is None else str(object_id)
    payload = _jsonable(payload)
    digest = _digest(prev_hash, seq, at, actor_id, action, object_type, object_id, payload)
    params = {"new_seq": seq, "at": at, "actor_id": actor_id, "action": action, "object_type": object_type,
              "object_id": object_id, "payload": payload, "prev_hash": prev_hash, "new_hash": digest}
    for statement in _APPEND[connection.dialect.name]:
        connection.execute(statement, params)
    return seq


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
    head = db.session.execute(select(AuditChainHead).where(AuditChainHead.id == HEAD_ID)
                              .execution_options(populate_existing=True)).scalar_one_or_none()
    last_seq = expected_seq - 1
    if head is not None and (head.last_seq != last_seq or head.last_hash != expected_prev):
        return ChainReport(checked, f"entry {last_seq + 1} is missing: the chain head records {head.last_seq} entries")
    return ChainReport(checked, None)
