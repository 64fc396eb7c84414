"""Pooled PostgreSQL connections: tested before use after sitting idle, not before every request.

Collected only on PostgreSQL runs (see tests/server/conftest.py): a SQLite file has no server
that could drop the connection.
"""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text

from principles_app import create_app
from principles_app.extensions import db
from tests.conftest import TEST_CONFIG, pg_url_for


@contextmanager
def _server(db_url: str, ping_after_idle: float):
    app = create_app(
        {**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": pg_url_for(db_url), "DATABASE_PING_AFTER_IDLE": ping_after_idle}
    )
    try:
        yield app
    finally:
        with app.app_context():
            db.engine.dispose()


def _backend_of(app) -> int:
    """Return the server process behind the app's one pooled connection."""
    with app.app_context():
        pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar_one()
        db.session.remove()
    return pid


def _cut(db_url: str, pid: int) -> None:
    """End one server process, as a restart or a failover would."""
    admin = create_engine(pg_url_for(db_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        assert conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar_one()
    admin.dispose()


@pytest.fixture
def cut_connection(db_url):
    def cut(app) -> int:
        pid = _backend_of(app)
        _cut(db_url, pid)
        return pid

    return cut


def test_a_connection_that_died_while_idle_is_replaced_before_any_request_sees_it(db_url, cut_connection):
    with _server(db_url, ping_after_idle=0) as app:
        client = app.test_client()
        assert client.get("/healthz").status_code == 200
        dead = cut_connection(app)

        response = client.get("/healthz")

        assert response.status_code == 200, response.get_data(as_text=True)
        assert response.get_json() == {"status": "ok", "database": "ok"}
        assert _backend_of(app) != dead


def test_a_connection_that_died_in_steady_use_fails_one_request_with_503_and_the_next_reconnects(
    db_url, cut_connection
):
    # Within the idle limit nothing is tested in advance: a request costs no extra round trip.
    with _server(db_url, ping_after_idle=3600) as app:
        client = app.test_client()
        assert client.get("/healthz").status_code == 200
        dead = cut_connection(app)

        failed = client.get("/healthz")
        recovered = client.get("/healthz")

        assert failed.status_code == 503
        assert failed.headers["Retry-After"] == "5"
        assert recovered.status_code == 200
        assert _backend_of(app) != dead
