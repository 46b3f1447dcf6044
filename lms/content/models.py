"""Courses, modules, lessons, their rendered content, exercises and media files.

Rows are keyed by stable ids written by the authors (``Course.slug``, ``Module.key``,
``Lesson.key``, ``Exercise.key``). Re-importing a course updates rows in place by those keys and
never deletes a module, lesson or exercise: one that disappeared is retired (``retired_at``) and
comes back to life if it reappears, so learners' progress that points at row ids survives.

``LessonContent`` and ``Exercise`` hold the newest published version of a lesson. Every
publication that changes a lesson also keeps a ``LessonSnapshot`` (``Lesson.version``): a learner
in the middle of a lesson reads the version they started (see ``reading``), so a new
publication never changes the pages or the questions under them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import clock
from ..extensions import db


class Category(enum.Enum):
    LITERACY = "literacy"
    VOCATIONAL = "vocational"
    DISENGAGEMENT = "disengagement"


ICONS = ("letters", "book", "farm", "tractor", "tree", "water", "heart", "people", "scale",
         "compass", "star")


def _pick(texts: dict[str, str] | None, lang: str | None) -> str:
    """The text in ``lang``, else in Tajik, else in any language there is."""
    texts = texts or {}
    if lang and texts.get(lang):
        return texts[lang]
    return texts.get("tg") or next(iter(texts.values()), "")


class Course(db.Model):
    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    titles: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    descriptions: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    category: Mapped[Category] = mapped_column(
        Enum(Category, name="course_category", values_callable=lambda e: [m.value for m in e],
             native_enum=False, length=16)
    )
    icon: Mapped[str] = mapped_column(String(32), default="book")
    level: Mapped[int] = mapped_column(default=1)
    pass_mark: Mapped[int] = mapped_column(default=60)
    sequential: Mapped[bool] = mapped_column(default=True)
    # Languages every lesson is written in, e.g. ["tg", "ru"] or ["tg"].
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    # course.yml exactly as written, so an export gives back the same bytes.
    source: Mapped[str] = mapped_column(Text, default="")
    # course.yml's optional parts as read: {"kiosk": {...}, "placement": {...} | None,
    # "literacy": {...} | None} (see ``course_settings``; read them with ``settings_of``).
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    published_at: Mapped[datetime | None]
    retired_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(default=clock.now, onupdate=clock.now)

    modules: Mapped[list[Module]] = relationship(
        back_populates="course", order_by="Module.position", cascade="all, delete-orphan")
    lessons: Mapped[list[Lesson]] = relationship(
        back_populates="course", order_by="Lesson.position", cascade="all, delete-orphan")
    media: Mapped[list[MediaFile]] = relationship(
        back_populates="course", order_by="MediaFile.name", cascade="all, delete-orphan")

    def title(self, lang: str | None = None) -> str:
        return _pick(self.titles, lang)

    def description(self, lang: str | None = None) -> str:
        return _pick(self.descriptions, lang)

    @property
    def active(self) -> bool:
        return self.retired_at is None

    def __repr__(self) -> str:
        return f"<Course {self.slug}>"


class Module(db.Model):
    __tablename__ = "modules"
    __table_args__ = (UniqueConstraint("course_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    titles: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    position: Mapped[int] = mapped_column(default=0)
    retired_at: Mapped[datetime | None]

    course: Mapped[Course] = relationship(back_populates="modules")
    lessons: Mapped[list[Lesson]] = relationship(
        back_populates="module", order_by="Lesson.position")

    def title(self, lang: str | None = None) -> str:
        return _pick(self.titles, lang)


class Lesson(db.Model):
    __tablename__ = "lessons"
    __table_args__ = (
        UniqueConstraint("course_id", "key"),
        Index("ix_lessons_course_position", "course_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    # Order in the whole course (modules in order, lessons in order inside each).
    position: Mapped[int] = mapped_column(default=0)
    minutes: Mapped[int] = mapped_column(default=10)
    # Tries per exercise; 0 means unlimited.
    attempts: Mapped[int] = mapped_column(default=3)
    # Overrides the course's pass mark when set.
    pass_mark: Mapped[int | None]
    placement: Mapped[bool] = mapped_column(default=False)
    # The newest published version (its LessonSnapshot); 0 before the first publication.
    version: Mapped[int] = mapped_column(default=0)
    retired_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(default=clock.now, onupdate=clock.now)

    course: Mapped[Course] = relationship(back_populates="lessons")
    module: Mapped[Module] = relationship(back_populates="lessons")
    contents: Mapped[list[LessonContent]] = relationship(
        back_populates="lesson", order_by="LessonContent.lang", cascade="all, delete-orphan")
    exercises: Mapped[list[Exercise]] = relationship(
        back_populates="lesson", order_by="Exercise.position", cascade="all, delete-orphan")

    @property
    def effective_pass_mark(self) -> int:
        return self.pass_mark if self.pass_mark is not None else self.course.pass_mark

    @property
    def active(self) -> bool:
        return self.retired_at is None

    def __repr__(self) -> str:
        return f"<Lesson {self.key}>"


class LessonContent(db.Model):
    """One language of a lesson: its Markdown as written and its pages rendered to safe HTML."""

    __tablename__ = "lesson_contents"
    __table_args__ = (UniqueConstraint("lesson_id", "lang"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"))
    lang: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(Text)
    # Sanitized HTML, one string per page; exercises appear as
    # <div class="exercise" data-exercise="KEY"></div>.
    pages: Mapped[list[str]] = mapped_column(JSON, default=list)
    source_sha256: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(default=clock.now, onupdate=clock.now)

    lesson: Mapped[Lesson] = relationship(back_populates="contents")


def is_graded(kind: str) -> bool:
    """Whether answers to an exercise of this type are marked right or wrong."""
    return kind not in ("essay", "description")


class Exercise(db.Model):
    """One GIFT question of a lesson, in every language of the lesson.

    ``data[lang]`` is ``{"question": Question.to_dict(), "page": int, "html": {...}}``: the full
    question including its correct answers (server side only: send learners
    ``grading.public_view``), and its texts already rendered to safe HTML —
    ``html = {"text", "tail", "general_feedback", "answers": [{"text", "feedback", "match"}]}`` —
    so serving never runs the Markdown parser.
    """

    __tablename__ = "exercises"
    __table_args__ = (UniqueConstraint("lesson_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    type: Mapped[str] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(default=0)
    page: Mapped[int] = mapped_column(default=0)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    retired_at: Mapped[datetime | None]

    lesson: Mapped[Lesson] = relationship(back_populates="exercises")

    @property
    def graded(self) -> bool:
        return is_graded(self.type)

    @property
    def active(self) -> bool:
        return self.retired_at is None


@dataclass(frozen=True)
class PinnedContent:
    """One language of a lesson as an older published version had it (read-only)."""

    lang: str
    title: str
    pages: list[str]


class LessonSnapshot(db.Model):
    """A published version of a lesson, kept for the learners who started it.

    ``contents`` is ``{lang: {"title", "pages"}}``; ``exercises`` is ``{key: {"type", "data"}}``
    with ``data`` as in ``Exercise.data``."""

    __tablename__ = "lesson_snapshots"
    __table_args__ = (UniqueConstraint("lesson_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"))
    version: Mapped[int]
    contents: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    exercises: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    lesson: Mapped[Lesson] = relationship()

    @classmethod
    def of(cls, lesson: Lesson) -> LessonSnapshot:
        """The lesson as it is now (its contents and active exercises)."""
        return cls(
            lesson=lesson, version=lesson.version,
            contents={c.lang: {"title": c.title, "pages": list(c.pages)}
                      for c in lesson.contents},
            exercises={e.key: {"type": e.type, "data": e.data}
                       for e in lesson.exercises if e.retired_at is None},
        )


class MediaFile(db.Model):
    """A file of a course's ``media/`` folder; the bytes are stored once by their hash."""

    __tablename__ = "media_files"
    __table_args__ = (UniqueConstraint("course_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(255))  # as written: "media/apple.svg"
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    mime: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    course: Mapped[Course] = relationship(back_populates="media")

    @property
    def url(self) -> str:
        from .media import url_for_media

        return url_for_media(self.sha256, self.mime)
