"""amendment recommendations: the secretariat's recommendation per amendment and the proposer's answer

Revision ID: 3e5b7d9f1a24
Revises: 8a3f5c7e2b91
Create Date: 2026-12-04 16:20:00.000000

"""

import sqlalchemy as sa
from alembic import op

import principles_app.db

# revision identifiers, used by Alembic.
revision = "3e5b7d9f1a24"
down_revision = "8a3f5c7e2b91"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "amendment_recommendation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("amendment_id", sa.Integer(), nullable=False),
        sa.Column(
            "procedure",
            sa.Enum(
                "accept",
                "reject",
                "modified",
                "covered_by",
                "vote",
                name="recommendation_procedure",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("covered_by_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "answer",
            sa.Enum(
                "agree", "object", name="recommendation_answer", native_enum=False, create_constraint=True, length=32
            ),
            nullable=True,
        ),
        sa.Column("answer_comment", sa.Text(), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("answered_at", principles_app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", principles_app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", principles_app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["amendment_id"],
            ["amendment.id"],
            name=op.f("fk_amendment_recommendation_amendment_id_amendment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["covered_by_id"], ["amendment.id"], name=op.f("fk_amendment_recommendation_covered_by_id_amendment")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_amendment_recommendation_user_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["answered_by_id"],
            ["user_account.id"],
            name=op.f("fk_amendment_recommendation_answered_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_amendment_recommendation")),
        sa.UniqueConstraint("amendment_id", name=op.f("uq_amendment_recommendation_amendment_id")),
    )


def downgrade():
    op.drop_table("amendment_recommendation")
