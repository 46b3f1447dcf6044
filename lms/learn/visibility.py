"""What a learner may see: the published courses and lessons, the lock of a sequential course,
where to continue, and which version of a lesson they read.

Plain functions; they read, never write."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, bindparam, func, select
from sqlalchemy.orm import defaultload, defer, joinedload

from ..accounts.models import User
from ..content import reading
from ..content.models import Course, Exercise, Lesson
from ..content.reading import LessonReading
from ..extensions import db
from .models import LessonProgress, PlanItem, Status


class LearnError(ValueError):
    """A learner's request that the rules refuse ("locked", "no_tries", "done", "bad_answer")."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(code)
        self.code = code
        self.detail = detail


# What a kiosk request needs of a lesson: the lesson with its course in one query; its exercises
# when first needed, without their data (a published version's data comes from
# ``content.versions``). Built once: loader options cost more to build than to use.
LESSON_LOADING = (joinedload(Lesson.course).defer(Course.source),
                  defaultload(Lesson.exercises).defer(Exercise.data))
EXERCISE_LOADING = (defer(Exercise.data), joinedload(Exercise.lesson).options(*LESSON_LOADING))


def lesson_for_learner(lesson_id: int) -> Lesson | None:
    """A published, active lesson, or None."""
    lesson = db.session.get(Lesson, lesson_id, options=LESSON_LOADING)
    return lesson if _readable(lesson) else None


def _readable(lesson: Lesson | None) -> bool:
    return lesson is not None and lesson.active and lesson.course.published_at is not None


def _own_progress(entity, lesson_id):
    """``entity`` with the learner's progress row in its lesson (None before they start)."""
    return (select(entity, LessonProgress)
            .outerjoin(LessonProgress, and_(LessonProgress.lesson_id == lesson_id,
                                            LessonProgress.user_id == bindparam("user_id"))))


# Built once, like the loader options: a kiosk request's first query.
_LESSON_READING = (_own_progress(Lesson, Lesson.id).options(*LESSON_LOADING)
                   .where(Lesson.id == bindparam("lesson_id")))
_EXERCISE_READING = (_own_progress(Exercise, Exercise.lesson_id).options(*EXERCISE_LOADING)
                     .where(Exercise.id == bindparam("exercise_id")))


def open_lesson(user: User, lesson_id: int
                ) -> tuple[Lesson, dict[int, LessonProgress]] | None:
    """A published, active lesson with what ``progress_for`` tells of the learner's progress,
    the lesson and the learner's row in it read in one query; None when there is no such
    lesson."""
    row = db.session.execute(_LESSON_READING, {"lesson_id": lesson_id, "user_id": user.id}).first()
    if row is None or not _readable(row[0]):
        return None
    return row[0], progress_for(user, row[0], own=row[1])


def open_exercise(user: User, exercise_id: int
                  ) -> tuple[Exercise, dict[int, LessonProgress]] | None:
    """An exercise of a published, active lesson with the learner's progress (as
    ``open_lesson``), in one query; None when there is no such exercise."""
    row = db.session.execute(_EXERCISE_READING,
                             {"exercise_id": exercise_id, "user_id": user.id}).first()
    if row is None or not _readable(row[0].lesson):
        return None
    return row[0], progress_for(user, row[0].lesson, own=row[1])


def published_courses() -> list[Course]:
    return list(db.session.scalars(
        select(Course).where(Course.published_at.is_not(None), Course.retired_at.is_(None))
        .order_by(Course.category, Course.level, Course.id)
    ))


def active_lessons(course: Course) -> list[Lesson]:
    return [lesson for lesson in course.lessons if lesson.active]


def counted_lessons(course: Course) -> list[Lesson]:
    """The lessons a course completion needs (placement tests are not among them)."""
    return [lesson for lesson in active_lessons(course) if not lesson.placement]


def progress_by_lesson(user: User, course_ids: list[int] | None = None,
                       lesson_ids: list[int] | None = None) -> dict[int, LessonProgress]:
    """The learner's progress by lesson (in these courses, or these lessons)."""
    stmt = select(LessonProgress).where(LessonProgress.user_id == user.id)
    if course_ids is not None:
        stmt = stmt.where(LessonProgress.course_id.in_(course_ids))
    if lesson_ids is not None:
        stmt = stmt.where(LessonProgress.lesson_id.in_(lesson_ids))
    return {p.lesson_id: p for p in db.session.scalars(stmt)}


