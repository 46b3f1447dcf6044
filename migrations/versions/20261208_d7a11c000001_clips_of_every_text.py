"""clips of every text: the human or machine sound of each text a learner sees

Revision ID: d7a11c000001
Revises: d0e4a1c90001
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import lms.db

revision = "d7a11c000001"
down_revision = "d0e4a1c90001"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "clips",
        sa.Column("id", ID, nullable=False),
        sa.Column("text_sha256", sa.String(length=64), nullable=False),
        sa.Column("lang", sa.String(length=8), nullable=False),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("voice_version", ID, nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("mime", sa.String(length=32), nullable=False),
        sa.Column("size", ID, nullable=False),
        sa.Column("duration", sa.Float(), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("created_at", lms.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", lms.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clips")),
        sa.UniqueConstraint("text_sha256", "lang", "source",
                            name=op.f("uq_clips_text_sha256_lang_source")),
    )
    with op.batch_alter_table("clips") as batch:
        batch.create_index(batch.f("ix_clips_text_sha256"), ["text_sha256"], unique=False)
        batch.create_index(batch.f("ix_clips_sha256"), ["sha256"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("clips") as batch:
        batch.drop_index(batch.f("ix_clips_sha256"))
        batch.drop_index(batch.f("ix_clips_text_sha256"))
    op.drop_table("clips")
