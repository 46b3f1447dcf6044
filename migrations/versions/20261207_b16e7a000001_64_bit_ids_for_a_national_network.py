"""64-bit ids for a national network: integer columns become BIGINT on PostgreSQL

Each facility of a national network numbers its rows in its own range of ids (facility N from
N × 10^12), so that rows made in different prisons never collide at headquarters; such ids do
not fit in 32 bits. SQLite is unchanged: its INTEGER is already 64-bit.

Revision ID: b16e7a000001
Revises: c0113c7e0002
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

revision = "b16e7a000001"
down_revision = "c0113c7e0002"
branch_labels = None
depends_on = None

# Every integer column of the models (the declarative base maps ``int`` to BIGINT).
COLUMNS = {
    "activity_days": ["user_id", "course_id", "events"],
    "attempts": ["id", "user_id", "exercise_id", "lesson_id", "round", "try_number",
                 "terminal_id"],
    "audit_entries": ["id", "actor_id", "subject_id", "facility_id"],
    "certificates": ["id", "user_id", "course_id", "facility_id"],
    "course_staff": ["id", "course_id", "user_id"],
    "courses": ["id", "level", "pass_mark"],
    "enrollment_codes": ["id", "facility_id", "created_by_id", "terminal_id"],
    "events": ["id", "user_id", "facility_id", "object_id", "course_id", "lesson_id",
               "terminal_id"],
    "exercises": ["id", "lesson_id", "position", "page"],
    "facilities": ["id"],
    "kiosk_sessions": ["id", "user_id", "terminal_id"],
    "lecturer_facilities": ["user_id", "facility_id"],
    "lesson_contents": ["id", "lesson_id"],
    "lesson_progress": ["id", "user_id", "lesson_id", "course_id", "current_page", "page_count",
                        "round", "lesson_version"],
    "lesson_snapshots": ["id", "lesson_id", "version"],
    "lessons": ["id", "course_id", "module_id", "position", "minutes", "attempts", "pass_mark",
                "version"],
    "media_files": ["id", "course_id", "size"],
    "modules": ["id", "course_id", "position"],
    "plan_items": ["id", "user_id", "course_id", "assigned_by_id"],
    "revisions": ["id", "course_id", "number", "author_id", "basis", "errors", "warnings"],
    "submissions": ["id", "course_id", "submitted_by_id", "decided_by_id"],
    "terminals": ["id", "facility_id", "enrolled_by_id"],
    "units": ["id", "facility_id"],
    "users": ["id", "facility_id", "unit_id", "failed_attempts", "session_version"],
}


def _alter(kind: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, columns in COLUMNS.items():
        changes = ", ".join(f"ALTER COLUMN {column} TYPE {kind}" for column in columns)
        op.execute(f"ALTER TABLE {table} {changes}")
        if "id" in columns:
            # A SERIAL's sequence is typed too: widen it with its column (its maximum follows).
            op.execute(f"ALTER SEQUENCE {table}_id_seq AS {kind}")


def upgrade() -> None:
    _alter("BIGINT")


def downgrade() -> None:
    # Fails (and changes nothing) once a facility's ids have left the 32-bit range.
    _alter("INTEGER")
