"""drafts, amendments and rounds

Revision ID: b1a7e0d4c2f1
Revises: 40d89051b60f
Create Date: 2026-11-28 04:30:00

"""

import sqlalchemy as sa
from alembic import op

import principles_app.db

# revision identifiers, used by Alembic.
revision = "b1a7e0d4c2f1"
down_revision = "40d89051b60f"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("preamble", sa.Text(), nullable=False),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.Column("lock_version", sa.Integer(), nullable=False),
        sa.Column("created_at", principles_app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", principles_app.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document")),
        sa.UniqueConstraint("slug", name=op.f("uq_document_slug")),
    )
    op.create_table(
        "principle",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", principles_app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", principles_app.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"], name=op.f("fk_principle_document_id_document")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_principle")),
    )
    with op.batch_alter_table("principle", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_principle_document_id"), ["document_id"], unique=False)
    op.create_table(
        "document_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("merged_amendment_ids", sa.JSON(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", principles_app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user_account.id"], name=op.f("fk_document_version_created_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["document_id"], ["document.id"], name=op.f("fk_document_version_document_id_document")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_version")),
        sa.UniqueConstraint("document_id", "number", name=op.f("uq_document_version_document_id_number")),
    )
    with op.batch_alter_table("document_version", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_document_version_document_id"), ["document_id"], unique=False)
    op.create_table(
        "round",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "amendments",
                "voting",
                "adoption",
                name="round_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "scheduled", "open", "closed", name="round_state", native_enum=False, create_constraint=True, length=32
            ),
            nullable=False,
        ),
        sa.Column("closes_at", principles_app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("opened_at", principles_app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_at", principles_app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("majority", sa.String(length=32), nullable=False),
        sa.Column("quorum", principles_app.db.WeightType(precision=12, scale=4), nullable=False),
        sa.Column("secrecy", sa.String(length=16), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", principles_app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user_account.id"], name=op.f("fk_round_created_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"], name=op.f("fk_round_document_id_document")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_round")),
    )
    with op.batch_alter_table("round", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_round_document_id"), ["document_id"], unique=False)
        batch_op.create_index(
            "uq_round_one_open_per_document",
            ["document_id"],
            unique=True,
            sqlite_where=sa.text("state = 'open'"),
            postgresql_where=sa.text("state = 'open'"),
        )
    op.create_table(
        "amendment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "modify",
                "insert",
                "delete",
                name="amendment_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "withdrawn",
                "rejected",
                "merged",
                "conflicted",
                name="amendment_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("principle_id", sa.Integer(), nullable=True),
        sa.Column("after_principle_id", sa.Integer(), nullable=True),
        sa.Column("base_version", sa.Integer(), nullable=False),
        sa.Column("base_title", sa.String(length=200), nullable=False),
        sa.Column("base_text", sa.Text(), nullable=False),
        sa.Column("proposed_title", sa.String(length=200), nullable=False),
        sa.Column("proposed_text", sa.Text(), nullable=False),
        sa.Column("original_proposed_title", sa.String(length=200), nullable=False),
        sa.Column("original_proposed_text", sa.Text(), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("proposer_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("merged_in_version", sa.Integer(), nullable=True),
        sa.Column("created_at", principles_app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", principles_app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["after_principle_id"], ["principle.id"], name=op.f("fk_amendment_after_principle_id_principle")
        ),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"], name=op.f("fk_amendment_document_id_document")),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_amendment_organisation_id_organisation")
        ),
        sa.ForeignKeyConstraint(["principle_id"], ["principle.id"], name=op.f("fk_amendment_principle_id_principle")),
        sa.ForeignKeyConstraint(
            ["proposer_id"], ["user_account.id"], name=op.f("fk_amendment_proposer_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_amendment")),
    )
    with op.batch_alter_table("amendment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_amendment_document_id"), ["document_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_amendment_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_amendment_principle_id"), ["principle_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_amendment_status"), ["status"], unique=False)
    op.create_table(
        "amendment_cosponsor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("amendment_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", principles_app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["amendment_id"],
            ["amendment.id"],
            name=op.f("fk_amendment_cosponsor_amendment_id_amendment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_amendment_cosponsor_organisation_id_organisation")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_amendment_cosponsor_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_amendment_cosponsor")),
        sa.UniqueConstraint(
            "amendment_id", "organisation_id", name=op.f("uq_amendment_cosponsor_amendment_id_organisation_id")
        ),
    )
    with op.batch_alter_table("amendment_cosponsor", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_amendment_cosponsor_amendment_id"), ["amendment_id"], unique=False)
    op.create_table(
        "amendment_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("amendment_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("base_version", sa.Integer(), nullable=False),
        sa.Column("base_text", sa.Text(), nullable=False),
        sa.Column("proposed_title", sa.String(length=200), nullable=False),
        sa.Column("proposed_text", sa.Text(), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", principles_app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["amendment_id"],
            ["amendment.id"],
            name=op.f("fk_amendment_revision_amendment_id_amendment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_amendment_revision_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_amendment_revision")),
        sa.UniqueConstraint("amendment_id", "number", name=op.f("uq_amendment_revision_amendment_id_number")),
    )
    with op.batch_alter_table("amendment_revision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_amendment_revision_amendment_id"), ["amendment_id"], unique=False)


def downgrade():
    with op.batch_alter_table("amendment_revision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_amendment_revision_amendment_id"))
    op.drop_table("amendment_revision")
    with op.batch_alter_table("amendment_cosponsor", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_amendment_cosponsor_amendment_id"))
    op.drop_table("amendment_cosponsor")
    with op.batch_alter_table("amendment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_amendment_document_id"))
        batch_op.drop_index(batch_op.f("ix_amendment_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_amendment_principle_id"))
        batch_op.drop_index(batch_op.f("ix_amendment_status"))
    op.drop_table("amendment")
    with op.batch_alter_table("round", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_round_document_id"))
        batch_op.drop_index("uq_round_one_open_per_document")
    op.drop_table("round")
    with op.batch_alter_table("document_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_version_document_id"))
    op.drop_table("document_version")
    with op.batch_alter_table("principle", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_principle_document_id"))
    op.drop_table("principle")
    op.drop_table("document")
