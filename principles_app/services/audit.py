"""Write and verify the hash-chained audit log."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Insert,
    Integer,
    String,
    bindparam,
    cast,
    func,
    insert,
    literal_column,
    select,
    update,
)
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
    before_seq = _canonical_before_seq(
        entry.at, entry.actor_id, entry.action, entry.object_type, entry.object_id, entry.payload
    )
    return _digest(prev_hash, entry.seq, before_seq)


def _canonical_before_seq(
    at: datetime, actor_id: int | None, action: str, object_type: str, object_id: str | None, payload: dict[str, Any]
) -> str:
    """Return the entry's canonical JSON (sorted keys, no spaces) up to its seq, the key that sorts last.

    The text hashed is this + seq + "}", so the database can finish it once it has numbered the entry.
    """
    body = {
        "at": at.isoformat(),
        "actor_id": actor_id,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "payload": payload,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)[:-1] + ',"seq":'


def _digest(prev_hash: str, seq: int, before_seq: str) -> str:
    return hashlib.sha256(f"{prev_hash}{before_seq}{seq}}}".encode()).hexdigest()


_HEAD = AuditChainHead.__table__
_ENTRY = AuditEntry.__table__
_ENTRY_COLUMNS = ["seq", "at", "actor_id", "action", "object_type", "object_id", "payload", "prev_hash", "hash"]
_GENESIS = {
    name: dialect.insert(_HEAD)
    .values(id=HEAD_ID, last_seq=0, last_hash=GENESIS_HASH)
    .on_conflict_do_nothing(index_elements=["id"])
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}
# Built once: an audit entry is written by every state change, ballots included.
# An UPDATE takes the head's row lock on PostgreSQL and the write lock on SQLite, so two writers
# can never read the same head and fork the chain.
_ADVANCE_HEAD = (
    update(_HEAD)
    .where(_HEAD.c.id == HEAD_ID)
    .values(last_seq=_HEAD.c.last_seq + 1)
    .returning(_HEAD.c.last_seq, _HEAD.c.last_hash)
)
_NEW_ENTRY = insert(_ENTRY).values({name: bindparam(name) for name in _ENTRY_COLUMNS})
_SET_HEAD_HASH = update(_HEAD).where(_HEAD.c.id == HEAD_ID).values(last_hash=bindparam("new_hash"))


def _append_in_one_statement() -> Insert:
    """On PostgreSQL: lock the head, number and hash the entry, move the head and write the entry at once."""
    head = (
        select(_HEAD.c.id, _HEAD.c.last_seq, _HEAD.c.last_hash)
        .where(_HEAD.c.id == HEAD_ID)
        .with_for_update()
        .cte("head")
    )
    seq = head.c.last_seq + literal_column("1", Integer)
    # The same text _digest hashes: previous hash + canonical JSON up to the seq + seq + "}".
    hashed = head.c.last_hash + bindparam("before_seq", type_=String) + cast(seq, String) + literal_column("'}'")
    digest = func.encode(func.sha256(func.convert_to(hashed, literal_column("'UTF8'"))), literal_column("'hex'"))
    moved = (
        update(_HEAD)
        .where(_HEAD.c.id == head.c.id)
        .values(last_seq=seq, last_hash=digest)
        .returning(_HEAD.c.last_seq.label("seq"), head.c.last_hash.label("prev_hash"), _HEAD.c.last_hash.label("hash"))
        .cte("moved")
    )
    given = [bindparam(name, type_=_ENTRY.c[name].type) for name in _ENTRY_COLUMNS[1:7]]
    return (
        insert(_ENTRY)
        .from_select(_ENTRY_COLUMNS, select(moved.c.seq, *given, moved.c.prev_hash, moved.c.hash))
        .returning(_ENTRY.c.seq)
    )


_APPEND_ON_POSTGRESQL = _append_in_one_statement()


def _append_on_postgresql(connection: Connection, entry: dict[str, Any], before_seq: str) -> int | None:
    return connection.execute(_APPEND_ON_POSTGRESQL, {**entry, "before_seq": before_seq}).scalar()


def _append_on_sqlite(connection: Connection, entry: dict[str, Any], before_seq: str) -> int | None:
    row = connection.execute(_ADVANCE_HEAD).one_or_none()
    if row is None:
        return None
    digest = _digest(row.last_hash, row.last_seq, before_seq)
    connection.execute(_NEW_ENTRY, {**entry, "seq": row.last_seq, "prev_hash": row.last_hash, "hash": digest})
    connection.execute(_SET_HEAD_HASH, {"new_hash": digest})
    return row.last_seq


_APPEND = {"postgresql": _append_on_postgresql, "sqlite": _append_on_sqlite}


def _append(connection: Connection, entry: dict[str, Any], before_seq: str) -> int:
    """Write the entry chained to the head; return its seq."""
    append = _APPEND[connection.dialect.name]
    seq = append(connection, entry, before_seq)
    if seq is None:  # the very first entry: no head yet
        connection.execute(_GENESIS[connection.dialect.name])
        seq = append(connection, entry, before_seq)
    return seq


def record(
    action: str,
    object_type: str,
    object_id: Any = None,
    payload: dict[str, Any] | None = None,
    actor: User | None = None,
) -> int:
    """Append an audit entry to the current transaction, chained to the last one; return its seq."""
    entry = {
        "at": utcnow(),
        "actor_id": actor.id if actor is not None else None,
        "action": action,
        "object_type": object_type,
        "object_id": None if object_id is None else str(object_id),
        "payload": _jsonable(payload),
    }
    return _append(db.session.connection(), entry, _canonical_before_seq(**entry))


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
            return ChainReport(
                checked, f"entry {entry.seq} does not follow entry {entry.seq - 1} (removed or reordered)"
            )
        if entry_hash(entry.prev_hash, entry) != entry.hash:
            return ChainReport(
                checked, f"entry {entry.seq} was altered ({entry.action} on {entry.object_type} {entry.object_id})"
            )
        expected_seq, expected_prev, checked = expected_seq + 1, entry.hash, checked + 1
    head = db.session.execute(
        select(AuditChainHead).where(AuditChainHead.id == HEAD_ID).execution_options(populate_existing=True)
    ).scalar_one_or_none()
    last_seq = expected_seq - 1
    if head is not None and (head.last_seq != last_seq or head.last_hash != expected_prev):
        return ChainReport(checked, f"entry {last_seq + 1} is missing: the chain head records {head.last_seq} entries")
    return ChainReport(checked, None)
