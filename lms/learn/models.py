"""What learners do: per-lesson progress, answers, the event log, certificates, the plan."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import clock
from ..accounts.models import User
from ..content.models import Course, Exercise, Lesson, Module
from ..extensions import db


class Status(enum.Enum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"


class LessonProgress(db.Model):
    """Where a learner is in one lesson: pages seen, score, done or not."""

    __tablename__ = "lesson_progress"
    __table_args__ = (
        UniqueConstraint("user_id", "lesson_id"),
        Index("ix_lesson_progress_user_updated", "user_id", "updated_at"),
        Index("ix_lesson_progress_course_status", "course_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    status: Mapped[Status] = mapped_column(
        Enum(Status, name="progress_status", values_callable=lambda e: [m.value for m in e],
             native_enum=False, length=16), default=Status.IN_PROGRESS)
    current_page: Mapped[int] = mapped_column(default=0)
    pages_seen: Mapped[list[int]] = mapped_column(JSON, default=list)
    page_count: Mapped[int] = mapped_column(default=1)
    score: Mapped[float] = mapped_column(default=0.0)  # 0..1 over the graded exercises
    # A lesson can be taken again after its tries ran out; tries count within a round.
    round: Mapped[int] = mapped_column(default=1)
    # The published version (Lesson.version) the learner reads until they finish or start again.
    lesson_version: Mapped[int | None]
    started_at: Mapped[datetime] = mapped_column(default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(default=clock.now)
    completed_at: Mapped[datetime | None]

    lesson: Mapped[Lesson] = relationship()
    course: Mapped[Course] = relationship()


class Attempt(db.Model):
    """One answer to one exercise. ``client_id`` makes a repeated submission count once."""

    __tablename__ = "attempts"
    __table_args__ = (
        UniqueConstraint("user_id", "client_id"),
        # Covers learn.tries (count, right or not, best score, latest per exercise and round):
        # read from the index alone, however many tries a learner has made.
        Index("ix_attempts_user_exercise_tries", "user_id", "exercise_id", "round", "correct",
              "fraction", "id"),
        Index("ix_attempts_exercise", "exercise_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    exercise_id: Mapped[int] = mapped_column(ForeignKey("exercises.id"))
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id"))
    round: Mapped[int] = mapped_column(default=1)
    try_number: Mapped[int] = mapped_column(default=1)
    response: Mapped[Any] = mapped_column(JSON)
    fraction: Mapped[float] = mapped_column(default=0.0)
    correct: Mapped[bool] = mapped_column(default=False)
    graded: Mapped[bool] = mapped_column(default=True)
    # Essays (reflections) are private to the learner and the course's lecturers.
    private: Mapped[bool] = mapped_column(default=False)
    lang: Mapped[str] = mapped_column(String(8))
    terminal_id: Mapped[int | None] = mapped_column(ForeignKey("terminals.id"))
    at: Mapped[datetime] = mapped_column(default=clock.now)

    exercise: Mapped[Exercise] = relationship()


class Event(db.Model):
    """An append-only learning record, shaped like an xAPI statement:
    who (user), verb, what (object type and id), result, when, which kiosk."""

    __tablename__ = "events"
    __table_args__ = (
        UniqueConstraint("user_id", "client_id"),
        Index("ix_events_user_at", "user_id", "at"),
        Index("ix_events_facility_at", "facility_id", "at"),
        Index("ix_events_lesson", "lesson_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str | None] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    facility_id: Mapped[int | None] = mapped_column(ForeignKey("facilities.id"))
    verb: Mapped[str] = mapped_column(String(24))  # launched, experienced, answered, completed…
    object_type: Mapped[str] = mapped_column(String(16))  # course, lesson, page, exercise
    object_id: Mapped[int]
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id"))
    lesson_id: Mapped[int | None] = mapped_column(ForeignKey("lessons.id"))
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    lang: Mapped[str | None] = mapped_column(String(8))
    terminal_id: Mapped[int | None] = mapped_column(ForeignKey("terminals.id"))
    at: Mapped[datetime] = mapped_column(default=clock.now)


class Certificate(db.Model):
    """Issued when a learner completes a course; verified by its short code."""

    __tablename__ = "certificates"
    __table_args__ = (UniqueConstraint("user_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    facility_id: Mapped[int | None] = mapped_column(ForeignKey("facilities.id"))
    learner_name: Mapped[str] = mapped_column(String(200))
    course_titles: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    hours: Mapped[float] = mapped_column(default=0.0)
    issued_at: Mapped[datetime] = mapped_column(default=clock.now)

    user: Mapped[User] = relationship()
    course: Mapped[Course] = relationship()


class PlanItem(db.Model):
    """A course in a learner's individual plan (part of the sentence plan)."""

    __tablename__ = "plan_items"
    __table_args__ = (UniqueConstraint("user_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    due_date: Mapped[date | None]
    note: Mapped[str | None] = mapped_column(Text)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    assigned_at: Mapped[datetime] = mapped_column(default=clock.now)
    removed_at: Mapped[datetime | None]

    course: Mapped[Course] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class OpenedBy(enum.Enum):
    PLACEMENT = "placement"  # the learner mastered the placement part that covers the module
    OFFICER = "officer"  # an officer of the learner's facility opened it (audited)


class ModuleOpening(db.Model):
    """A module opened for one learner: its lessons are unlocked and count as done for the
    sequential lock and the course's completion, though the learner did not do them (the
    certificate's hours count only what they did)."""

    __tablename__ = "module_openings"
    __table_args__ = (
        UniqueConstraint("user_id", "module_id"),
        # Read with the learner's progress in a course (learn.visibility).
        Index("ix_module_openings_user_course", "user_id", "course_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    why: Mapped[OpenedBy] = mapped_column(
        Enum(OpenedBy, name="opened_by", values_callable=lambda e: [m.value for m in e],
             native_enum=False, length=16))
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(default=clock.now)

    module: Mapped[Module] = relationship()
    opened_by: Mapped[User | None] = relationship(foreign_keys=[opened_by_id])


class ActivityDay(db.Model):
    """A daily roll-up of the learning record, kept by the database itself.

    A trigger on ``events`` (see the migration) adds one to the row of the learner, the day (UTC)
    and the course of every new event, so the dashboard reads a few thousand small rows instead of
    scanning a year of events."""

    __tablename__ = "activity_days"
    # Covers the dashboard's day-range queries: read from the index alone.
    __table_args__ = (Index("ix_activity_days_day", "day", "user_id", "course_id", "events"),)

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    # The event's course; 0 for an event outside any course (no foreign key for that reason).
    course_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    events: Mapped[int] = mapped_column(default=0)
