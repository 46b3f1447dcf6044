"""names in Tajik/Russian alphabetical order: a sort key beside every user's name

Revision ID: c0113c7e0001
Revises: 36b5507572b7
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from lms.collation import sort_key

revision = "c0113c7e0001"
down_revision = "36b5507572b7"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name_sort", sa.String(length=200), nullable=False,
                                      server_default=""))
        batch_op.create_index(batch_op.f("ix_users_name_sort"), ["name_sort"], unique=False)
    users = sa.table("users", sa.column("id", sa.Integer), sa.column("full_name", sa.String),
                     sa.column("name_sort", sa.String))
    bind = op.get_bind()
    rows = bind.execute(sa.select(users.c.id, users.c.full_name)).all()
    for user_id, full_name in rows:
        bind.execute(users.update().where(users.c.id == user_id)
                     .values(name_sort=sort_key(full_name or "")))
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.alter_column("name_sort", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_users_name_sort"))
        batch_op.drop_column("name_sort")
