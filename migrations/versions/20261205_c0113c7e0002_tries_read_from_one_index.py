"""tries read from one index: learn.tries is answered by an index on attempts alone

Revision ID: c0113c7e0002
Revises: c0113c7e0001
Create Date: 2026-12-05
"""

from __future__ import annotations

from alembic import op

revision = "c0113c7e0002"
down_revision = "c0113c7e0001"
branch_labels = None
depends_on = None

COLUMNS = ["user_id", "exercise_id", "round", "correct", "fraction", "id"]


def upgrade() -> None:
    # Replaces (user_id, exercise_id), whose queries it serves as well: one index to keep up,
    # and counting a learner's tries no longer reads every answer's row.
    op.create_index("ix_attempts_user_exercise_tries", "attempts", COLUMNS, unique=False)
    op.drop_index("ix_attempts_user_exercise", table_name="attempts")


def downgrade() -> None:
    op.create_index("ix_attempts_user_exercise", "attempts", ["user_id", "exercise_id"],
                    unique=False)
    op.drop_index("ix_attempts_user_exercise_tries", table_name="attempts")
