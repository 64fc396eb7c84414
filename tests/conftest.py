"""Fixtures: an app on SQLite or PostgreSQL, a rolled-back transaction per test, clients and a query counter.

Every test runs inside one database transaction that is rolled back when it ends (as the
warehouse project's suite does): the session, and every request made through the test client,
share one connection, and each `db.session.commit()` only releases a savepoint. Tests that need
data really committed, because threads, processes or other connections must see it, are marked
`@pytest.mark.committed` (everything under tests/server and tests/e2e is): they get ordinary
sessions and the tables are emptied after them.
"""

from __future__ import annotations

import os
import re
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import Connection, create_engine, event, text

from principles_app import create_app
from principles_app.extensions import db, limiter
from principles_app.services import commit_signal
from principles_app.services import live as live_service

DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/test"
# Folders whose tests serve the app to other processes or drive a real server: always committed.
COMMITTED_FOLDERS = ("server", "e2e")
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
    # No role must enrol in two-factor sign-in, except in the tests of that rule (tests/*/test_two_factor*).
    "TWO_FACTOR_REQUIRED_ROLES": (),
}


def pytest_configure(config) -> None:
    config.addinivalue_line(
        "markers",
        "committed: the test's data is really committed (threads, processes or other connections "
        "read it) and the tables are emptied afterwards, instead of a rolled-back transaction",
    )


def pytest_collection_modifyitems(config, items) -> None:
    """Mark every test under tests/server and tests/e2e as needing committed data."""
    root = Path(__file__).resolve().parent
    folders = [root / name for name in COMMITTED_FOLDERS]
    for item in items:
        if any(folder in item.path.parents for folder in folders):
            item.add_marker(pytest.mark.committed)


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
    that context's `g` (signed-in user, locale) and its database session. The request's session
    still uses the test's connection, so it sees the test's data.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


class ConnectionBoundSession(FlaskSession):
    """Flask-SQLAlchemy's session, except that a session given a connection uses it.

    Flask-SQLAlchemy picks an engine for every statement and ignores the session's own bind.
    A connection is not to be shared between threads: a session opened on the test's connection
    from another thread means the test needs committed data, and is refused.
    """

    def __init__(self, db, test_thread: int | None = None, **kwargs):
        if test_thread is not None and test_thread != threading.get_ident():
            raise RuntimeError("a test that reaches the database from other threads needs @pytest.mark.committed")
        super().__init__(db, **kwargs)

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        if bind is None and self.bind is not None:
            return self.bind
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


def _begin_explicitly_on_sqlite(connection) -> None:
    """Let the SQLite driver run savepoints inside the test's transaction.

    pysqlite begins transactions itself, late and not before SAVEPOINT; the SQLAlchemy
    documentation's remedy ("Serializable isolation / Savepoints / Transactional DDL") is to turn
    the driver's handling off and emit BEGIN when SQLAlchemy begins. Done on this connection only,
    so that committed tests keep the driver's usual behaviour; the pool restores it on check-in.
    """
    connection.execution_options(isolation_level="AUTOCOMMIT")

    @event.listens_for(connection, "begin")
    def begin(conn) -> None:
        conn.exec_driver_sql("BEGIN")


@pytest.fixture(scope="session")
def db_url() -> str:
    return database_url()


@pytest.fixture(scope="session")
def app(db_url):
    _reset_schema(db_url)
    application = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": pg_url_for(db_url)})
    application.test_client_class = RequestIsolatedClient
    db.session.session_factory.class_ = ConnectionBoundSession
    with application.app_context():
        db.create_all()
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _database(request, app):
    """Run the test in a transaction rolled back afterwards, or empty the tables after a committed test."""
    if "app" not in request.fixturenames:
        yield
        return
    ctx = app.app_context()
    ctx.push()
    limiter.reset()
    live_service.RENDERED.clear()  # bodies rendered from another test's records
    commit_signal.forget_all()  # and answers read from them
    if request.node.get_closest_marker("committed"):
        yield
        _empty_tables()
    else:
        with rolled_back_transaction():
            yield
    ctx.pop()


@contextmanager
def rolled_back_transaction() -> Iterator[Connection]:
    """Bind every new session to one connection whose outer transaction is rolled back at the end.

    Sessions join it with a savepoint, so the application's commits and rollbacks work as usual
    inside the test without ever reaching the database for good.
    """
    connection = db.engine.connect()
    if connection.dialect.name == "sqlite":
        _begin_explicitly_on_sqlite(connection)
    transaction = connection.begin()
    sessions = db.session.session_factory
    db.session.remove()
    sessions.configure(bind=connection, join_transaction_mode="create_savepoint", test_thread=threading.get_ident())
    try:
        yield connection
    finally:
        db.session.remove()
        for option in ("bind", "join_transaction_mode", "test_thread"):
            sessions.kw.pop(option, None)
        if transaction.is_active:
            transaction.rollback()
        connection.close()


def _empty_tables() -> None:
    """Delete every row the committed test left."""
    db.session.rollback()
    db.session.remove()
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())


# Transaction control the harness (or the driver) adds around the application's own statements.
HARNESS_STATEMENT = re.compile(r"\s*(BEGIN|SAVEPOINT|RELEASE|ROLLBACK TO)\b", re.IGNORECASE)


class QueryCounter:
    """Count the SQL statements the application sends while the context is open.

    BEGIN and savepoints are left out: they depend on how the test holds its transaction.
    """

    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)

    def _record(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if not HARNESS_STATEMENT.match(statement):
            self.statements.append(statement)

    def __enter__(self) -> QueryCounter:
        event.listen(db.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc) -> None:
        event.remove(db.engine, "before_cursor_execute", self._record)


@pytest.fixture
def count_queries(app):
    """Return a context manager counting the application's SQL statements (`with count_queries() as c:`)."""
    return QueryCounter


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def is_postgres(db_url) -> bool:
    return db_url.startswith("postgresql")
