"""two-factor sign-in: authenticator apps (TOTP), recovery codes and passkeys

Revision ID: b17a3c4d5e62
Revises: a16f3a4b5c62
Create Date: 2026-12-05 08:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

import principles_app.db

# revision identifiers, used by Alembic.
revision = "b17a3c4d5e62"
down_revision = "a16f3a4b5c62"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "passkey",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("credential_id", sa.String(length=700), nullable=False),
        sa.Column("public_key", sa.LargeBinary(), nullable=False),
        sa.Column("sign_count", sa.Integer(), nullable=False),
        sa.Column("created_at", principles_app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", principles_app.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_passkey_user_id_user_account"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_passkey")),
        sa.UniqueConstraint("credential_id", name=op.f("uq_passkey_credential_id")),
    )
    with op.batch_alter_table("passkey", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_passkey_user_id"), ["user_id"], unique=False)

    op.create_table(
        "recovery_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", principles_app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", principles_app.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_recovery_code_user_id_user_account"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_code")),
        sa.UniqueConstraint("user_id", "code_hash", name=op.f("uq_recovery_code_user_id_code_hash")),
    )
    with op.batch_alter_table("recovery_code", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recovery_code_user_id"), ["user_id"], unique=False)

    op.create_table(
        "totp_credential",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("secret_encrypted", sa.String(length=255), nullable=False),
        sa.Column("created_at", principles_app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", principles_app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_used_step", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_totp_credential_user_id_user_account"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_totp_credential")),
        sa.UniqueConstraint("user_id", name=op.f("uq_totp_credential_user_id")),
    )


def downgrade():
    op.drop_table("totp_credential")
    with op.batch_alter_table("recovery_code", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recovery_code_user_id"))

    op.drop_table("recovery_code")
    with op.batch_alter_table("passkey", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_passkey_user_id"))

    op.drop_table("passkey")
