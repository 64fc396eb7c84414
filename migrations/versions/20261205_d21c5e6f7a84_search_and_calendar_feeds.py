"""search index (PostgreSQL full text or SQLite FTS5) and personal calendar feeds

Revision ID: d21c5e6f7a84
Revises: b17a3c4d5e62
Create Date: 2026-12-05 08:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

import principles_app.db
from principles_app.models.search import POSTGRESQL_CREATE, POSTGRESQL_DROP, SQLITE_CREATE, SQLITE_DROP

# revision identifiers, used by Alembic.
revision = "d21c5e6f7a84"
down_revision = "b17a3c4d5e62"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "search_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("ref_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("parent_type", sa.String(length=20), nullable=True),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("author", sa.Text(), nullable=False),
        sa.Column("updated_at", principles_app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"], ["document.id"], name=op.f("fk_search_entry_document_id_document"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_entry")),
        sa.UniqueConstraint("kind", "ref_id", name=op.f("uq_search_entry_kind_ref_id")),
    )
    with op.batch_alter_table("search_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_search_entry_document_id"), ["document_id"], unique=False)
    statements = POSTGRESQL_CREATE if op.get_bind().dialect.name == "postgresql" else SQLITE_CREATE
    for statement in statements:
        op.execute(statement)

    op.create_table(
        "calendar_feed",
        sa.Column("user_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", principles_app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_calendar_feed_user_id_user_account"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_calendar_feed")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_calendar_feed_token_hash")),
    )


def downgrade():
    op.drop_table("calendar_feed")
    statements = POSTGRESQL_DROP if op.get_bind().dialect.name == "postgresql" else SQLITE_DROP
    op.drop_table("search_entry")
    for statement in statements:
        op.execute(statement)
