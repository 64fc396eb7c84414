"""a user's last look at the home page

Revision ID: 7c3e91a4d2b6
Revises: 5c1e9b7a3d20
Create Date: 2026-12-05 15:10:00.000000

"""

import sqlalchemy as sa
from alembic import op

import principles_app.db

# revision identifiers, used by Alembic.
revision = "7c3e91a4d2b6"
down_revision = "5c1e9b7a3d20"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user_account") as batch_op:
        batch_op.add_column(sa.Column("home_seen_at", principles_app.db.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("user_account") as batch_op:
        batch_op.drop_column("home_seen_at")
