"""password reset links: e-mailed single-use links, valid an hour, to choose a new password

Revision ID: 8a3f5c7e2b91
Revises: 7c4e9a2d1f60
Create Date: 2026-12-04 16:20:00.000000

"""

import sqlalchemy as sa
from alembic import op

import principles_app.db

# revision identifiers, used by Alembic.
revision = "8a3f5c7e2b91"
down_revision = "7c4e9a2d1f60"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "password_reset_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("session_epoch", sa.Integer(), nullable=False),
        sa.Column("created_at", principles_app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", principles_app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", principles_app.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_password_reset_link_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_password_reset_link")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_password_reset_link_token_hash")),
    )
    with op.batch_alter_table("password_reset_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_password_reset_link_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("password_reset_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_password_reset_link_user_id"))

    op.drop_table("password_reset_link")
