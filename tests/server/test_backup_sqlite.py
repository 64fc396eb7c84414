"""A SQLite backup taken while the app runs restores to the same audit chain and the same results."""

from __future__ import annotations

import sqlite3
import subprocess

from tests.server.backup_support import flask, load_demo_and_vote, results_of


def test_the_sqlite_online_backup_restores_every_result_and_an_intact_audit_chain(tmp_path):
    live = tmp_path / "principles.sqlite"
    assert load_demo_and_vote(f"sqlite:///{live}") > 0
    # The two documented ways: Python's backup API and the sqlite3 shell's .backup command.
    copy = tmp_path / "backup.sqlite"
    with sqlite3.connect(live) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    shell_copy = tmp_path / "shell-backup.sqlite"
    subprocess.run(["sqlite3", str(live), f".backup {shell_copy}"], check=True, timeout=60)

    original = results_of(f"sqlite:///{live}")
    assert original
    for restored in (copy, shell_copy):
        verified = flask(f"sqlite:///{restored}", "audit", "verify")
        assert verified.returncode == 0, verified.stderr
        assert "intact" in verified.stdout
        assert results_of(f"sqlite:///{restored}") == original
