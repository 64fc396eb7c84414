"""paper ballots and reminders: ballots entered from paper, the last reminder sent per motion

Revision ID: a16f3a4b5c62
Revises: e19f60718295
Create Date: 2026-12-05 08:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

import principles_app.db

# revision identifiers, used by Alembic.
revision = "a16f3a4b5c62"
down_revision = "e19f60718295"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("ballot", schema=None) as batch_op:
        batch_op.add_column(sa.Column("paper", sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table("ballot_change", schema=None) as batch_op:
        batch_op.add_column(sa.Column("paper", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table(
        "motion_reminder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("motion_id", sa.Integer(), nullable=False),
        sa.Column("sent_at", principles_app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_by_id", sa.Integer(), nullable=False),
        sa.Column("sent_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["motion_id"], ["motion.id"], name=op.f("fk_motion_reminder_motion_id_motion")),
        sa.ForeignKeyConstraint(
            ["sent_by_id"], ["user_account.id"], name=op.f("fk_motion_reminder_sent_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_motion_reminder")),
        sa.UniqueConstraint("motion_id", name=op.f("uq_motion_reminder_motion_id")),
    )


def downgrade():
    op.drop_table("motion_reminder")
    with op.batch_alter_table("ballot_change", schema=None) as batch_op:
        batch_op.drop_column("paper")
    with op.batch_alter_table("ballot", schema=None) as batch_op:
        batch_op.drop_column("paper")