def course_totals(user: User) -> dict[int, tuple[int, int]]:
    """For every published course: (lessons done, lessons counted), in one query."""
    done = (
        select(LessonProgress.lesson_id)
        .where(LessonProgress.user_id == user.id, LessonProgress.status == Status.DONE)
        .subquery()
    )
    stmt = (
        select(Lesson.course_id, func.count(Lesson.id),
               func.count(done.c.lesson_id))
        .outerjoin(done, done.c.lesson_id == Lesson.id)
        .where(Lesson.retired_at.is_(None), Lesson.placement.is_(False))
        .group_by(Lesson.course_id)
    )
    return {course_id: (int(n_done), int(total)) for course_id, total, n_done in db.session.execute(stmt)}


def is_locked(lesson: Lesson, progress: dict[int, LessonProgress]) -> bool:
    """In a sequential course a lesson opens when the one before it is done."""
    if not lesson.course.sequential or lesson.placement:
        return False
    previous = None
    for other in counted_lessons(lesson.course):
        if other.id == lesson.id:
            break
        previous = other
    if previous is None:
        return False
    before = progress.get(previous.id)
    return before is None or before.status is not Status.DONE


def lesson_status(lesson: Lesson, progress: dict[int, LessonProgress]) -> str:
    """"done", "in_progress", "not_started" or "locked"."""
    mine = progress.get(lesson.id)
    if mine is not None:
        return mine.status.value
    return "locked" if is_locked(lesson, progress) else Status.NOT_STARTED.value


def continue_target(user: User) -> tuple[Lesson, int] | None:
    """The lesson and page where the learner stopped (the latest one not done)."""
    row = db.session.scalar(
        select(LessonProgress)
        .join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .join(Course, Course.id == Lesson.course_id)
        .where(LessonProgress.user_id == user.id, LessonProgress.status != Status.DONE,
               Lesson.retired_at.is_(None), Course.published_at.is_not(None))
        .order_by(LessonProgress.updated_at.desc(), LessonProgress.id.desc())
        .limit(1)
    )
    if row is None:
        return None
    return row.lesson, row.current_page


def next_lesson(course: Course, progress: dict[int, LessonProgress]) -> Lesson | None:
    """The first counted lesson not done yet, or None when the course is complete."""
    for lesson in counted_lessons(course):
        mine = progress.get(lesson.id)
        if mine is None or mine.status is not Status.DONE:
            return lesson
    return None


def plan(user: User) -> list[PlanItem]:
    return list(db.session.scalars(
        select(PlanItem).join(Course, Course.id == PlanItem.course_id)
        .where(PlanItem.user_id == user.id, PlanItem.removed_at.is_(None),
               Course.published_at.is_not(None), Course.retired_at.is_(None))
        .order_by(PlanItem.due_date.is_(None), PlanItem.due_date, PlanItem.id)
    ))


_UNREAD = object()


def progress_for(user: User, lesson: Lesson, own: Any = _UNREAD) -> dict[int, LessonProgress]:
    """What a lesson page needs of the learner's progress: the lesson's own row, or, before
    they start it, the course's rows (to tell whether it is still locked). ``own``: the row,
    or None, when the caller has read it."""
    if own is _UNREAD:
        progress = progress_by_lesson(user, lesson_ids=[lesson.id])
    else:
        progress = {lesson.id: own} if own is not None else {}
    if lesson.id in progress or not lesson.course.sequential or lesson.placement:
        return progress
    return progress_by_lesson(user, [lesson.course_id])


def ensure_open(user: User, lesson: Lesson,
                progress: dict[int, LessonProgress] | None = None) -> dict[int, LessonProgress]:
    """The learner's progress in the lesson's course (``progress`` when the caller has it)."""
    if not lesson.active or lesson.course.published_at is None or not lesson.course.active:
        raise LearnError("missing")
    if progress is None:
        progress = progress_for(user, lesson)
    if lesson.id not in progress and is_locked(lesson, progress):
        raise LearnError("locked")
    return progress


def reading_of(lesson: Lesson, mine: LessonProgress | None) -> LessonReading:
    """The lesson as this learner reads it: the version they started while they are in the
    middle of it, else the newest."""
    started = mine.lesson_version if mine is not None and mine.status is not Status.DONE else None
    return reading.read(lesson, started)
