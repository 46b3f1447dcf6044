"""The studio's records: who may edit a course, every saved revision of its files, and the
submissions a reviewer publishes or sends back.

A course in the studio is the same set of files as a course folder (``course.yml`` and one
``<lesson>.<lang>.md`` per lesson and language; media are ``MediaFile`` rows). Each save of a
file is a ``Revision``; the newest revision of each file is the draft. Publishing a submission
imports the drafts through the same loader and importer as ``content import``, so kiosks keep
reading only ``LessonContent`` and ``Exercise`` rows.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import clock
from ..accounts.models import User
from ..content.models import Course
from ..extensions import db

COURSE_YML = "course.yml"
class Revision(db.Model):
    """One saved text of one file of a course.

    ``path`` is the file's name in a course folder. Revisions of a file are numbered from 1 and
    never change; restoring an old text adds a new revision. What the check found when the
    revision was saved is kept with it, so lists never parse Markdown again.
    """

    __tablename__ = "revisions"
    __table_args__ = (UniqueConstraint("course_id", "path", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    path: Mapped[str] = mapped_column(String(80))
    number: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(String(200), default="")
    # None: the text as found published (imported from a course folder).
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    # Set when this text reached the kiosks.
    published_at: Mapped[datetime | None]
    # Lesson files only: the other language's revision number this one was written against,
    # and whether it changed the lesson (True) or caught up with the other language (False).
    basis: Mapped[int | None]
    leads: Mapped[bool] = mapped_column(default=False)
    # Found by the check when saved: the lesson's title, problem counts, Question.to_dict() of
    # each exercise, and [kind, target, label, line] of each picture, sound and recording mark.
    title: Mapped[str] = mapped_column(String(200), default="")
    errors: Mapped[int] = mapped_column(default=0)
    warnings: Mapped[int] = mapped_column(default=0)
    questions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    refs: Mapped[list[list[Any]]] = mapped_column(JSON, default=list)

    author: Mapped[User | None] = relationship()

    @property
    def lesson_key(self) -> str | None:
        parts = self.path.split(".")
        return parts[0] if len(parts) == 3 else None

    @property
    def lang(self) -> str | None:
        parts = self.path.split(".")
        return parts[1] if len(parts) == 3 else None

    def __repr__(self) -> str:
        return f"<Revision {self.path} #{self.number}>"


class SubmissionStatus(enum.Enum):
    SUBMITTED = "submitted"
    PUBLISHED = "published"
    RETURNED = "returned"
    WITHDRAWN = "withdrawn"


class Submission(db.Model):
    """A course's changes sent for review: the newest revision of every changed file.

    While a submission waits, the course cannot be edited (take it back to change it). Only an
    administrator or a reviewer who wrote none of its revisions publishes it."""

    __tablename__ = "submissions"
    __table_args__ = (Index("ix_submissions_course_status", "course_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    status: Mapped[SubmissionStatus] = mapped_column(
        Enum(SubmissionStatus, name="submission_status", native_enum=False, length=16,
             values_callable=lambda e: [m.value for m in e]),
        default=SubmissionStatus.SUBMITTED)
    # path -> id of the revision submitted (the files that differ from what kiosks show)
    files: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    note: Mapped[str] = mapped_column(Text, default="")
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime] = mapped_column(default=clock.now)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    comment: Mapped[str] = mapped_column(Text, default="")

    course: Mapped[Course] = relationship()
    submitted_by: Mapped[User] = relationship(foreign_keys=[submitted_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    @property
    def waiting(self) -> bool:
        return self.status is SubmissionStatus.SUBMITTED
