"""endorsements: organisations outside the network endorse a publication; mail to addresses without an account

Revision ID: f20a718293a6
Revises: 3e5b7d9f1a24
Create Date: 2026-12-04 18:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

import principles_app.db

# revision identifiers, used by Alembic.
revision = "f20a718293a6"
down_revision = "3e5b7d9f1a24"
branch_labels = None
depends_on = None

REGIONS = ("africa", "americas", "asia_pacific", "europe_central_asia", "mena", "international")
STATES = ("pending_verification", "verified", "approved", "rejected", "withdrawn")
HOLDING = "state IN ('verified', 'approved')"


def upgrade():
    op.create_table(
        "endorsement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("publication_id", sa.Integer(), nullable=False),
        sa.Column("organisation_name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=64), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column(
            "region",
            sa.Enum(*REGIONS, name="endorsement_region", native_enum=False, create_constraint=True, length=32),
            nullable=False,
        ),
        sa.Column("website", sa.String(length=300), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("statement", sa.Text(), nullable=True),
        sa.Column("consent", sa.Boolean(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column(
            "state",
            sa.Enum(*STATES, name="endorsement_state", native_enum=False, create_constraint=True, length=32),
            nullable=False,
        ),
        sa.Column("verification_hash", sa.String(length=64), nullable=False),
        sa.Column("verification_expires_at", principles_app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("verification_used_at", principles_app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("withdrawal_hash", sa.String(length=64), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", principles_app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("verified_at", principles_app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_at", principles_app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_at", principles_app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", principles_app.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("consent", name=op.f("ck_endorsement_consent_given")),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["user_account.id"], name=op.f("fk_endorsement_decided_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["publication_id"],
            ["publication.id"],
            name=op.f("fk_endorsement_publication_id_publication"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_endorsement")),
        sa.UniqueConstraint("verification_hash", name=op.f("uq_endorsement_verification_hash")),
        sa.UniqueConstraint("withdrawal_hash", name=op.f("uq_endorsement_withdrawal_hash")),
    )
    with op.batch_alter_table("endorsement", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_endorsement_publication_id"), ["publication_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_endorsement_state"), ["state"], unique=False)
        batch_op.create_index(
            "uq_endorsement_publication_holder",
            ["publication_id", "name_key"],
            unique=True,
            sqlite_where=sa.text(HOLDING),
            postgresql_where=sa.text(HOLDING),
        )
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("to_address", sa.String(length=254), nullable=True))
        batch_op.alter_column("user_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_check_constraint("has_recipient", "user_id IS NOT NULL OR to_address IS NOT NULL")


def downgrade():
    op.execute("DELETE FROM outbox_message WHERE user_id IS NULL")
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_constraint("ck_outbox_message_has_recipient", type_="check")
        batch_op.alter_column("user_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("to_address")
    with op.batch_alter_table("endorsement", schema=None) as batch_op:
        batch_op.drop_index("uq_endorsement_publication_holder")
        batch_op.drop_index(batch_op.f("ix_endorsement_state"))
        batch_op.drop_index(batch_op.f("ix_endorsement_publication_id"))
    op.drop_table("endorsement")
