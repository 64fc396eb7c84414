"""Server tests: the PostgreSQL restart test exists only in PostgreSQL runs."""

from __future__ import annotations

import os
from pathlib import Path

POSTGRES_ONLY = {"test_postgres_restart.py", "test_backup_postgres.py", "test_idle_connections.py"}


def pytest_ignore_collect(collection_path: Path, config) -> bool | None:
    """Leave out tests that need a PostgreSQL server to act on when the suite runs on SQLite."""
    if collection_path.name in POSTGRES_ONLY and os.environ.get("TEST_DB", "sqlite") != "postgresql":
        return True
    return None
