"""Threaded comments: comments, their revisions, flags, and activity-page visits

Revision ID: c3d9f2a61b07
Revises: b1a7e0d4c2f1
Create Date: 2026-11-28 04:30:00

"""

import sqlalchemy as sa
from alembic import op

import principles_app.db

# revision identifiers, used by Alembic.
revision = "c3d9f2a61b07"
down_revision = "b1a7e0d4c2f1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "target_type",
            sa.Enum(
                "principle",
                "amendment",
                name="comment_target_type",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column(
            "stance",
            sa.Enum(
                "support",
                "oppose",
                "question",
                name="comment_stance",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("created_at", principles_app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("edited_at", principles_app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("deleted_at", principles_app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("hidden_at", principles_app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "hidden_category",
            sa.Enum(
                "pending_review",
                "abusive",
                "personal_information",
                "off_topic",
                "spam",
                "other",
                name="comment_hidden_category",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("hidden_reason", sa.Text(), nullable=True),
        sa.Column("hidden_by_id", sa.Integer(), nullable=True),
        sa.Column("pending_review", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["user_account.id"], name=op.f("fk_comment_author_id_user_account")),
        sa.ForeignKeyConstraint(
            ["hidden_by_id"], ["user_account.id"], name=op.f("fk_comment_hidden_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_comment_organisation_id_organisation")
        ),
        sa.ForeignKeyConstraint(["parent_id"], ["comment.id"], name=op.f("fk_comment_parent_id_comment")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comment")),
    )
    with op.batch_alter_table("comment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_comment_author_id"), ["author_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_comment_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_comment_parent_id"), ["parent_id"], unique=False)
        batch_op.create_index("ix_comment_target", ["target_type", "target_id"], unique=False)
    op.create_table(
        "comment_activity_visit",
        sa.Column("user_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("visited_at", principles_app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_comment_activity_visit_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_comment_activity_visit")),
    )
    op.create_table(
        "comment_flag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", principles_app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", principles_app.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["comment_id"], ["comment.id"], name=op.f("fk_comment_flag_comment_id_comment"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_comment_flag_organisation_id_organisation")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name=op.f("fk_comment_flag_user_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comment_flag")),
        sa.UniqueConstraint("comment_id", "organisation_id", name=op.f("uq_comment_flag_comment_id_organisation_id")),
    )
    with op.batch_alter_table("comment_flag", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_comment_flag_comment_id"), ["comment_id"], unique=False)
    op.create_table(
        "comment_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("written_at", principles_app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("replaced_at", principles_app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["comment_id"], ["comment.id"], name=op.f("fk_comment_revision_comment_id_comment"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comment_revision")),
    )
    with op.batch_alter_table("comment_revision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_comment_revision_comment_id"), ["comment_id"], unique=False)


def downgrade():
    with op.batch_alter_table("comment_revision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_comment_revision_comment_id"))
    op.drop_table("comment_revision")
    with op.batch_alter_table("comment_flag", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_comment_flag_comment_id"))
    op.drop_table("comment_flag")
    op.drop_table("comment_activity_visit")
    with op.batch_alter_table("comment", schema=None) as batch_op:
        batch_op.drop_index("ix_comment_target")
        batch_op.drop_index(batch_op.f("ix_comment_parent_id"))
        batch_op.drop_index(batch_op.f("ix_comment_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_comment_author_id"))
    op.drop_table("comment")
