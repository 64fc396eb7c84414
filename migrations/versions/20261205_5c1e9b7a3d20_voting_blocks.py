"""voting blocks: the amendments one motion carries

Revision ID: 5c1e9b7a3d20
Revises: d21c5e6f7a84
Create Date: 2026-12-05 15:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5c1e9b7a3d20"
down_revision = "d21c5e6f7a84"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "motion_amendment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("motion_id", sa.Integer(), nullable=False),
        sa.Column("amendment_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["amendment_id"], ["amendment.id"], name=op.f("fk_motion_amendment_amendment_id_amendment")
        ),
        sa.ForeignKeyConstraint(
            ["motion_id"], ["motion.id"], name=op.f("fk_motion_amendment_motion_id_motion"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_motion_amendment")),
        sa.UniqueConstraint("motion_id", "amendment_id", name=op.f("uq_motion_amendment_motion_id_amendment_id")),
        sa.UniqueConstraint("motion_id", "position", name=op.f("uq_motion_amendment_motion_id_position")),
    )
    with op.batch_alter_table("motion_amendment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_motion_amendment_amendment_id"), ["amendment_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_motion_amendment_motion_id"), ["motion_id"], unique=False)


def downgrade():
    with op.batch_alter_table("motion_amendment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_motion_amendment_motion_id"))
        batch_op.drop_index(batch_op.f("ix_motion_amendment_amendment_id"))
    op.drop_table("motion_amendment")
