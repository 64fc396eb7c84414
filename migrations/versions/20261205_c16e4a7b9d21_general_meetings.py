"""general meetings: attendance, proxies, rounds attached to a meeting, ballots cast by proxy

Revision ID: c16e4a7b9d21
Revises: 5e3b9c1a7d24
Create Date: 2026-12-05 15:15:00.000000

"""

import sqlalchemy as sa
from alembic import op

import principles_app.db

# revision identifiers, used by Alembic.
revision = "c16e4a7b9d21"
down_revision = "5e3b9c1a7d24"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("starts_at", principles_app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", principles_app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("online_url", sa.String(length=500), nullable=True),
        sa.Column("quorum", principles_app.db.WeightType(precision=12, scale=4), nullable=False),
        sa.Column("proxy_limit", sa.Integer(), nullable=False),
        sa.Column("proxies_close_at", principles_app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", principles_app.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_meeting_ends_after_start")),
        sa.CheckConstraint("quorum > 0 AND quorum <= 1", name=op.f("ck_meeting_quorum_fraction")),
        sa.CheckConstraint("proxy_limit >= 1", name=op.f("ck_meeting_proxy_limit_positive")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user_account.id"], name=op.f("fk_meeting_created_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"], name=op.f("fk_meeting_document_id_document")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting")),
    )
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_document_id"), ["document_id"], unique=False)

    op.create_table(
        "attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", principles_app.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("mode IN ('in_room', 'online')", name=op.f("ck_attendance_mode_known")),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_attendance_meeting_id_meeting"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_attendance_organisation_id_organisation")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["user_account.id"], name=op.f("fk_attendance_recorded_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendance")),
        sa.UniqueConstraint("meeting_id", "organisation_id", name=op.f("uq_attendance_meeting_id_organisation_id")),
    )
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attendance_meeting_id"), ["meeting_id"], unique=False)

    op.create_table(
        "meeting_proxy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("giver_organisation_id", sa.Integer(), nullable=False),
        sa.Column("holder_organisation_id", sa.Integer(), nullable=False),
        sa.Column("given_by_id", sa.Integer(), nullable=True),
        sa.Column("given_at", principles_app.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "giver_organisation_id <> holder_organisation_id", name=op.f("ck_meeting_proxy_not_to_itself")
        ),
        sa.ForeignKeyConstraint(
            ["giver_organisation_id"],
            ["organisation.id"],
            name=op.f("fk_meeting_proxy_giver_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["given_by_id"], ["user_account.id"], name=op.f("fk_meeting_proxy_given_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["holder_organisation_id"],
            ["organisation.id"],
            name=op.f("fk_meeting_proxy_holder_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_meeting_proxy_meeting_id_meeting"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_proxy")),
        sa.UniqueConstraint(
            "meeting_id", "giver_organisation_id", name=op.f("uq_meeting_proxy_meeting_id_giver_organisation_id")
        ),
    )
    with op.batch_alter_table("meeting_proxy", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_proxy_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_meeting_proxy_holder_organisation_id"), ["holder_organisation_id"], unique=False
        )

    with op.batch_alter_table("round", schema=None) as batch_op:
        batch_op.add_column(sa.Column("meeting_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_round_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_round_meeting_id_meeting"), "meeting", ["meeting_id"], ["id"])

    with op.batch_alter_table("ballot", schema=None) as batch_op:
        batch_op.add_column(sa.Column("proxy_organisation_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_ballot_proxy_organisation_id_organisation"),
            "organisation",
            ["proxy_organisation_id"],
            ["id"],
        )


def downgrade():
    with op.batch_alter_table("ballot", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_ballot_proxy_organisation_id_organisation"), type_="foreignkey")
        batch_op.drop_column("proxy_organisation_id")

    with op.batch_alter_table("round", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_round_meeting_id_meeting"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_round_meeting_id"))
        batch_op.drop_column("meeting_id")

    with op.batch_alter_table("meeting_proxy", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_proxy_holder_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_meeting_proxy_meeting_id"))
    op.drop_table("meeting_proxy")

    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attendance_meeting_id"))
    op.drop_table("attendance")

    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_document_id"))
    op.drop_table("meeting")
