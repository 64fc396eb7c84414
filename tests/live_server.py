"""A real server (gunicorn) with the demo network on a database of its own, for browser and server tests."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import pg_url_for

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """Return a TCP port that is free on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def e2e_database(db_url):
    """Give the server a database of its own, so the suite's per-test cleaning never touches it."""
    if not db_url.startswith("postgresql"):
        folder = Path(tempfile.mkdtemp(prefix="principles-e2e-"))
        yield f"sqlite:///{folder / 'e2e.sqlite'}"
        return
    name = f"e2e_{uuid.uuid4().hex[:8]}"
    # Pre-ping: the PostgreSQL restart test (tests/server) drops every pooled connection mid-session.
    admin = create_engine(pg_url_for(db_url), isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield db_url.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def live_server(e2e_database):
    """Migrate, load the demo and serve the app with gunicorn on a free port."""
    with serve_demo(e2e_database) as base:
        yield base


@contextlib.contextmanager
def serve_demo(database: str, extra_env: dict[str, str] | None = None):
    """Migrate `database`, load the demo into it and serve the app with gunicorn on a free port.

    Values of ``extra_env`` may name the port as ``{port}`` (e.g. PUBLIC_URL for passkeys).
    """
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "SECRET_KEY": "e2e-secret",
        "SESSION_COOKIE_SECURE": "0",
        "ARGON2_TIME_COST": "1",
        "ARGON2_MEMORY_COST": "1024",
        "ARGON2_PARALLELISM": "1",
        # The demo accounts are enrolled in nothing: no role is required to enrol (as with `make run`).
        "TWO_FACTOR_REQUIRED_ROLES": "",
        **{name: value.format(port=port) for name, value in (extra_env or {}).items()},
    }
    flask = [sys.executable, "-m", "flask", "--app", "principles_app"]
    subprocess.run(flask + ["db", "upgrade"], env=env, check=True, cwd=ROOT, capture_output=True)
    subprocess.run(flask + ["demo", "load"], env=env, check=True, cwd=ROOT, capture_output=True)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "principles_app:create_app()",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    else:
        server.terminate()
        raise RuntimeError("the server did not start: " + server.stderr.read().decode()[-2000:])
    try:
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


@contextlib.contextmanager
def make_live_server(db_url: str, extra_env: dict[str, str] | None = None):
    """Serve the demo on a fresh database of its own (for journeys that change the demo's state)."""
    with make_live_server_and_database(db_url, extra_env) as (base, _database):
        yield base


@contextlib.contextmanager
def make_live_server_and_database(db_url: str, extra_env: dict[str, str] | None = None):
    """Like make_live_server, yielding the database's URL too (for the command line, e.g. sending e-mail)."""
    if db_url.startswith("postgresql"):
        name = f"e2e_{uuid.uuid4().hex[:8]}"
        admin = create_engine(pg_url_for(db_url), isolation_level="AUTOCOMMIT", pool_pre_ping=True)
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        database = db_url.rsplit("/", 1)[0] + f"/{name}"
    else:
        folder = Path(tempfile.mkdtemp(prefix="principles-e2e-"))
        database = f"sqlite:///{folder / 'e2e.sqlite'}"
    try:
        with serve_demo(database, extra_env) as base:
            yield base, database
    finally:
        if db_url.startswith("postgresql"):
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
