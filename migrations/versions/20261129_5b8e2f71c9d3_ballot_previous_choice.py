"""ballot previous choice: one upsert casts or changes a ballot and says what it replaced

Revision ID: 5b8e2f71c9d3
Revises: ae7290d15a4c
Create Date: 2026-11-29 03:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5b8e2f71c9d3"
down_revision = "ae7290d15a4c"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("ballot", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_choice", sa.String(length=8), nullable=True))
    # The last recorded change of each ballot already says what it replaced.
    op.execute(
        "UPDATE ballot SET previous_choice = (SELECT c.from_choice FROM ballot_change c "
        "WHERE c.ballot_id = ballot.id ORDER BY c.at DESC, c.id DESC LIMIT 1)"
    )


def downgrade():
    with op.batch_alter_table("ballot", schema=None) as batch_op:
        batch_op.drop_column("previous_choice")
