"""user session epoch: signing out ends every session of the account

Revision ID: ae7290d15a4c
Revises: a9c1e5d7f3b2
Create Date: 2026-11-28 17:02:54.539069

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "ae7290d15a4c"
down_revision = "a9c1e5d7f3b2"
branch_labels = None
depends_on = None


def upgrade():
    # Existing sessions store a bare user id, which no longer matches "id:epoch": everyone signs in again once.
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_epoch", sa.Integer(), server_default="0", nullable=False))


def downgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("session_epoch")
