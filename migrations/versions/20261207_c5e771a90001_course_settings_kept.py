"""course settings kept: course.yml's kiosk, placement and literacy parts stored with the course

Revision ID: c5e771a90001
Revises: b16e7a000001
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c5e771a90001"
down_revision = "b16e7a000001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("courses") as batch:
        batch.add_column(sa.Column("settings", sa.JSON(), nullable=False,
                                   server_default=sa.text("'{}'")))


def downgrade() -> None:
    with op.batch_alter_table("courses") as batch:
        batch.drop_column("settings")
