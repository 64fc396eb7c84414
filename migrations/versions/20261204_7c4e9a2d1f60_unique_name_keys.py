"""unique name keys: organisation names and e-mail addresses compared as a reader would

Revision ID: 7c4e9a2d1f60
Revises: 6d92098dfc8a
Create Date: 2026-12-04 15:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

from principles_app.domain.text import comparison_key, organisation_name_key, unique_key

# revision identifiers, used by Alembic.
revision = "7c4e9a2d1f60"
down_revision = "6d92098dfc8a"
branch_labels = None
depends_on = None


def _backfill(table: str, column: str, key_column: str, key_of) -> None:
    """Store every row's key; a row whose name reads as an earlier row's keeps a key of its own (its id)."""
    connection = op.get_bind()
    rows = connection.execute(sa.text(f"SELECT id, {column} FROM {table} ORDER BY id")).all()
    seen = set()
    for row_id, value in rows:
        key = unique_key(key_of(value))
        if key in seen:
            # Both rows existed before the rule; neither is renamed here, the secretariat decides.
            key = unique_key(f"{key_of(value)}\x00{row_id}")
        seen.add(key)
        connection.execute(
            sa.text(f"UPDATE {table} SET {key_column} = :key WHERE id = :id"), {"key": key, "id": row_id}
        )


def upgrade():
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name_key", sa.String(length=64), nullable=True))
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email_key", sa.String(length=64), nullable=True))
    _backfill("organisation", "name", "name_key", organisation_name_key)
    _backfill("user_account", "email", "email_key", comparison_key)
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.alter_column("name_key", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_organisation_name_key"), ["name_key"])
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.alter_column("email_key", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_user_account_email_key"), ["email_key"])


def downgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_user_account_email_key"), type_="unique")
        batch_op.drop_column("email_key")
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_organisation_name_key"), type_="unique")
        batch_op.drop_column("name_key")
