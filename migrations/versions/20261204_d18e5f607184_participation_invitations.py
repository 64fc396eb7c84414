"""participation invitations: the secretariat invites quiet member organisations once per round

Revision ID: d18e5f607184
Revises: f20a718293a6
Create Date: 2026-12-04 19:10:00.000000

"""

import sqlalchemy as sa
from alembic import op

import principles_app.db

# revision identifiers, used by Alembic.
revision = "d18e5f607184"
down_revision = "f20a718293a6"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "participation_invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("invited_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", principles_app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"], ["round.id"], name=op.f("fk_participation_invitation_round_id_round"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_participation_invitation_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["invited_by_id"],
            ["user_account.id"],
            name=op.f("fk_participation_invitation_invited_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_participation_invitation")),
        sa.UniqueConstraint(
            "round_id", "organisation_id", name=op.f("uq_participation_invitation_round_id_organisation_id")
        ),
    )
    op.create_index(
        op.f("ix_participation_invitation_round_id"), "participation_invitation", ["round_id"], unique=False
    )


def downgrade():
    op.drop_index(op.f("ix_participation_invitation_round_id"), table_name="participation_invitation")
    op.drop_table("participation_invitation")
