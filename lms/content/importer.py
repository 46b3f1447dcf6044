"""Store checked courses in the database, updating rows in place by their stable keys.

Services here add and flush, never commit: the caller (a CLI command, later the studio) commits
once, so an import is all or nothing. Modules, lessons and exercises are never deleted: those
that disappeared are retired and come back (same row, same id) if they reappear, so learners'
progress that points at them survives every re-import.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import clock
from ..extensions import db
from . import media
from .gift import Question
from .models import Course, Exercise, Lesson, LessonContent, LessonSnapshot, MediaFile, Module
from .sources import CourseSource, LessonSource
from .speaker_marks import mark_page

T = TypeVar("T")
Progress = Callable[[Iterable[T]], Iterable[T]]


def _no_progress(items: Iterable[T]) -> Iterable[T]:
    return items


def import_course(source: CourseSource, progress: Progress | None = None) -> Course:
    """Create or update one course from its checked source; flush, don't commit. Its sounds
    are the caller's to make (``lms.speech.clips.after_import``, or in the background): the
    content engine knows nothing of the machine voice."""
    now = clock.now()
    course = db.session.scalar(
        select(Course).where(Course.slug == source.slug)
        .options(selectinload(Course.modules), selectinload(Course.media)))
    if course is None:
        course = Course(slug=source.slug, modules=[], media=[], lessons=[])
        db.session.add(course)
    course.titles = dict(source.titles)
    course.descriptions = dict(source.descriptions)
    course.category = source.category
    course.icon = source.icon
    course.level = source.level
    course.pass_mark = source.pass_mark
    course.sequential = source.sequential
    course.languages = list(source.languages)
    course.source = source.source
    course.settings = {
        "kiosk": source.kiosk.to_dict(),
        "placement": source.placement.to_dict() if source.placement else None,
        "literacy": source.literacy.to_dict() if source.literacy else None,
    }
    course.retired_at = None
    course.published_at = course.published_at or now  # an import publishes
    _store_media(course, source)
    modules = _store_modules(course, source, now)
    db.session.flush()
    _store_lessons(course, source, modules, now, progress or _no_progress)
    db.session.flush()
    return course


def _store_media(course: Course, source: CourseSource) -> None:
    existing = {m.name: m for m in course.media}
    for name, item in source.media.items():
        if not media.path_for(item.sha256).exists():
            media.store(item.path.read_bytes())
        row = existing.get(name)
        if row is None:
            course.media.append(MediaFile(name=name, sha256=item.sha256, mime=item.mime,
                                          size=item.size))
        else:
            row.sha256, row.mime, row.size = item.sha256, item.mime, item.size
    for name, row in existing.items():
        if name not in source.media:
            course.media.remove(row)  # media rows carry no progress: gone is gone


def _store_modules(course: Course, source: CourseSource, now) -> dict[str, Module]:
    existing = {m.key: m for m in course.modules}
    for position, item in enumerate(source.modules):
        module = existing.get(item.key)
        if module is None:
            module = Module(key=item.key)
            course.modules.append(module)
            existing[item.key] = module
        module.titles = dict(item.titles)
        module.position = position
        module.retired_at = None
    wanted = {m.key for m in source.modules}
    for key, module in existing.items():
        if key not in wanted and module.retired_at is None:
            module.retired_at = now
    return existing


def _store_lessons(course: Course, source: CourseSource, modules: dict[str, Module], now,
                   progress: Progress) -> None:
    existing = {lesson.key: lesson for lesson in db.session.scalars(
        select(Lesson).where(Lesson.course_id == course.id)
        .options(selectinload(Lesson.contents), selectinload(Lesson.exercises)))}
    by_key = {lesson.key: lesson for lesson in source.lessons}
    order = [key for module in source.modules for key in module.lessons if key in by_key]
    for position, key in enumerate(progress(order)):
        item = by_key[key]
        lesson = existing.get(key)
        if lesson is None:
            lesson = Lesson(course=course, key=key, contents=[], exercises=[])
            db.session.add(lesson)
            existing[key] = lesson
        lesson.module = modules[item.module]
        lesson.position = position
        update_lesson(lesson, item, now)
    for key, lesson in existing.items():
        if key not in by_key and lesson.retired_at is None:
            lesson.retired_at = now


def update_lesson(lesson: Lesson, item: LessonSource, now=None) -> None:
    """Write one lesson's settings, contents and exercises (shared with ``giftio``); a change
    to what learners read is a new version of the lesson, kept as a ``LessonSnapshot``."""
    now = now or clock.now()
    changed = not lesson.version or lesson.retired_at is not None
    first = item.first
    lesson.minutes = first.minutes or 10
    lesson.attempts = first.attempts if first.attempts is not None else 3
    lesson.pass_mark = first.pass_mark
    lesson.placement = bool(first.placement)
    lesson.retired_at = None
    contents = {c.lang: c for c in lesson.contents}
    for lang, version in item.versions.items():
        content = contents.get(lang)
        if content is None:
            content = LessonContent(lang=lang)
            lesson.contents.append(content)
        pages = [mark_page(page) for page in version.pages]  # where the speakers go
        if content.source != version.text or content.pages != pages:
            changed = changed or content.pages != pages or content.title != version.title
            content.title = version.title
            content.source = version.text
            content.pages = pages
            content.source_sha256 = version.sha256
    for lang, content in contents.items():
        if lang not in item.versions:
            lesson.contents.remove(content)
            changed = True
    changed = _store_exercises(lesson, item, now) or changed
    if changed:
        lesson.version = (lesson.version or 0) + 1
        db.session.add(LessonSnapshot.of(lesson))


def _store_exercises(lesson: Lesson, item: LessonSource, now) -> bool:
    """Write the exercises; True if learners would see any difference."""
    existing = {e.key: e for e in lesson.exercises}
    entries: dict[str, dict] = {}
    for lang, version in item.versions.items():
        for question, entry in zip(version.questions, version.exercises, strict=True):
            entries.setdefault(question.id, {})[lang] = entry
    # The first language decides the order; an exercise only in another language (possible
    # while a lecturer adds questions one language at a time) comes after.
    order: dict[str, Question] = {}
    for version in [item.first, *item.versions.values()]:
        for question in version.questions:
            order.setdefault(question.id, question)
    changed = False
    for position, (key, question) in enumerate(order.items()):
        exercise = existing.get(key)
        if exercise is None:
            exercise = Exercise(key=key)
            lesson.exercises.append(exercise)
            existing[key] = exercise
        data = entries[key]
        changed = changed or (exercise.type, exercise.retired_at) != (question.type, None)
        exercise.type = question.type
        exercise.position = position
        exercise.page = data.get(item.first.lang, next(iter(data.values())))["page"]
        if exercise.data != data:
            exercise.data = data
            changed = True
        exercise.retired_at = None
    wanted = set(order)
    for key, exercise in existing.items():
        if key not in wanted and exercise.retired_at is None:
            exercise.retired_at = now
            changed = True
    return changed
