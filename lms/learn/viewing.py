"""Going through a lesson: the pages a learner has seen, and starting a lesson again.

Plain functions; they add and flush, never commit."""

from __future__ import annotations

from .. import clock
from ..accounts.models import User
from ..content.models import Lesson
from ..extensions import db
from . import events
from .completion import complete_if_ready
from .models import LessonProgress, Status
from .visibility import LearnError, ensure_open, reading_of


def view_page(user: User, lesson: Lesson, page: int, lang: str, terminal_id: int | None,
              progress: dict[int, LessonProgress] | None = None) -> LessonProgress:
    """Record that the learner is looking at ``page`` (0-based) of ``lesson`` (``progress``:
    as ``progress_for`` gives it, when the caller has read it)."""
    progress = ensure_open(user, lesson, progress)
    content = reading_of(lesson, progress.get(lesson.id)).content(lang)
    count = max(len(content.pages) if content else 1, 1)
    page = min(max(page, 0), count - 1)
    mine = progress.get(lesson.id)
    now = clock.now()
    if mine is None:
        mine = LessonProgress(user_id=user.id, lesson_id=lesson.id, course_id=lesson.course_id,
                              status=Status.IN_PROGRESS, started_at=now,
                              lesson_version=lesson.version)
        db.session.add(mine)
        events.record(user, "launched", "lesson", lesson.id, course_id=lesson.course_id,
                      lesson_id=lesson.id, lang=lang, terminal_id=terminal_id)
    mine.page_count = count
    mine.current_page = page
    if page not in (mine.pages_seen or []):
        mine.pages_seen = sorted({*(mine.pages_seen or []), page})
    mine.updated_at = now
    events.record(user, "experienced", "page", lesson.id, course_id=lesson.course_id,
                  lesson_id=lesson.id, result={"page": page + 1, "of": count}, lang=lang,
                  terminal_id=terminal_id)
    db.session.flush()
    complete_if_ready(user, lesson, mine, lang, terminal_id)
    return mine


def retake(user: User, lesson: Lesson) -> LessonProgress:
    """Start a new round of tries on a lesson whose tries ran out below the pass mark."""
    progress = ensure_open(user, lesson)
    mine = progress.get(lesson.id)
    if mine is None or mine.status is Status.DONE:
        raise LearnError("done")
    mine.round += 1
    mine.score = 0.0
    mine.current_page = 0
    mine.updated_at = clock.now()
    if mine.lesson_version != lesson.version:  # starting again: the newest version
        mine.lesson_version = lesson.version
        mine.pages_seen = []
    return mine
