"""The search index: one row per searchable text, with a full-text index beside it.

The full-text part is not a plain table, so the models cannot describe it: on PostgreSQL a
``tsv`` column (``tsvector`` of the ``principles_search`` configuration, ``simple`` plus ``unaccent``)
with a GIN index; on SQLite the FTS5 table ``search_fts`` (``unicode61`` without diacritics).
Both hold the text folded by the service (lower case, without accents or Arabic vowel marks).
Both are created with the table (``db.create_all`` and the migration run the same statements).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DDL, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column

from principles_app.db import Base, UTCDateTime, int_pk, utcnow

TEXT_SEARCH_CONFIG = "principles_search"
FTS_TABLE = "search_fts"
TSV_COLUMN = "tsv"
TSV_INDEX = "ix_search_entry_tsv"

POSTGRESQL_CREATE = (
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    f"CREATE TEXT SEARCH CONFIGURATION {TEXT_SEARCH_CONFIG} (COPY = pg_catalog.simple)",
    f"ALTER TEXT SEARCH CONFIGURATION {TEXT_SEARCH_CONFIG} "
    "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple",
    f"ALTER TABLE search_entry ADD COLUMN {TSV_COLUMN} tsvector",
    f"CREATE INDEX {TSV_INDEX} ON search_entry USING gin ({TSV_COLUMN})",
)
POSTGRESQL_DROP = (f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {TEXT_SEARCH_CONFIG}",)
SQLITE_CREATE = (
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(title, body, author, tokenize = 'unicode61 remove_diacritics 2')",
)
SQLITE_DROP = (f"DROP TABLE IF EXISTS {FTS_TABLE}",)
# The SQLite FTS5 table keeps its data in these shadow tables.
FTS_SHADOW_TABLES = tuple(f"{FTS_TABLE}_{suffix}" for suffix in ("data", "idx", "content", "docsize", "config"))


class SearchEntry(Base):
    """One searchable text: a principle, publication, amendment, comment, key point or translation."""

    __tablename__ = "search_entry"
    __table_args__ = (UniqueConstraint("kind", "ref_id"),)

    id: Mapped[int_pk]
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    ref_id: Mapped[int] = mapped_column(Integer, nullable=False)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"), nullable=False, index=True)
    # What a link to it needs besides its own id: a comment's target, a translation's principle or point.
    parent_type: Mapped[str | None] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(Integer)
    language: Mapped[str | None] = mapped_column(String(8))
    # Readable by anyone (publications); every other entry is for signed-in users only.
    public: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    title: Mapped[str] = mapped_column(Text, nullable=False, default="")
    body: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # A named author only: an anonymous comment's author is never written here.
    author: Mapped[str] = mapped_column(Text, nullable=False, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)


def _run(statements: tuple[str, ...], dialect: str):
    def run(target, connection, **kwargs) -> None:
        if connection.dialect.name == dialect:
            for statement in statements:
                connection.execute(DDL(statement))

    return run


event.listen(SearchEntry.__table__, "after_create", _run(POSTGRESQL_CREATE, "postgresql"))
event.listen(SearchEntry.__table__, "after_create", _run(SQLITE_CREATE, "sqlite"))
event.listen(SearchEntry.__table__, "after_drop", _run(POSTGRESQL_DROP, "postgresql"))
event.listen(SearchEntry.__table__, "after_drop", _run(SQLITE_DROP, "sqlite"))
