"""module openings: modules opened for one learner by the placement test or by an officer

Revision ID: d0e4a1c90001
Revises: c5e771a90001
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import lms.db

revision = "d0e4a1c90001"
down_revision = "c5e771a90001"
branch_labels = None
depends_on = None


def _id() -> sa.types.TypeEngine:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "module_openings",
        sa.Column("id", _id(), nullable=False),
        sa.Column("user_id", _id(), nullable=False),
        sa.Column("module_id", _id(), nullable=False),
        sa.Column("course_id", _id(), nullable=False),
        sa.Column("why", sa.Enum("placement", "officer", name="opened_by", native_enum=False,
                                 length=16), nullable=False),
        sa.Column("opened_by_id", _id(), nullable=True),
        sa.Column("at", lms.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_module_openings_user_id_users")),
        sa.ForeignKeyConstraint(["module_id"], ["modules.id"], ondelete="CASCADE",
                                name=op.f("fk_module_openings_module_id_modules")),
        sa.ForeignKeyConstraint(["course_id"], ["courses.id"], ondelete="CASCADE",
                                name=op.f("fk_module_openings_course_id_courses")),
        sa.ForeignKeyConstraint(["opened_by_id"], ["users.id"], ondelete="SET NULL",
                                name=op.f("fk_module_openings_opened_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_module_openings")),
        sa.UniqueConstraint("user_id", "module_id",
                            name=op.f("uq_module_openings_user_id_module_id")),
    )
    op.create_index("ix_module_openings_user_course", "module_openings",
                    ["user_id", "course_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_module_openings_user_course", table_name="module_openings")
    op.drop_table("module_openings")
