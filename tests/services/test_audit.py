"""The audit log is an unbroken hash chain; tampering is named by `audit verify`."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select, text, update

from principles_app.extensions import db
from principles_app.models import AuditEntry
from principles_app.services import audit


def write_entries(n: int) -> None:
    for i in range(n):
        audit.record("test.event", "thing", i, {"i": i, "note": "été"})
    db.session.commit()


def verify(app):
    return app.test_cli_runner().invoke(args=["audit", "verify"])


def test_an_untouched_chain_verifies(app):
    write_entries(5)
    result = verify(app)
    assert result.exit_code == 0, result.output
    assert "5 entries checked" in result.output


def test_an_altered_payload_is_named(app):
    write_entries(5)
    db.session.execute(update(AuditEntry).where(AuditEntry.seq == 3).values(payload={"i": 99}))
    db.session.commit()
    result = verify(app)
    assert result.exit_code == 1
    assert "entry 3 was altered" in result.output


def test_a_removed_entry_is_named(app):
    write_entries(5)
    db.session.execute(text("DELETE FROM audit_entry WHERE seq = 2"))
    db.session.commit()
    result = verify(app)
    assert result.exit_code == 1
    assert "entry 2 is missing" in result.output


def test_a_removed_last_entry_is_named(app):
    write_entries(4)
    db.session.execute(text("DELETE FROM audit_entry WHERE seq = 4"))
    db.session.commit()
    result = verify(app)
    assert result.exit_code == 1
    assert "entry 4 is missing" in result.output


def test_reordered_entries_are_named(app):
    write_entries(5)
    # Swap the positions of entries 2 and 3.
    db.session.execute(text("UPDATE audit_entry SET seq = 1000 WHERE seq = 2"))
    db.session.execute(text("UPDATE audit_entry SET seq = 2 WHERE seq = 3"))
    db.session.execute(text("UPDATE audit_entry SET seq = 3 WHERE seq = 1000"))
    db.session.commit()
    result = verify(app)
    assert result.exit_code == 1
    assert "entry 2" in result.output


@pytest.mark.committed
def test_two_writers_at_once_never_fork_the_chain(app):
    errors: list[Exception] = []

    def writer(tag: str) -> None:
        with app.app_context():
            try:
                for i in range(200):
                    audit.record("test.concurrent", tag, i)
                    db.session.commit()
            except Exception as exc:  # surfaced below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=writer, args=(tag,)) for tag in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    seqs = db.session.execute(select(AuditEntry.seq).order_by(AuditEntry.seq)).scalars().all()
    assert seqs == list(range(1, 401))
    assert audit.verify_chain().ok


def test_entries_in_any_script_hash_the_same_where_they_are_written_and_where_they_are_checked(app):
    # On PostgreSQL the database numbers and hashes the entry; `audit verify` hashes it again in Python.
    texts = [
        "حرية التعبير",
        "Libertad de expresión",
        "« liberté » d’expression",
        'quote " and \\ backslash',
        "emoji ✊🏾",
        "line\nbreak\ttab",
        "",
        "汉字",
    ]
    for i, note in enumerate(texts):
        audit.record(
            f"test.{i}", "thing", note or None, {"note": note, "n": i, "nested": {"z": note, "a": [note]}}, None
        )
    db.session.commit()
    entries = db.session.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars().all()
    assert [e.payload["note"] for e in entries] == texts
    prev = audit.GENESIS_HASH
    for entry in entries:
        assert entry.prev_hash == prev
        assert entry.hash == audit.entry_hash(prev, entry)
        prev = entry.hash
    assert audit.verify_chain().ok
