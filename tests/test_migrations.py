"""`db upgrade` from an empty database gives exactly the models' schema."""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect, text

from principles_app import create_app
from principles_app.extensions import db
from principles_app.models.search import FTS_SHADOW_TABLES, FTS_TABLE, TSV_COLUMN, TSV_INDEX
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
                full_text = _full_text_objects(conn)
            db.engine.dispose()
        assert _without_full_text(differences) == [], differences
        # The full-text part of the search index, which the models cannot describe, is there too.
        if url.startswith("sqlite"):
            assert full_text == {FTS_TABLE, *FTS_SHADOW_TABLES}
        else:
            assert full_text == {TSV_COLUMN, TSV_INDEX}
    finally:
        drop()


def _full_text_objects(conn) -> set[str]:
    """Name the full-text objects of the search index the upgrade made."""
    inspector = inspect(conn)
    if conn.dialect.name == "sqlite":
        return {name for name in inspector.get_table_names() if name.startswith(FTS_TABLE)}
    columns = {column["name"] for column in inspector.get_columns("search_entry")}
    indexes = {index["name"] for index in inspector.get_indexes("search_entry")}
    return ({TSV_COLUMN} & columns) | ({TSV_INDEX} & indexes)


def _without_full_text(differences: list) -> list:
    """Leave out exactly the full-text objects the models cannot describe: the FTS5 tables, the tsvector and its index."""
    kept = []
    for difference in differences:
        item = difference[0] if isinstance(difference, list) else difference
        kind, obj = item[0], item[1] if len(item) > 1 else None
        if kind == "remove_table" and obj.name in {FTS_TABLE, *FTS_SHADOW_TABLES}:
            continue
        if kind == "remove_column" and item[2] == "search_entry" and item[3].name == TSV_COLUMN:
            continue
        if kind == "remove_index" and obj.name == TSV_INDEX:
            continue
        kept.append(difference)
    return kept
