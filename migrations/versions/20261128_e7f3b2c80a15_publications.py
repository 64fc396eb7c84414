"""publications and their export cache

Revision ID: e7f3b2c80a15
Revises: d5e8a1c94f20
Create Date: 2026-11-28 04:30:00

"""

import sqlalchemy as sa
from alembic import op

import principles_app.db

# revision identifiers, used by Alembic.
revision = "e7f3b2c80a15"
down_revision = "d5e8a1c94f20"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "publication",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("version_number", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=40), nullable=False),
        sa.Column("approved_at", sa.Date(), nullable=False),
        sa.Column("meeting", sa.String(length=200), nullable=False),
        sa.Column("published_at", principles_app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"], name=op.f("fk_publication_document_id_document")),
        sa.ForeignKeyConstraint(
            ["published_by_id"], ["user_account.id"], name=op.f("fk_publication_published_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_publication")),
        sa.UniqueConstraint("document_id", "label", name=op.f("uq_publication_document_id_label")),
    )
    with op.batch_alter_table("publication", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_publication_document_id"), ["document_id"], unique=False)

    op.create_table(
        "publication_export",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("publication_id", sa.Integer(), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("etag", sa.String(length=64), nullable=False),
        sa.Column("created_at", principles_app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["publication_id"],
            ["publication.id"],
            name=op.f("fk_publication_export_publication_id_publication"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_publication_export")),
        sa.UniqueConstraint(
            "publication_id", "format", "language", name=op.f("uq_publication_export_publication_id_format_language")
        ),
    )
    with op.batch_alter_table("publication_export", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_publication_export_publication_id"), ["publication_id"], unique=False)


def downgrade():
    with op.batch_alter_table("publication_export", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_publication_export_publication_id"))
    op.drop_table("publication_export")
    with op.batch_alter_table("publication", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_publication_document_id"))
    op.drop_table("publication")
