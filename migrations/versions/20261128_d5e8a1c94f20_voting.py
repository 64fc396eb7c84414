"""voting: motions, electorate snapshots, ballots and their history

Revision ID: d5e8a1c94f20
Revises: c3d9f2a61b07
Create Date: 2026-11-28 04:40:00

"""

import sqlalchemy as sa
from alembic import op

import principles_app.db

# revision identifiers, used by Alembic.
revision = "d5e8a1c94f20"
down_revision = "c3d9f2a61b07"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "electorate_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("region", sa.String(length=32), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("weight", principles_app.db.WeightType(precision=12, scale=4), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_electorate_member_organisation_id_organisation")
        ),
        sa.ForeignKeyConstraint(["round_id"], ["round.id"], name=op.f("fk_electorate_member_round_id_round")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_electorate_member")),
        sa.UniqueConstraint("round_id", "organisation_id", name=op.f("uq_electorate_member_round_id_organisation_id")),
    )
    with op.batch_alter_table("electorate_member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_electorate_member_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_electorate_member_round_id"), ["round_id"], unique=False)

    op.create_table(
        "motion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("amendment_id", sa.Integer(), nullable=True),
        sa.Column("version_number", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("effect", sa.String(length=16), nullable=True),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("put_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", principles_app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_at", principles_app.db.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "(amendment_id IS NULL) <> (version_number IS NULL)", name=op.f("ck_motion_amendment_xor_version")
        ),
        sa.ForeignKeyConstraint(["amendment_id"], ["amendment.id"], name=op.f("fk_motion_amendment_id_amendment")),
        sa.ForeignKeyConstraint(["put_by_id"], ["user_account.id"], name=op.f("fk_motion_put_by_id_user_account")),
        sa.ForeignKeyConstraint(["round_id"], ["round.id"], name=op.f("fk_motion_round_id_round")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_motion")),
        sa.UniqueConstraint("round_id", "amendment_id", name=op.f("uq_motion_round_id_amendment_id")),
        sa.UniqueConstraint("round_id", "position", name=op.f("uq_motion_round_id_position")),
    )
    with op.batch_alter_table("motion", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_motion_amendment_id"), ["amendment_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_motion_round_id"), ["round_id"], unique=False)

    op.create_table(
        "ballot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("motion_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("choice", sa.String(length=8), nullable=False),
        sa.Column("receipt", sa.String(length=64), nullable=False),
        sa.Column("cast_by_id", sa.Integer(), nullable=False),
        sa.Column("cast_at", principles_app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("changes", sa.Integer(), nullable=False),
        sa.CheckConstraint("choice IN ('yes', 'no', 'abstain')", name=op.f("ck_ballot_choice_known")),
        sa.ForeignKeyConstraint(["cast_by_id"], ["user_account.id"], name=op.f("fk_ballot_cast_by_id_user_account")),
        sa.ForeignKeyConstraint(["motion_id"], ["motion.id"], name=op.f("fk_ballot_motion_id_motion")),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_ballot_organisation_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ballot")),
        sa.UniqueConstraint("motion_id", "organisation_id", name=op.f("uq_ballot_motion_id_organisation_id")),
        sa.UniqueConstraint("receipt", name=op.f("uq_ballot_receipt")),
    )
    with op.batch_alter_table("ballot", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ballot_motion_id"), ["motion_id"], unique=False)

    op.create_table(
        "ballot_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ballot_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("from_choice", sa.String(length=8), nullable=True),
        sa.Column("to_choice", sa.String(length=8), nullable=False),
        sa.Column("at", principles_app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["ballot_id"], ["ballot.id"], name=op.f("fk_ballot_change_ballot_id_ballot"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name=op.f("fk_ballot_change_user_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ballot_change")),
    )
    with op.batch_alter_table("ballot_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ballot_change_ballot_id"), ["ballot_id"], unique=False)


def downgrade():
    with op.batch_alter_table("ballot_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ballot_change_ballot_id"))

    op.drop_table("ballot_change")
    with op.batch_alter_table("ballot", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ballot_motion_id"))

    op.drop_table("ballot")
    with op.batch_alter_table("motion", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_motion_round_id"))
        batch_op.drop_index(batch_op.f("ix_motion_amendment_id"))

    op.drop_table("motion")
    with op.batch_alter_table("electorate_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_electorate_member_round_id"))
        batch_op.drop_index(batch_op.f("ix_electorate_member_organisation_id"))

    op.drop_table("electorate_member")
