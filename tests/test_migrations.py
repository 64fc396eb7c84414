"""`db upgrade` from an empty database gives exactly the models' schema."""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from principles_app import create_app
from principles_app.extensions import db
from tests.conftest import TEST_CONFIG, pg_url_for


def _empty_database_url(db_url: str) -> tuple[str, callable]:
    if not db_url.startswith("postgresql"):
        folder = Path(tempfile.mkdtemp(prefix="principles-migrations-"))
        return f"sqlite:///{folder / 'migrated.sqlite'}", lambda: None
    name = f"migrations_{uuid.uuid4().hex[:8]}"
    admin = create_engine(pg_url_for(db_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return pg_url_for(db_url).rsplit("/", 1)[0] + f"/{name}", drop


def test_upgrade_from_empty_matches_the_models(db_url):
    url, drop = _empty_database_url(db_url)
    try:
        app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            upgrade()
            with db.engine.connect() as conn:
                context = MigrationContext.configure(conn, opts={"compare_type": True})
                differences = compare_metadata(context, db.metadata)
            db.engine.dispose()
        assert differences == [], differences
    finally:
        drop()
