"""studio revisions and submissions, published lesson versions

Revision ID: 36b5507572b7
Revises: aa87e54dc883
Create Date: 2026-11-28 12:51:31.297216
"""

from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

import lms.db


revision = '36b5507572b7'
down_revision = 'aa87e54dc883'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('lesson_snapshots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lesson_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('contents', sa.JSON(), nullable=False),
    sa.Column('exercises', sa.JSON(), nullable=False),
    sa.Column('created_at', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['lesson_id'], ['lessons.id'], name=op.f('fk_lesson_snapshots_lesson_id_lessons'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lesson_snapshots')),
    sa.UniqueConstraint('lesson_id', 'version', name=op.f('uq_lesson_snapshots_lesson_id_version'))
    )
    op.create_table('revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('path', sa.String(length=80), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('published_at', lms.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('basis', sa.Integer(), nullable=True),
    sa.Column('leads', sa.Boolean(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('errors', sa.Integer(), nullable=False),
    sa.Column('warnings', sa.Integer(), nullable=False),
    sa.Column('questions', sa.JSON(), nullable=False),
    sa.Column('refs', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_revisions_author_id_users')),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_revisions_course_id_courses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_revisions')),
    sa.UniqueConstraint('course_id', 'path', 'number', name=op.f('uq_revisions_course_id_path_number'))
    )
    with op.batch_alter_table('revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_revisions_author_id'), ['author_id'], unique=False)

    op.create_table('submissions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('submitted', 'published', 'returned', 'withdrawn', name='submission_status', native_enum=False, length=16), nullable=False),
    sa.Column('files', sa.JSON(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=False),
    sa.Column('submitted_at', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', lms.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_submissions_course_id_courses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_submissions_decided_by_id_users')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_submissions_submitted_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_submissions'))
    )
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.create_index('ix_submissions_course_status', ['course_id', 'status'], unique=False)

    with op.batch_alter_table('lesson_progress', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lesson_version', sa.Integer(), nullable=True))

    with op.batch_alter_table('lessons', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False,
                                      server_default='0'))
    _snapshot_published_lessons()


def _snapshot_published_lessons() -> None:
    """Every lesson already published becomes version 1, and learners in the middle of one
    keep reading it when a new version is published."""
    bind = op.get_bind()
    lessons = sa.table('lessons', sa.column('id', sa.Integer), sa.column('version', sa.Integer))
    contents = sa.table('lesson_contents', sa.column('lesson_id', sa.Integer),
                        sa.column('lang', sa.String), sa.column('title', sa.String),
                        sa.column('pages', sa.JSON))
    exercises = sa.table('exercises', sa.column('lesson_id', sa.Integer),
                         sa.column('key', sa.String), sa.column('type', sa.String),
                         sa.column('data', sa.JSON), sa.column('retired_at', sa.DateTime))
    snapshots = sa.table('lesson_snapshots', sa.column('lesson_id', sa.Integer),
                         sa.column('version', sa.Integer), sa.column('contents', sa.JSON),
                         sa.column('exercises', sa.JSON),
                         sa.column('created_at', lms.db.UTCDateTime(timezone=True)))
    progress = sa.table('lesson_progress', sa.column('lesson_version', sa.Integer))
    found: dict[int, dict] = {}
    for row in bind.execute(sa.select(contents)):
        found.setdefault(row.lesson_id, {'contents': {}, 'exercises': {}})['contents'][
            row.lang] = {'title': row.title, 'pages': row.pages}
    for row in bind.execute(sa.select(exercises).where(exercises.c.retired_at.is_(None))):
        if row.lesson_id in found:
            found[row.lesson_id]['exercises'][row.key] = {'type': row.type, 'data': row.data}
    now = datetime.now(timezone.utc)
    for lesson_id, snapshot in found.items():
        bind.execute(snapshots.insert().values(lesson_id=lesson_id, version=1, created_at=now,
                                               **snapshot))
    if found:
        bind.execute(lessons.update().where(lessons.c.id.in_(list(found))).values(version=1))
    bind.execute(progress.update().values(lesson_version=1))


def downgrade() -> None:
    # Plain ALTER TABLE … DROP COLUMN (SQLite 3.35+): copying these tables would break the
    # foreign keys that point at them.
    op.drop_column('lessons', 'version')
    op.drop_column('lesson_progress', 'lesson_version')

    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.drop_index('ix_submissions_course_status')

    op.drop_table('submissions')
    with op.batch_alter_table('revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_revisions_author_id'))

    op.drop_table('revisions')
    op.drop_table('lesson_snapshots')
