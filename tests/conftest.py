"""Fixtures: an app on SQLite or PostgreSQL, a clean database per test, clients and login helpers."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from principles_app import create_app
from principles_app.extensions import db, limiter

DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/test"
pytest_plugins = ["tests.live_server"]


def database_url() -> str:
    """Return the database the suite runs on: SQLite unless TEST_DB=postgresql."""
    if os.environ.get("TEST_DB", "sqlite") == "postgresql":
        return os.environ.get("TEST_DATABASE_URL", DEFAULT_PG_URL)
    folder = Path(tempfile.mkdtemp(prefix="principles-test-"))
    return f"sqlite:///{folder / 'test.sqlite'}"


def pg_url_for(url: str) -> str:
    """Return a SQLAlchemy URL with the psycopg driver."""
    return url.replace("postgresql://", "postgresql+psycopg://", 1) if url.startswith("postgresql://") else url


TEST_CONFIG = {
    "TESTING": True,
    "WTF_CSRF_ENABLED": False,
    "SECRET_KEY": "test-secret",
    "SERVER_NAME": None,
    "SESSION_COOKIE_SECURE": False,
    "RATELIMIT_STORAGE_URI": "memory://",
    # argon2id with small parameters keeps the suite fast; production parameters are the defaults.
    "ARGON2_TIME_COST": 1,
    "ARGON2_MEMORY_COST": 1024,
    "ARGON2_PARALLELISM": 1,
    # The suite restarts PostgreSQL under its own long-lived pool (tests/server): test every
    # pooled connection before use. Served apps keep the default (tests/server/test_idle_connections.py).
    "DATABASE_PING_AFTER_IDLE": 0,
}


def _reset_schema(url: str) -> None:
    if url.startswith("postgresql"):
        engine = create_engine(pg_url_for(url))
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()


class RequestIsolatedClient(FlaskClient):
    """Run each request in its own app context, as a real server does.

    Tests keep an app context open to reach the database; without this, requests would share
    that context's `g` (signed-in user, locale) and its database session.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def db_url() -> str:
    return database_url()


@pytest.fixture(scope="session")
def app(db_url):
    _reset_schema(db_url)
    application = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": pg_url_for(db_url)})
    application.test_client_class = RequestIsolatedClient
    with application.app_context():
        db.create_all()
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_database(request, app):
    """Give every test empty tables and fresh rate limits."""
    if "app" not in request.fixturenames:
        yield
        return
    ctx = app.app_context()
    ctx.push()
    limiter.reset()
    yield
    db.session.rollback()
    db.session.remove()
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())
    ctx.pop()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def is_postgres(db_url) -> bool:
    return db_url.startswith("postgresql")
