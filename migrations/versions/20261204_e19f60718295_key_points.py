"""key points: consultation rounds, key points, themes, supports, translations and principles' sources

Revision ID: e19f60718295
Revises: d18e5f607184
Create Date: 2026-12-04 18:36:52.792166

"""

import sqlalchemy as sa
from alembic import op

import principles_app.db

# revision identifiers, used by Alembic.
revision = "e19f60718295"
down_revision = "d18e5f607184"
branch_labels = None
depends_on = None


ROUND_KINDS_BEFORE = ("amendments", "voting", "adoption")
ROUND_KINDS_AFTER = (*ROUND_KINDS_BEFORE, "consultation")


def _round_kinds(kinds):
    """Let the round table's kind column take exactly these kinds (SQLite rebuilds the table)."""
    allowed = ", ".join(f"'{kind}'" for kind in kinds)
    with op.batch_alter_table("round", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_round_round_kind"), type_="check")
        batch_op.create_check_constraint("round_kind", sa.text(f"kind IN ({allowed})"))


def upgrade():
    _round_kinds(ROUND_KINDS_AFTER)
    op.create_table(
        "point_theme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("created_at", principles_app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"], name=op.f("fk_point_theme_document_id_document")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_point_theme")),
        sa.UniqueConstraint("document_id", "name", name=op.f("uq_point_theme_document_id_name")),
    )
    with op.batch_alter_table("point_theme", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_point_theme_document_id"), ["document_id"], unique=False)

    op.create_table(
        "key_point",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=True),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("session_name", sa.String(length=200), nullable=True),
        sa.Column("session_date", sa.Date(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", principles_app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("edited_at", principles_app.db.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "(session_name IS NULL) = (session_date IS NULL)", name=op.f("ck_key_point_session_named_and_dated")
        ),
        sa.ForeignKeyConstraint(["author_id"], ["user_account.id"], name=op.f("fk_key_point_author_id_user_account")),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"], name=op.f("fk_key_point_document_id_document")),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_key_point_organisation_id_organisation")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["user_account.id"], name=op.f("fk_key_point_recorded_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(["round_id"], ["round.id"], name=op.f("fk_key_point_round_id_round")),
        sa.ForeignKeyConstraint(["theme_id"], ["point_theme.id"], name=op.f("fk_key_point_theme_id_point_theme")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_key_point")),
    )
    with op.batch_alter_table("key_point", schema=None) as batch_op:
        batch_op.create_index("ix_key_point_document_created", ["document_id", "created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_key_point_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_key_point_round_id"), ["round_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_key_point_theme_id"), ["theme_id"], unique=False)

    op.create_table(
        "key_point_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("point_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", principles_app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["point_id"], ["key_point.id"], name=op.f("fk_key_point_revision_point_id_key_point"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_key_point_revision_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_key_point_revision")),
    )
    with op.batch_alter_table("key_point_revision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_key_point_revision_point_id"), ["point_id"], unique=False)

    op.create_table(
        "point_support",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("point_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", principles_app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_point_support_organisation_id_organisation")
        ),
        sa.ForeignKeyConstraint(
            ["point_id"], ["key_point.id"], name=op.f("fk_point_support_point_id_key_point"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name=op.f("fk_point_support_user_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_point_support")),
        sa.UniqueConstraint("point_id", "organisation_id", name=op.f("uq_point_support_point_id_organisation_id")),
    )
    with op.batch_alter_table("point_support", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_point_support_organisation_id"), ["organisation_id"], unique=False)

    op.create_table(
        "point_translation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("point_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("source_text", sa.Text(), nullable=False),
        sa.Column("translated_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", principles_app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", principles_app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["point_id"], ["key_point.id"], name=op.f("fk_point_translation_point_id_key_point"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["translated_by_id"], ["user_account.id"], name=op.f("fk_point_translation_translated_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_point_translation")),
        sa.UniqueConstraint("point_id", "language", name=op.f("uq_point_translation_point_id_language")),
    )
    with op.batch_alter_table("point_translation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_point_translation_point_id"), ["point_id"], unique=False)

    op.create_table(
        "principle_source",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("principle_id", sa.Integer(), nullable=False),
        sa.Column("point_id", sa.Integer(), nullable=False),
        sa.Column("from_version", sa.Integer(), nullable=False),
        sa.Column("until_version", sa.Integer(), nullable=True),
        sa.Column("linked_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", principles_app.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "until_version IS NULL OR until_version > from_version", name=op.f("ck_principle_source_versions_in_order")
        ),
        sa.ForeignKeyConstraint(
            ["linked_by_id"], ["user_account.id"], name=op.f("fk_principle_source_linked_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(["point_id"], ["key_point.id"], name=op.f("fk_principle_source_point_id_key_point")),
        sa.ForeignKeyConstraint(
            ["principle_id"], ["principle.id"], name=op.f("fk_principle_source_principle_id_principle")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_principle_source")),
        sa.UniqueConstraint(
            "principle_id",
            "point_id",
            "from_version",
            name=op.f("uq_principle_source_principle_id_point_id_from_version"),
        ),
    )
    with op.batch_alter_table("principle_source", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_principle_source_point_id"), ["point_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_principle_source_principle_id"), ["principle_id"], unique=False)


def downgrade():
    with op.batch_alter_table("principle_source", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_principle_source_principle_id"))
        batch_op.drop_index(batch_op.f("ix_principle_source_point_id"))

    op.drop_table("principle_source")
    with op.batch_alter_table("point_translation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_point_translation_point_id"))

    op.drop_table("point_translation")
    with op.batch_alter_table("point_support", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_point_support_organisation_id"))

    op.drop_table("point_support")
    with op.batch_alter_table("key_point_revision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_key_point_revision_point_id"))

    op.drop_table("key_point_revision")
    with op.batch_alter_table("key_point", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_key_point_theme_id"))
        batch_op.drop_index(batch_op.f("ix_key_point_round_id"))
        batch_op.drop_index(batch_op.f("ix_key_point_organisation_id"))
        batch_op.drop_index("ix_key_point_document_created")

    op.drop_table("key_point")
    with op.batch_alter_table("point_theme", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_point_theme_document_id"))

    op.drop_table("point_theme")
    op.execute(sa.text("DELETE FROM round WHERE kind = 'consultation'"))
    _round_kinds(ROUND_KINDS_BEFORE)
