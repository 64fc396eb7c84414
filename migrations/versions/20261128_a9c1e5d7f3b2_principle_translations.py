"""principle translations: titles and texts in other languages with their source

Revision ID: a9c1e5d7f3b2
Revises: f2a4c6e8b0d1
Create Date: 2026-11-28 05:25:25.230284

"""

import sqlalchemy as sa
from alembic import op

import principles_app.db

# revision identifiers, used by Alembic.
revision = "a9c1e5d7f3b2"
down_revision = "f2a4c6e8b0d1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "principle_translation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("principle_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("source_title", sa.String(length=200), nullable=False),
        sa.Column("source_text", sa.Text(), nullable=False),
        sa.Column("source_version", sa.Integer(), nullable=False),
        sa.Column("translated_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", principles_app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", principles_app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["principle_id"],
            ["principle.id"],
            name=op.f("fk_principle_translation_principle_id_principle"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["translated_by_id"],
            ["user_account.id"],
            name=op.f("fk_principle_translation_translated_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_principle_translation")),
        sa.UniqueConstraint("principle_id", "language", name=op.f("uq_principle_translation_principle_id_language")),
    )
    with op.batch_alter_table("principle_translation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_principle_translation_principle_id"), ["principle_id"], unique=False)


def downgrade():
    with op.batch_alter_table("principle_translation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_principle_translation_principle_id"))

    op.drop_table("principle_translation")
