"""A pg_dump of the running database, restored into a fresh one, keeps the audit chain and every result.

Collected only on PostgreSQL runs (see tests/server/conftest.py).
"""

from __future__ import annotations

import subprocess

from sqlalchemy.engine import make_url

from tests.server.backup_support import flask, load_demo_and_vote, results_of
from tests.server.fault_support import scratch_database


def _libpq_args(url: str) -> list[str]:
    parts = make_url(url)
    return ["-h", parts.host or "127.0.0.1", "-p", str(parts.port or 5432), "-U", parts.username or "postgres"]


def test_pg_dump_and_pg_restore_keep_every_result_and_an_intact_audit_chain(db_url, tmp_path):
    dump = tmp_path / "principles.dump"
    with scratch_database(db_url) as live, scratch_database(db_url) as restored:
        assert load_demo_and_vote(live) > 0
        # As the README documents: a custom-format dump, restored into an empty database.
        subprocess.run(
            ["pg_dump", *_libpq_args(live), "-Fc", "-f", str(dump), make_url(live).database], check=True, timeout=120
        )
        subprocess.run(
            [
                "pg_restore",
                *_libpq_args(restored),
                "--no-owner",
                "--exit-on-error",
                "-d",
                make_url(restored).database,
                str(dump),
            ],
            check=True,
            timeout=120,
        )
        verified = flask(restored, "audit", "verify")
        assert verified.returncode == 0, verified.stderr
        assert "intact" in verified.stdout
        assert results_of(restored) == results_of(live)
