"""daily activity of each learner, kept by a trigger on events

Revision ID: aa87e54dc883
Revises: efa4b6a4209b
Create Date: 2026-11-28 12:42:14.504573
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'aa87e54dc883'
down_revision = 'efa4b6a4209b'
branch_labels = None
depends_on = None

UPSERT = """
    INSERT INTO activity_days (user_id, day, course_id, events)
    VALUES (NEW.user_id, {day}, coalesce(NEW.course_id, 0), 1)
    ON CONFLICT (user_id, day, course_id) DO UPDATE SET events = activity_days.events + 1;
"""


def upgrade() -> None:
    op.create_table('activity_days',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('course_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('events', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_activity_days_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'day', 'course_id', name=op.f('pk_activity_days'))
    )
    with op.batch_alter_table('activity_days', schema=None) as batch_op:
        batch_op.create_index('ix_activity_days_day', ['day', 'user_id', 'course_id', 'events'],
                              unique=False)

    if op.get_bind().dialect.name == "postgresql":
        day = "(at AT TIME ZONE 'UTC')::date"
        op.execute(f"""
            CREATE FUNCTION events_count_activity_day() RETURNS trigger AS $$
            BEGIN
                {UPSERT.format(day="(NEW.at AT TIME ZONE 'UTC')::date")}
                RETURN NULL;
            END;
            $$ LANGUAGE plpgsql
        """)
        op.execute("""
            CREATE TRIGGER events_activity_day AFTER INSERT ON events
            FOR EACH ROW EXECUTE FUNCTION events_count_activity_day()
        """)
    else:
        day = "date(at)"
        op.execute(f"""
            CREATE TRIGGER events_activity_day AFTER INSERT ON events
            BEGIN
                {UPSERT.format(day="date(NEW.at)")}
            END
        """)
    # Events recorded before this migration.
    op.execute(f"""
        INSERT INTO activity_days (user_id, day, course_id, events)
        SELECT user_id, {day}, coalesce(course_id, 0), count(*) FROM events
        GROUP BY user_id, {day}, coalesce(course_id, 0)
    """)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER events_activity_day ON events")
        op.execute("DROP FUNCTION events_count_activity_day()")
    else:
        op.execute("DROP TRIGGER events_activity_day")
    with op.batch_alter_table('activity_days', schema=None) as batch_op:
        batch_op.drop_index('ix_activity_days_day')

    op.drop_table('activity_days')
